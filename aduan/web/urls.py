from django.urls import include, path

from aduan.web import views
from aduan.web.reporting import views as reporting

app_name = "web"
# Each part of the portal keeps its own URLs; all names live in the "web" namespace.
urlpatterns = [
    path("", views.home, name="home"),
    path("lacak", reporting.track, name="track"),
    path("", include("aduan.web.accounts.urls")),
    path("", include("aduan.web.reporting.urls")),
    path("", include("aduan.web.feed.urls")),
    path("", include("aduan.web.statistics.urls")),
    path("", include("aduan.web.statistics.cards_urls")),
    path("", include("aduan.web.opendata.urls")),
]

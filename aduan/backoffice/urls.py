from django.urls import include, path

from aduan.backoffice import views

app_name = "backoffice"
# The officials' side, under /kantor/; each part keeps its own URLs in this namespace.
urlpatterns = [
    path("", views.home, name="home"),
    path("pemberitahuan", views.notices, name="notices"),
    path("", include("aduan.backoffice.signin.urls")),
    path("", include("aduan.backoffice.cases.urls")),
    path("", include("aduan.backoffice.integrations.urls")),
    path("", include("aduan.backoffice.counter.urls")),
    path("", include("aduan.backoffice.dashboard.urls")),
]

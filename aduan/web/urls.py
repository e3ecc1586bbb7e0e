from django.urls import path

from aduan.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("lacak", views.track, name="track"),
]

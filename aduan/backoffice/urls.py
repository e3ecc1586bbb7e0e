from django.urls import path

from aduan.backoffice import views

app_name = "backoffice"
# The officials' side, under /kantor/.
urlpatterns = [
    path("", views.home, name="home"),
    path("masuk", views.not_yet, name="login"),
]

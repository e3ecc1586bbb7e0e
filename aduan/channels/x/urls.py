from django.urls import path

from aduan.channels.x import views

app_name = "x"

urlpatterns = [
    path("webhook", views.webhook, name="webhook"),
]

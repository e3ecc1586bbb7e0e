from django.urls import path

from aduan.channels.telegram import views

app_name = "telegram"
urlpatterns = [path("webhook", views.webhook, name="webhook")]

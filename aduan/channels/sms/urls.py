from django.urls import path

from aduan.channels.sms import views

app_name = "sms"

urlpatterns = [
    path("kannel", views.kannel_inbound, name="kannel"),
    path("kannel/dlr", views.kannel_delivery_report, name="kannel_dlr"),
]

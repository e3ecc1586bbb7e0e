from django.urls import path

from aduan.backoffice.counter import views

urlpatterns = [
    path("loket", views.counter, name="counter"),
    path("loket/<str:number>", views.counter_receipt, name="counter_receipt"),
]

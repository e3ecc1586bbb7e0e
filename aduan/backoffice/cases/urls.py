from django.urls import path

from aduan.backoffice.cases import views

# Case work: queues, a report's case page and the actions on it.
urlpatterns = [
    path("verifikasi", views.queue, name="queue"),
    path("dikembalikan", views.bounced, name="bounced"),
    path("verifikasi/unduh", views.queue_csv, name="queue_csv"),
    path("dikembalikan/unduh", views.bounced_csv, name="bounced_csv"),
    path("laporan/<str:number>", views.case, name="case"),
]

from django.urls import path

from aduan.web.reporting import views

# Owned by the reporting work: submit, my reports, a report's page and its reporter's
# actions, its files, and following a report by number.
urlpatterns = [
    path("lapor", views.submit, name="submit"),
    path("lapor/konfirmasi", views.submit_confirm, name="submit_confirm"),
    path("lapor/kode", views.submit_code, name="submit_code"),
    path("lapor/kode/kirim-ulang", views.submit_resend, name="submit_resend"),
    path("lapor/kirim", views.submit_draft, name="submit_draft"),
    path("lapor/buang", views.submit_discard, name="submit_discard"),
    path("lapor/saran-kategori", views.submit_suggest, name="submit_suggest"),
    path("laporan-saya", views.my_reports, name="my_reports"),
    path("laporan/<str:number>", views.report, name="report"),
    path("laporan/<str:number>/terkirim", views.submitted, name="submitted"),
    path("lampiran/<int:attachment_id>", views.attachment, name="attachment"),
]

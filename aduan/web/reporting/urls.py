from django.urls import path

from aduan.web.views import not_yet

# Owned by the reporting work: submit, my reports, a report's page and its reporter's
# actions, and following a report by number.
urlpatterns = [
    path("lapor", not_yet, name="submit"),
    path("laporan-saya", not_yet, name="my_reports"),
    path("laporan/<str:number>", not_yet, name="report"),
]

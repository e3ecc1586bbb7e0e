from django.urls import path

from aduan.backoffice.cases import lists, views

# Case work: the lists (each with its CSV export), a report's case page and the
# actions on it.
_LIST_PATHS = {
    "queue": "verifikasi",
    "bounced": "dikembalikan",
    "inbox": "kotak-masuk",
    "overdue": "terlambat",
    "escalated": "eskalasi",
}

urlpatterns = [
    *(
        path(route, lists.case_list_page, {"name": name}, name=name)
        for name, route in _LIST_PATHS.items()
    ),
    *(
        path(f"{route}/unduh", lists.case_list_csv, {"name": name}, name=f"{name}_csv")
        for name, route in _LIST_PATHS.items()
    ),
    path("laporan/<str:number>", views.case, name="case"),
    path("laporan/<str:number>/ingatkan", views.remind, name="remind"),
    path("laporan/<str:number>/saran", views.suggestions, name="suggestions"),
    path("wilayah/cari", views.places, name="places"),
]

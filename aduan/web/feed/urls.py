from django.urls import path

from aduan.web.feed import views

# Owned by the feed work: the public feed and search, support (Dukung) and comments.
urlpatterns = [
    path("jelajah", views.feed, name="feed"),
    path("laporan/<str:number>/dukung", views.support_add, name="support_add"),
    path("laporan/<str:number>/dukung/batal", views.support_remove, name="support_remove"),
    path("laporan/<str:number>/komentar", views.comment_add, name="comment_add"),
    path(
        "komentar/<int:comment_id>/laporkan",
        views.comment_report_abuse,
        name="comment_report_abuse",
    ),
    path("komentar/<int:comment_id>/sembunyikan", views.comment_hide, name="comment_hide"),
    path("komentar/<int:comment_id>/tampilkan", views.comment_unhide, name="comment_unhide"),
]

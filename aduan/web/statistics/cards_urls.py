from django.urls import path

from aduan.web.statistics import cards

# An agency's yearly report card: the page (figures also ?format=csv|xlsx) and its PDF.
urlpatterns = [
    path("statistik/instansi/<slug:code>/rapor/<int:year>", cards.report_card, name="report_card"),
    path(
        "statistik/instansi/<slug:code>/rapor/<int:year>.pdf",
        cards.report_card_pdf,
        name="report_card_pdf",
    ),
]

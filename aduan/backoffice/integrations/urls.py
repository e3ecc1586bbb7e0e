from django.urls import path

from aduan.backoffice.integrations import views

urlpatterns = [
    path("integrasi", views.api_keys, name="api_keys"),
    path("integrasi/<int:key_id>/ganti", views.api_key_rotate, name="api_key_rotate"),
    path("integrasi/<int:key_id>/cabut", views.api_key_revoke, name="api_key_revoke"),
    path("integrasi/webhook", views.webhook_list, name="webhooks"),
    path("integrasi/webhook/<int:webhook_id>", views.webhook_deliveries, name="webhook_deliveries"),
    path("integrasi/webhook/<int:webhook_id>/saklar", views.webhook_switch, name="webhook_switch"),
    path("integrasi/webhook/<int:webhook_id>/hapus", views.webhook_delete, name="webhook_delete"),
    path(
        "integrasi/webhook/<int:webhook_id>/kirim/<int:delivery_id>/ulang",
        views.delivery_replay,
        name="delivery_replay",
    ),
]

from django.urls import path

from aduan.backoffice.integrations import views

urlpatterns = [
    path("integrasi", views.api_keys, name="api_keys"),
    path("integrasi/<int:key_id>/ganti", views.api_key_rotate, name="api_key_rotate"),
    path("integrasi/<int:key_id>/cabut", views.api_key_revoke, name="api_key_revoke"),
]

from django.urls import path

from aduan.web.views import not_yet

# Owned by the accounts work: sign-up, codes, log-in, password reset, profile, my data.
urlpatterns = [
    path("daftar", not_yet, name="signup"),
    path("masuk", not_yet, name="login"),
    path("keluar", not_yet, name="logout"),
    path("akun", not_yet, name="account"),
]

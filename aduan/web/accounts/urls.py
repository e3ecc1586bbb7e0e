from django.urls import path

from aduan.web.accounts import views

# Sign-up, codes, log-in, password reset, profile, my data.
urlpatterns = [
    path("daftar", views.signup, name="signup"),
    path("daftar/konfirmasi", views.signup_confirm, name="signup_confirm"),
    path("daftar/kirim-ulang", views.signup_resend, name="signup_resend"),
    path("masuk", views.login, name="login"),
    path("keluar", views.logout, name="logout"),
    path("lupa-sandi", views.password_reset, name="password_reset"),
    path("lupa-sandi/kode", views.password_reset_confirm, name="password_reset_confirm"),
    path("lupa-sandi/kirim-ulang", views.password_reset_resend, name="password_reset_resend"),
    path("akun", views.account, name="account"),
    path("akun/sandi", views.password_change, name="password_change"),
    path("akun/tambah-kontak", views.identity_add, name="identity_add"),
    path("akun/tambah-kontak/kode", views.identity_add_confirm, name="identity_add_confirm"),
    path("akun/data.json", views.account_export, name="account_export"),
    path("akun/hapus", views.account_delete, name="account_delete"),
]

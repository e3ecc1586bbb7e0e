from django.urls import path

from aduan.backoffice.signin import views

# Staff sign-in with a second factor, enrolment, recovery codes, log-out.
urlpatterns = [
    path("masuk", views.login, name="login"),
    path("masuk/kode", views.login_code, name="login_code"),
    path("masuk/aplikasi", views.enrol, name="enrol"),
    path("kode-pemulihan", views.recovery_codes, name="recovery_codes"),
    path("keluar", views.logout, name="logout"),
]

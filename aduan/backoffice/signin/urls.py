from django.urls import path

from aduan.backoffice.views import not_yet

# Staff sign-in with a second factor, enrolment, recovery codes, log-out.
urlpatterns = [
    path("masuk", not_yet, name="login"),
]

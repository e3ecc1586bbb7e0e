"""The pages answer bad input with 400, never 500: a form Django cannot read (a
multipart body without its boundary) on every form that takes a POST, and a
statistics span at the calendar's end (it was a 500). Django's own error pages speak
the visitor's language, as every page does."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db

FORMS = ["/masuk", "/daftar", "/lupa-sandi", "/kantor/masuk"]


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("csrf", [True, False])
def test_a_form_without_its_boundary_is_a_400(path: str, csrf: bool) -> None:
    """With CSRF checks on (a real browser's cookie and header), the middleware is
    the first to read the form; off, the view is. Django answers 400 either way."""
    client = Client(enforce_csrf_checks=csrf)
    headers = {}
    if csrf:
        assert client.get(path).status_code == 200
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value
    response = client.generic(
        "POST", path, b"--x\r\n", content_type="multipart/form-data", headers=headers
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Permintaan tidak dapat dibaca — LAPOR!" in page


@pytest.mark.parametrize("page", ["/statistik", "/statistik/wilayah/32", "/statistik/peringkat"])
@pytest.mark.parametrize(
    "query",
    ["mulai=0001-01-01&sampai=0001-01-01", "mulai=9999-12-31&sampai=9999-12-31"],
)
def test_a_span_at_the_calendars_end_is_refused_in_indonesian(
    client: Client, page: str, query: str
) -> None:
    response = client.get(f"{page}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tahun harus antara 2015" in html and 'role="alert"' in html


def test_a_form_past_its_csrf_token_says_so_in_indonesian() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/masuk", {"identity": "0812", "password": "x"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()


def test_a_missing_page_says_so_in_the_visitors_language(client: Client) -> None:
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    english = client.get("/tidak-ada-halaman-ini", headers={"accept-language": "en"})
    assert "Page not found" in english.content.decode()


def test_the_server_error_page_needs_nothing_that_could_fail_itself() -> None:
    """Django renders it with no request and no context; it stands alone."""
    with translation.override("en"):
        html = render_to_string("500.html")
    assert "Something went wrong" in html and "<link" not in html

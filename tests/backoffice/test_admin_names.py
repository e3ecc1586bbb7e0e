"""The national admin's admin speaks Indonesian, model and app names included (and
English where the admin chose English): no "Agencies" or "Routing rules" on an
Indonesian page."""

import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.utils import translation

from aduan.accounts.models import User
from aduan.backoffice.permissions import REFERENCE_DATA
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db

StaffClient = Callable[[User], Client]
# English words Django makes from class names when a model has no verbose name
# ("Unit kerja" is Indonesian too).
ENGLISH = re.compile(
    r"\b(Agenc(y|ies)|Categor(y|ies)|Regions?|Units|Unit types?|Regional holidays?|"
    r"Routing rules?|Deadline polic(y|ies)|Comments?|Messages?|Users?|Workdays|Outbox)\b"
)


@pytest.fixture
def national(cast: Cast, staff_client: StaffClient) -> Client:
    user = cast.national.user
    assert user is not None
    user.is_staff, user.is_superuser = True, False
    user.save()
    return staff_client(user)


def test_every_registered_model_and_its_app_is_named_in_both_languages() -> None:
    for model in admin.site._registry:
        options = model._meta
        if options.app_label in ("auth", "otp_totp", "otp_static"):
            continue
        with translation.override("id"):
            words = [
                str(options.verbose_name),
                str(options.verbose_name_plural),
                str(apps.get_app_config(options.app_label).verbose_name),
            ]
        assert not any(ENGLISH.search(word) for word in words), (model, words)
        with translation.override("en"):
            english = str(options.verbose_name_plural)
        assert english != words[1] or english == "Open311 clients", (model, english)


def test_the_admin_index_and_lists_read_indonesian(national: Client) -> None:
    html = national.get("/admin/").content.decode()
    assert "Instansi" in html and "Kebijakan batas waktu" in html
    assert not ENGLISH.search(re.sub(r"<[^>]+>", " ", html)), ENGLISH.search(html)
    for label in sorted(REFERENCE_DATA):
        app, model = label.split(".")
        page = national.get(f"/admin/{app}/{model}/").content.decode()
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title and not ENGLISH.search(title.group(1)), (label, title)

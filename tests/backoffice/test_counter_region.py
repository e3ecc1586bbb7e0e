"""The counter's form starts at the clerk's own region: a city government's clerk
finds their city chosen; a desk serving a province or the nation chooses for itself."""

import re

import pytest

from aduan.agencies.models import Agency
from aduan.intake.selectors import counter_region
from tests.backoffice.conftest import StaffClient, client_of
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _chosen(html: str) -> list[str]:
    select = html[html.index('name="region"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


def test_the_counter_form_starts_at_the_clerks_city(cast: Cast, staff_client: StaffClient) -> None:
    html = client_of(staff_client, cast.agency_admin).get("/kantor/loket").content.decode()
    assert _chosen(html) == ["32.74"]  # Pemerintah Kota Cirebon
    html = client_of(staff_client, cast.liaison).get("/kantor/loket").content.decode()
    assert _chosen(html) == ["32.74"]


def test_a_national_desk_starts_with_no_region(cast: Cast, staff_client: StaffClient) -> None:
    html = client_of(staff_client, cast.national).get("/kantor/loket").content.decode()
    assert _chosen(html) in ([], [""])


def test_the_region_served_is_cut_to_its_regency() -> None:
    assert counter_region(agency_id=None) == ""
    assert counter_region(agency_id=Agency.objects.get(code="pemda-32-74").pk) == "32.74"
    assert counter_region(agency_id=Agency.objects.get(code="pemda-32").pk) == ""
    district_office = Agency.objects.get(code="pemda-32-74")
    district_office.pk = None
    district_office.code, district_office.region_id = "kec-32-74-01", "32.74.01"
    district_office.save()
    assert counter_region(agency_id=district_office.pk) == "32.74"

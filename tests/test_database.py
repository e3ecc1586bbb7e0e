"""The test databases' own plumbing (tests/database.py): a test with real transactions
ends with the database as the template has it."""

import pytest
from django.db import connection

from aduan.accounts.models import User
from aduan.agencies.models import Agency
from aduan.regions.models import Region
from tests.database import DIRTY, SNAPSHOT, _templates


def _written() -> set[str]:
    table = f"{SNAPSHOT}.{DIRTY}" if connection.vendor == "postgresql" else DIRTY
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {table}")  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_restore_puts_back_every_written_row_and_removes_the_new_ones() -> None:
    village = Region.objects.get(code="32.74.01.1001")
    kota = Agency.objects.get(code="pemda-32-74")
    regions = Region.objects.count()
    Region.objects.filter(pk=village.pk).update(name="Desa Uji")
    Agency.objects.filter(pk=kota.pk).update(is_active=False)
    User.objects.create(username="tamu", role="citizen")
    assert _written() >= {"regions_region", "agencies_agency", "accounts_user"}

    _templates(connection).restore()

    assert Region.objects.get(pk=village.pk).name == village.name
    assert Region.objects.count() == regions
    assert Agency.objects.get(pk=kota.pk).is_active
    assert not User.objects.filter(username="tamu").exists()
    assert _written() == set()

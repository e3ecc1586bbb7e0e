import pytest
from django.db import connection

from aduan.lib.errors import InvalidInput
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reporters.services import identity_hash, reporter_for_identity

pytestmark = pytest.mark.django_db


def test_one_phone_written_three_ways_is_one_reporter() -> None:
    first = reporter_for_identity(kind="phone", value="0812-3456-789", name="Ani")
    assert reporter_for_identity(kind="phone", value="62 812 3456 789") == first
    assert reporter_for_identity(kind="phone", value="+62 812-3456-789") == first
    assert ChannelIdentity.objects.count() == 1
    assert ChannelIdentity.objects.get().value == "+628123456789"


def test_email_and_handle_are_case_insensitive() -> None:
    ani = reporter_for_identity(kind="email", value="Ani@Example.ID")
    assert reporter_for_identity(kind="email", value=" ani@example.id ") == ani
    assert reporter_for_identity(kind="x", value="@Ani_Cirebon") == reporter_for_identity(
        kind="x", value="ani_cirebon"
    )


def test_personal_data_is_encrypted_at_rest() -> None:
    reporter = reporter_for_identity(kind="phone", value="081234567890", name="Siti Aminah")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM reporters_reporter WHERE id = %s", [reporter.pk])
        (raw_name,) = cursor.fetchone()
        cursor.execute("SELECT value, value_hash FROM reporters_channelidentity")
        raw_value, value_hash = cursor.fetchone()
    assert "Siti" not in raw_name and "81234567890" not in raw_value
    assert "81234567890" not in value_hash
    assert Reporter.objects.get(pk=reporter.pk).name == "Siti Aminah"
    assert value_hash == identity_hash(kind="phone", value="+62 812 3456 7890")


@pytest.mark.parametrize(
    ("kind", "value"), [("phone", "12"), ("phone", "halo"), ("email", "ani@"), ("x", "@a b")]
)
def test_a_bad_identity_is_refused(kind: str, value: str) -> None:
    with pytest.raises(InvalidInput):
        reporter_for_identity(kind=kind, value=value)
    assert not Reporter.objects.exists()

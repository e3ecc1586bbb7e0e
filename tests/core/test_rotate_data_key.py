"""Rotating ADUAN_DATA_KEY (docs/keys.md): data written under key A still reads, and
every record is still found by phone, e-mail, token or key, once B is the data key
with A kept as a previous one; `rotate_data_key` brings every encrypted value and
every keyed hash under B, so that everything reads and is found with A removed; it
can run again, stop and go on, and be asked what is left; a value no key reads, or
two rows that become one, are named, with nothing of their batch written."""

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from aduan.accounts.export import identity_hashes
from aduan.accounts.models import ApiToken, OneTimeCode, User
from aduan.accounts.selectors import user_for_identity
from aduan.accounts.services import (
    account_confirm,
    account_link_code,
    account_link_user,
    account_signup,
)
from aduan.accounts.tokens import api_token_issue, api_token_user
from aduan.channels.sms.models import InboundSms
from aduan.channels.sms.services import Sms, sms_receive
from aduan.core.keyrotation import data_key_left, data_key_rotate
from aduan.lib import crypto
from aduan.lib.crypto import EncryptedTextField, KeyedHash
from aduan.open311.models import Open311Client
from aduan.open311.services import open311_client_check, open311_client_create
from aduan.outbox.models import Message
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reporters.services import reporter_for_identity
from aduan.reports.models import Report
from aduan.reports.policy import report_link_key, report_link_valid

pytestmark = pytest.mark.django_db

A = Fernet.generate_key().decode("ascii")
B = Fernet.generate_key().decode("ascii")
PHONE = "+628123456789"
SITI = "siti@example.id"
BUDI = "budi@example.id"


@contextmanager
def data_keys(key: str, *previous: str) -> Iterator[None]:
    """The deployment's keys as a node started with them would read them."""
    with override_settings(DATA_KEY=key, DATA_KEYS_PREVIOUS=list(previous)):
        crypto.crypto_cache_clear()
        try:
            yield
        finally:
            crypto.crypto_cache_clear()


def _hash_under(key: str, kind: str, value: str) -> str:
    with data_keys(key):
        return crypto.lookup_hash(kind, value)


def _written() -> dict[str, Any]:
    """A little of everything, under A: an SMS report (reporter, identity, inbound
    record, answer, outbox row), an e-mail reporter, a pending sign-up (code row and
    the message with its code), a citizen's API token and an Open311 key."""
    sms_receive(Sms(sender=PHONE, text="LAPOR jalan rusak di depan pasar", stamp="10:00"))
    report = Report.objects.get()
    siti = reporter_for_identity(kind="email", value=SITI, name="Siti Aminah")
    signup = account_signup(name="Budi", identity=BUDI, password="kata-sandi-yang-panjang")
    sent = Message.objects.get(recipient_hash=crypto.lookup_hash("email", BUDI)).body
    citizen = User.objects.create(username="ani", role=User.Role.CITIZEN)
    token, _row = api_token_issue(user=citizen)
    _client, open311_key = open311_client_create(name="Aplikasi Kota")
    return {
        "report": report,
        "link": report_link_key(report),
        "siti": siti,
        "signup": signup,
        "code": re.search(r"\d{6}", sent).group(),  # type: ignore[union-attr]
        "citizen": citizen,
        "token": token,
        "open311_key": open311_key,
    }


def _read_everything() -> int:
    """Reads every encrypted value of every model; how many there were."""
    read = 0
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        names = [f.attname for f in fields if isinstance(f, EncryptedTextField)]
        for row in model._base_manager.values_list(*names) if names else ():
            read += sum(1 for value in row if value)
    return read


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return str(value)


def _rotate(*options: str) -> str:
    out = io.StringIO()
    call_command("rotate_data_key", "--no-progress", *options, stdout=out)
    return out.getvalue()


def _check() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("rotate_data_key", "--check", "--no-progress", stdout=out)
    except SystemExit as stopped:
        return int(str(stopped.code)), out.getvalue()
    return 0, out.getvalue()


def test_data_under_the_previous_key_still_reads_and_is_found() -> None:
    with data_keys(A):
        data = _written()
        sms_reporter = Report.objects.get().reporter_id
        read = _read_everything()
    with data_keys(B, A):
        assert _read_everything() == read
        assert Reporter.objects.get(pk=data["siti"].pk).name == "Siti Aminah"
        # Found by phone and e-mail: nobody is made a second time.
        assert reporter_for_identity(kind="phone", value="0812-3456-789").pk == sms_reporter
        assert reporter_for_identity(kind="email", value=SITI).pk == data["siti"].pk
        assert ChannelIdentity.objects.count() == 2
        # A code sent under A still confirms the sign-up.
        budi = account_confirm(token=data["signup"].token, code=data["code"])
        assert user_for_identity(kind="email", value=BUDI) == budi
        # Tokens and keys, never kept, are hashed again under B when used.
        assert api_token_user(value=data["token"]) is not None
        assert ApiToken.objects.get().token_hash == crypto.lookup_hash("api_token", data["token"])
        assert open311_client_check(data["open311_key"]).name == "Aplikasi Kota"
        assert Open311Client.objects.get().key_hash == crypto.lookup_hash(
            "open311-key", data["open311_key"]
        )
        assert report_link_valid(data["report"], data["link"])
        # What the channels recorded of the number is still the person's.
        sms = InboundSms.objects.get()
        assert sms.sender_hash == _hash_under(A, "phone", PHONE)
        user = User.objects.create(username="warga", role=User.Role.CITIZEN)
        Reporter.objects.filter(pk=sms_reporter).update(user=user)
        assert sms.sender_hash in identity_hashes(user, kind="phone")


def test_the_command_brings_everything_under_the_new_key() -> None:
    with data_keys(A):
        data = _written()
        sms_reporter = Report.objects.get().reporter_id
        read = _read_everything()
    with data_keys(B, A):
        said = _rotate()
        assert "reporters_channelidentity.value_hash" in said
        assert "sms_inboundsms.sender_hash" in said  # through the identity
        assert "accounts_apitoken.token_hash" in said  # cannot be recomputed: said so
    with data_keys(B):
        assert _read_everything() == read
        assert reporter_for_identity(kind="phone", value=PHONE).pk == sms_reporter
        assert reporter_for_identity(kind="email", value=SITI).pk == data["siti"].pk
        assert ChannelIdentity.objects.count() == 2
        assert InboundSms.objects.get().sender_hash == crypto.lookup_hash("phone", PHONE)
        assert not Message.objects.exclude(
            recipient_hash__in=[
                crypto.lookup_hash("phone", PHONE),
                crypto.lookup_hash("email", BUDI),
            ]
        ).exists()
        assert OneTimeCode.objects.get().identity_hash == crypto.lookup_hash("email", BUDI)
        status, said = _check()
        assert status == 0
        assert "Nothing left under a previous key" in said


def test_it_can_run_again_and_check_counts_what_is_left() -> None:
    with data_keys(A):
        _written()
    with data_keys(B, A):
        status, said = _check()
        assert status == 1
        left = data_key_left()
        assert left.encrypted["reporters_reporter.name"] == 1  # Siti's; the SMS one has none
        assert left.encrypted["reporters_channelidentity.value"] == 2
        assert left.hashes["reporters_channelidentity.value_hash"] == 2
        assert left.hashes["sms_inboundsms.sender_hash"] == 1
        assert left.secrets["accounts_apitoken.token_hash"] == 1
        assert "reporters_channelidentity.value_hash" in said
        assert f"{left.left:,} value(s) still under a previous key" in said

        done = data_key_rotate(batch_size=2)
        assert (done.encrypted, done.hashes) == (left.encrypted, left.hashes)
        again = data_key_rotate()
        assert (again.left, again.changed_meanwhile, again.rows) == (0, 0, done.rows)
        assert data_key_left().left == 0
        assert _check()[0] == 0


def test_a_value_no_key_reads_is_named_and_its_batch_left_unwritten() -> None:
    with data_keys(A):
        first = reporter_for_identity(kind="phone", value=PHONE, name="Ani")
        second = reporter_for_identity(kind="email", value=SITI, name="Siti Aminah")
    with data_keys(Fernet.generate_key().decode("ascii")):
        Reporter.objects.filter(pk=second.pk).update(name="Siti Aminah")  # a stranger's key
    with data_keys(B, A):
        with pytest.raises(CommandError) as stopped:
            _rotate("--batch-size", "10")
        assert f"table reporters_reporter, row {second.pk}: name" in str(stopped.value)
        # The first reporter of the batch was not written either.
        assert crypto.reencrypt(_raw("reporters_reporter", "name", first.pk)) is not None
        left = data_key_left()
        assert left.unreadable["reporters_reporter.name"] == 1
        assert left.unreadable_rows["reporters_reporter.name"] == [second.pk]
        status, said = _check()
        assert status == 1
        assert f"1 value(s) no configured key reads (rows {second.pk})" in said
        # Put right, a new run goes on and finishes.
        Reporter.objects.filter(pk=second.pk).update(name="Siti Aminah")
        _rotate("--batch-size", "10")
        assert data_key_left().left == 0
    with data_keys(B):
        assert Reporter.objects.get(pk=first.pk).name == "Ani"


def test_a_record_made_twice_by_a_node_without_the_key_is_named() -> None:
    with data_keys(A):
        reporter_for_identity(kind="phone", value=PHONE, name="Ani")
        earlier = ChannelIdentity.objects.get()
    with data_keys(B):  # a node that has B and not A cannot find the first one
        reporter_for_identity(kind="phone", value=PHONE, name="Ani")
    assert ChannelIdentity.objects.count() == 2
    with data_keys(B, A), pytest.raises(CommandError) as stopped:
        _rotate()
    said = str(stopped.value)
    assert f"table reporters_channelidentity, row {earlier.pk}: its value_hash" in said
    unchanged = ChannelIdentity.objects.filter(pk=earlier.pk).values_list("value_hash", flat=True)
    assert list(unchanged) == [_hash_under(A, "phone", PHONE)]


def test_the_previous_secret_key_still_signs_in_and_links() -> None:
    old, new = "o" * 10 + Fernet.generate_key().decode(), "n" * 10 + Fernet.generate_key().decode()
    user = User.objects.create(username="warga", role=User.Role.CITIZEN)
    with override_settings(SECRET_KEY=old):
        code = account_link_code(user)
    with override_settings(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[old]):
        assert account_link_user(code) == user
    with override_settings(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[]):
        assert account_link_user(code) is None


def test_every_hash_column_is_declared() -> None:
    """A new ``*_hash`` column is declared in its model's ``keyed_hashes``, or is
    listed here with why the data key has nothing to do with it."""
    not_keyed = {
        "core_idempotencykey.request_hash",  # SHA-256 of the request, no key
        "reporters_reporter.nik_hash",  # never written (always ""): nothing to rotate
    }
    missing = []
    for model in apps.get_models():
        declared: tuple[KeyedHash, ...] = getattr(model, "keyed_hashes", ())
        for column in model._meta.concrete_fields:
            name = f"{model._meta.db_table}.{column.attname}"
            is_declared = column.attname in {keyed.column for keyed in declared}
            if column.attname.endswith("_hash") and name not in not_keyed and not is_declared:
                missing.append(name)
    assert missing == []
    assert not Reporter.objects.exclude(nik_hash="").exists()


def _start(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ADUAN_", "SECRET_KEY"))}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "aduan",
            "shell",
            "-c",
            "from django.conf import settings as s; "
            "print(len(s.DATA_KEYS_PREVIOUS), len(s.SECRET_KEY_FALLBACKS))",
        ],
        env={**clean, "ADUAN_VAR_DIR": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_previous_keys_are_read_from_the_environment(tmp_path: Path) -> None:
    started = _start(
        tmp_path,
        ADUAN_DATA_KEY=B,
        ADUAN_DATA_KEY_PREVIOUS=f"{A}, {Fernet.generate_key().decode()}",
        ADUAN_SECRET_KEY_PREVIOUS="old-secret-one,old-secret-two",
    )
    assert started.stdout.strip().splitlines()[-1] == "2 2", started.stderr
    for previous, said in [("not-a-key", "key 1: expected a Fernet key"), (B, "key 1 is")]:
        refused = _start(tmp_path, ADUAN_DATA_KEY=B, ADUAN_DATA_KEY_PREVIOUS=previous)
        assert refused.returncode != 0
        line = refused.stderr.strip().splitlines()[-1]
        assert line.startswith(f"aduan: configuration error: ADUAN_DATA_KEY_PREVIOUS: {said}")

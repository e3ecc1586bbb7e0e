"""One citizen, many doors: a citizen who signed up with an e-mail address proves
their phone number on the web; what they reported by SMS from it joins their
account, shows in "my reports", and can be continued on any channel."""

import pytest
from django.test import Client

from aduan.channels.sms.services import Sms, sms_receive
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports.models import Action, Channel, Report
from aduan.reports.tracking import tracking_number_display
from tests.accounts.conftest import SignUp, last_code

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def _sms_report(text: str = "LAPOR lampu jalan mati di Jalan Kartini") -> Report:
    sms_receive(Sms(sender=PHONE, text=text))
    report = Report.objects.filter(channel=Channel.SMS).order_by("-pk").first()
    assert report is not None
    return report


def test_a_proved_phone_brings_its_sms_reports_into_the_account(sign_up: SignUp) -> None:
    earlier = _sms_report()
    client = Client()
    user = sign_up("siti@example.id", client=client)
    assert client.get("/akun").status_code == 200
    response = client.post("/akun/tambah-kontak", {"identity": "0812-3456-7890"})
    assert response.status_code == 302 and response["Location"] == "/akun/tambah-kontak/kode"
    page = client.get("/akun/tambah-kontak/kode").content.decode()
    assert "+62812•••••890" in page  # where the code went, masked
    response = client.post("/akun/tambah-kontak/kode", {"code": last_code(PHONE)})
    assert response.status_code == 302 and response["Location"] == "/akun"

    reporter = Reporter.objects.get(user=user)
    assert Report.objects.get(pk=earlier.pk).reporter_id == reporter.pk
    kinds = sorted(ChannelIdentity.objects.filter(reporter=reporter).values_list("kind", "value"))
    assert kinds == [("email", "siti@example.id"), ("phone", PHONE)]
    assert Reporter.objects.count() == 1  # the SMS-only reporter is gone, merged
    mine = client.get("/laporan-saya").content.decode()
    assert earlier.title in mine

    # ... and the report continues by SMS from that phone, now the account's.
    answer = sms_receive(Sms(sender=PHONE, text=f"BALAS {earlier.tracking_number} masih mati"))
    assert tracking_number_display(earlier.tracking_number) in answer
    assert earlier.events.filter(action=Action.REPLY, channel=Channel.SMS).exists()


def test_a_number_already_mine_or_anothers_is_refused(sign_up: SignUp) -> None:
    sign_up("0812-9999-0000")
    client = Client()
    sign_up("0812-3456-7890", client=client)
    mine = client.post("/akun/tambah-kontak", {"identity": "0812 3456 7890"})
    assert "sudah terhubung dengan akun Anda" in mine.content.decode()
    theirs = client.post("/akun/tambah-kontak", {"identity": "081299990000"})
    assert "sudah dipakai oleh akun lain" in theirs.content.decode()


def test_a_wrong_code_joins_nothing(sign_up: SignUp) -> None:
    earlier = _sms_report()
    client = Client()
    user = sign_up("siti@example.id", client=client)
    client.post("/akun/tambah-kontak", {"identity": PHONE})
    wrong = "000000" if last_code(PHONE) != "000000" else "111111"
    response = client.post("/akun/tambah-kontak/kode", {"code": wrong})
    assert "Kode salah" in response.content.decode()
    assert Report.objects.get(pk=earlier.pk).reporter.user_id is None
    assert not ChannelIdentity.objects.filter(reporter__user=user, kind="phone").exists()

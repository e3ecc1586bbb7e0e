"""My data (UU PDP): everything held about me as a JSON download, and nothing about
anyone else."""

import json
from typing import Any

import pytest
from django.test import Client

from aduan.accounts.export import export_section, sections
from aduan.accounts.models import User
from aduan.channels.sms.services import Sms, sms_receive
from aduan.outbox.services import message_send
from aduan.reporters.models import Reporter
from aduan.reporters.services import reporter_for_identity
from aduan.reports import services as reports
from aduan.reports.models import Channel
from aduan.reports.policy import Actor
from tests.accounts.conftest import SignUp

pytestmark = pytest.mark.django_db


def _export(client: Client) -> dict[str, Any]:
    response = client.get("/akun/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="aduan-data-saya.json"'
    assert "no-store" in response["Cache-Control"]
    data: dict[str, Any] = json.loads(response.content)
    return data


def test_it_exports_everything_about_me_and_nothing_about_others(
    sign_up: SignUp, make_report: Any, cast: Any
) -> None:
    # Before the account: a report by SMS from my phone, answered by the outbox.
    mine_before = reporter_for_identity(kind="phone", value="081234567890")
    sms_report = make_report(
        actor=Actor.for_reporter(mine_before.pk), reporter=mine_before, channel=Channel.SMS
    )
    message_send(
        channel="sms",
        recipient="+6281234567890",
        body="Laporan Anda diterima.",
        purpose="acknowledgement",
        reporter_id=mine_before.pk,
        report_id=sms_report.pk,
    )
    # ... and a status question by SMS.
    sms_receive(Sms(sender="0812-3456-7890", text=f"CEK {sms_report.tracking_number}"))
    # Someone else's report, identity and message.
    others = make_report(title="Lampu jalan padam di Kesambi")
    sms_receive(Sms(sender="+6289999999999", text="INFO"))
    message_send(channel="sms", recipient="+6289999999999", body="Punya orang lain", purpose="x")

    client = Client()
    user = sign_up("081234567890", client=client)
    Reporter.objects.filter(pk=mine_before.pk).update(nik="3274010101900001")
    actor = Actor.for_user(User.objects.get(pk=user.pk))
    web_report = make_report(
        actor=actor, reporter=user.reporter, title="Sampah menumpuk di Pasar Kanoman"
    )
    reports.report_reply(actor=actor, report=web_report, text="Masih menumpuk hari ini.")

    data = _export(client)
    assert [(sms["outcome"], sms["report"]) for sms in data["sms"]] == [
        ("status", sms_report.tracking_number)
    ]
    assert data["format"] == "aduan-account-export/1"
    assert data["account"]["username"] == user.username
    assert data["reporter"]["name"] == "Siti Aminah"
    assert data["reporter"]["nik"] == "3274010101900001"
    assert [(i["kind"], i["value"]) for i in data["identities"]] == [("phone", "+6281234567890")]
    numbers = [r["tracking_number"] for r in data["reports"]]
    assert numbers == [sms_report.tracking_number, web_report.tracking_number]
    web = data["reports"][1]
    assert web["title"] == "Sampah menumpuk di Pasar Kanoman"
    assert web["category"] == "infrastruktur.jalan" and web["region"] == "32.74.01"
    assert web["state"] == "submitted" and web["submitted_at"]
    actions = [(e["report"], e["action"]) for e in data["events"]]
    assert actions == [
        (sms_report.tracking_number, "submit"),
        (web_report.tracking_number, "submit"),
        (web_report.tracking_number, "reply"),
    ]
    assert data["events"][2]["body"] == "Masih menumpuk hari ini."
    bodies = [m["body"] for m in data["messages"]]
    assert "Laporan Anda diterima." in bodies
    assert any(b.startswith("Kode aduan Anda: ") for b in bodies)

    text = json.dumps(data, ensure_ascii=False)
    assert others.tracking_number not in text and "Kesambi" not in text
    assert "Punya orang lain" not in text and "+6289999999999" not in text
    assert "Ani" not in text  # the other citizen of the cast


def test_it_needs_an_account(client: Client) -> None:
    assert client.get("/akun/data.json")["Location"] == "/masuk?next=/akun/data.json"


def test_other_parts_can_add_sections(sign_up: SignUp, monkeypatch: pytest.MonkeyPatch) -> None:
    from aduan.accounts import export

    monkeypatch.setattr(export, "_SECTIONS", dict(sections()))

    @export_section("community")
    def community(user: User) -> list[str]:
        return [f"comments of {user.username}"]

    client = Client()
    user = sign_up(client=client)
    assert _export(client)["community"] == [f"comments of {user.username}"]
    with pytest.raises(ValueError, match="already exists"):
        export_section("community")(lambda user: None)

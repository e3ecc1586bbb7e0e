"""Reading the Cloud API's messages webhook: each type of message a report can
use, the statuses of ours, what is ignored and why, and that no body whatever
makes the reading fail."""

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aduan.channels.whatsapp.parse import (
    DeliveryStatus,
    Ignored,
    InboundMessage,
    Location,
    MessageKind,
    StatusUpdate,
    Webhook,
    webhook_parse,
)
from tests.channels.whatsapp.conftest import payload, payload_names
from tests.channels.whatsapp.fake_whatsapp import (
    PHONE_NUMBER_ID,
    SENDER,
    merged,
    status_update,
    text_message,
)
from tests.fuzz import FUZZ

SITI = "6281234567890"
BUDI = "6285712345678"
OURS = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjBBMUIyQzNENEU1RjZBN0I4QwA="


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2025, 11, 30, hour, minute, second, tzinfo=UTC)


def only_message(name: str) -> InboundMessage:
    webhook = webhook_parse(payload(name))
    assert (webhook.statuses, webhook.ignored) == ((), ())
    [message] = webhook.messages
    return message


def test_it_reads_a_text_message() -> None:
    assert only_message("text.json") == InboundMessage(
        message_id="wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjAxVEVYVDAwMDAwMDAwMDAwMQA=",
        phone_number_id=PHONE_NUMBER_ID,
        sender=SITI,
        sender_name="Siti Warga",
        timestamp=at(8, 0),
        kind=MessageKind.TEXT,
        text=(
            "LAPOR Jalan berlubang besar di Jl. Siliwangi depan SDN 3 Kejaksan, sudah dua "
            "minggu belum diperbaiki"
        ),
    )


def test_it_reads_an_image_with_its_caption() -> None:
    message = only_message("image.json")
    assert message.kind is MessageKind.IMAGE
    assert message.timestamp == at(8, 1)
    assert message.text == "Sampah menumpuk di pasar Kanoman sudah seminggu"
    assert (message.media_id, message.media_mime_type) == ("1037543291543636", "image/jpeg")
    assert message.media_filename == ""


def test_it_reads_a_document() -> None:
    message = only_message("document.json")
    assert message.kind is MessageKind.DOCUMENT
    assert (message.sender, message.sender_name) == (BUDI, "Budi Santoso")
    assert message.media_id == "2744120735866423"
    assert message.media_mime_type == "application/pdf"
    assert message.media_filename == "surat_keterangan_kelurahan.pdf"
    assert message.text == "Surat keterangan dari kelurahan"


def test_it_reads_a_location() -> None:
    message = only_message("location.json")
    assert message.kind is MessageKind.LOCATION
    assert message.text == ""
    assert message.location == Location(
        latitude=-6.7166137,
        longitude=108.5669421,
        name="Pasar Kanoman",
        address="Jl. Pasar Kanoman, Lemahwungkuk, Kota Cirebon, Jawa Barat",
    )


def test_it_reads_a_tap_on_a_reply_button() -> None:
    message = only_message("interactive_button_reply.json")
    assert message.kind is MessageKind.INTERACTIVE
    assert (message.text, message.choice) == ("Ya, puas", "puas:ya")
    assert message.context_message_id == OURS


def test_it_reads_a_choice_from_a_list() -> None:
    message = only_message("interactive_list_reply.json")
    assert message.kind is MessageKind.INTERACTIVE
    assert (message.text, message.choice) == ("Jalan & jembatan", "kategori:jalan")
    assert message.context_message_id == OURS


def test_it_reads_a_tap_on_a_template_quick_reply() -> None:
    message = only_message("button.json")
    assert message.kind is MessageKind.BUTTON
    assert (message.text, message.choice) == ("Lihat status", "status")
    assert message.context_message_id == OURS


@pytest.mark.parametrize(
    ("name", "status", "timestamp"),
    [
        ("status_sent.json", DeliveryStatus.SENT, at(8, 6, 40)),
        ("status_delivered.json", DeliveryStatus.DELIVERED, at(8, 6, 45)),
        ("status_read.json", DeliveryStatus.READ, at(8, 7, 40)),
    ],
)
def test_it_reads_the_status_of_our_message(
    name: str, status: DeliveryStatus, timestamp: datetime
) -> None:
    webhook = webhook_parse(payload(name))
    assert webhook == Webhook(
        statuses=(
            StatusUpdate(message_id=OURS, status=status, recipient=SITI, timestamp=timestamp),
        )
    )


def test_a_failed_status_says_why() -> None:
    [update] = webhook_parse(payload("status_failed.json")).statuses
    assert update.status is DeliveryStatus.FAILED
    assert update.error == (
        "Re-engagement message (131047): Message failed to send because more than 24 hours "
        "have passed since the customer last replied to this number."
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("sticker.json", "sticker"),
        ("reaction.json", "reaction"),
        ("unsupported.json", "unsupported"),
        ("unknown.json", "unsupported"),
    ],
)
def test_it_ignores_what_a_report_cannot_use(name: str, reason: str) -> None:
    webhook = webhook_parse(payload(name))
    assert (webhook.messages, webhook.statuses) == ((), ())
    [ignored] = webhook.ignored
    assert ignored.reason == reason
    assert ignored.sender == SITI
    assert ignored.message_id.startswith("wamid.")


def test_it_reads_every_entry_and_change_of_a_burst() -> None:
    webhook = webhook_parse(payload("burst.json"))
    assert [(m.message_id, m.sender, m.sender_name) for m in webhook.messages] == [
        ("wamid.BURST01", SITI, "Siti Warga"),
        ("wamid.BURST02", BUDI, "Budi Santoso"),
        ("wamid.BURST03", SITI, "Siti Warga"),
        ("wamid.BURST05", BUDI, "Budi Santoso"),
    ]
    assert [m.kind for m in webhook.messages] == [
        MessageKind.TEXT,
        MessageKind.IMAGE,
        MessageKind.TEXT,
        MessageKind.TEXT,
    ]
    assert [(s.message_id, s.status) for s in webhook.statuses] == [
        (OURS, DeliveryStatus.DELIVERED)
    ]
    assert webhook.ignored == (Ignored("wamid.BURST04", BUDI, "sticker"),)


def test_the_builders_make_what_it_reads() -> None:
    burst = merged(
        text_message(SENDER, "Got banjir", message_id="wamid.A", name="Ani"),
        status_update("wamid.B", "failed", error_code=131026, error_title="Message undeliverable"),
    )
    webhook = webhook_parse(burst)
    [message] = webhook.messages
    assert (message.text, message.sender_name, message.timestamp) == ("Got banjir", "Ani", at(8, 0))
    [update] = webhook.statuses
    assert update.error.startswith("Message undeliverable (131026): Message failed")


def delivery_of(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "metadata": {"phone_number_id": PHONE_NUMBER_ID},
                            "messages": [message],
                        },
                    }
                ]
            }
        ],
    }


GOOD = {"from": SITI, "id": "wamid.X", "timestamp": "1764489600", "type": "text"}


@pytest.mark.parametrize(
    "message",
    [
        {**GOOD, "text": {"body": ""}},
        {**GOOD, "text": "LAPOR"},
        {**GOOD, "from": "+62 812", "text": {"body": "LAPOR"}},
        {**GOOD, "id": "", "text": {"body": "LAPOR"}},
        {**GOOD, "id": "wamid with spaces", "text": {"body": "LAPOR"}},
        {**GOOD, "timestamp": "kemarin", "text": {"body": "LAPOR"}},
        {**GOOD, "timestamp": "9" * 40, "text": {"body": "LAPOR"}},
        {**GOOD, "type": "image", "image": {"caption": "tanpa id"}},
        {**GOOD, "type": "location", "location": {"latitude": 91.0, "longitude": 108.5}},
        {**GOOD, "type": "location", "location": {"latitude": -6.7, "longitude": "108.5"}},
        {**GOOD, "type": "location", "location": {"latitude": True, "longitude": 108.5}},
        {**GOOD, "type": "location", "location": {"latitude": 10**400, "longitude": 108.5}},
        {**GOOD, "type": "interactive", "interactive": {"type": "button_reply"}},
        {**GOOD, "type": "button", "button": {"payload": "status"}},
    ],
)
def test_a_message_without_what_it_needs_is_malformed(message: dict[str, Any]) -> None:
    webhook = webhook_parse(delivery_of(message))
    assert webhook.messages == ()
    [ignored] = webhook.ignored
    assert ignored.reason == "malformed"


def test_another_interactive_answer_is_not_read() -> None:
    flow = {**GOOD, "type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": {}}}
    assert webhook_parse(delivery_of(flow)).ignored == (Ignored("wamid.X", SITI, "unsupported"),)


def test_a_status_other_than_the_four_is_ignored() -> None:
    webhook = webhook_parse(status_update("wamid.B", "deleted"))
    assert webhook.ignored == (Ignored("wamid.B", SENDER, "unsupported status"),)


def test_an_error_about_the_delivery_is_kept_as_ignored() -> None:
    body = delivery_of(GOOD | {"text": {"body": "LAPOR"}})
    body["entry"][0]["changes"][0]["value"]["errors"] = [{"code": 131000, "title": "Something"}]
    assert webhook_parse(body).ignored == (Ignored("", "", "error 131000"),)
    # A number too long to print is no code (kept out of the fuzzing below, whose
    # report of a failing example could not print it either).
    body["entry"][0]["changes"][0]["value"]["errors"] = [{"code": 10**5000}]
    assert webhook_parse(body).ignored == (Ignored("", "", "error"),)


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "whatsapp_business_account",
        {},
        {"object": "page", "entry": payload("text.json")["entry"]},
        {"object": "whatsapp_business_account", "entry": {"changes": []}},
        {"object": "whatsapp_business_account", "entry": [None, 1, [], {"changes": "x"}]},
    ],
)
def test_a_body_that_is_no_delivery_gives_nothing(body: object) -> None:
    assert webhook_parse(body) == Webhook()


def test_changes_of_another_field_give_nothing() -> None:
    body = payload("text.json")
    body["entry"][0]["changes"][0]["field"] = "account_update"
    assert webhook_parse(body) == Webhook()


def test_nul_characters_are_dropped() -> None:
    body = delivery_of(GOOD | {"text": {"body": "LAPOR\x00 jalan"}})
    assert webhook_parse(body).messages[0].text == "LAPOR jalan"


# -- Whatever the body holds ---------------------------------------------------------------

# The keys and values of the documented shapes, so that arbitrary bodies reach deep.
WORDS = [
    "object", "entry", "id", "changes", "field", "value", "metadata", "phone_number_id",
    "contacts", "profile", "name", "wa_id", "messages", "from", "timestamp", "type",
    "text", "body", "image", "document", "caption", "mime_type", "filename", "location",
    "latitude", "longitude", "address", "interactive", "button_reply", "list_reply",
    "title", "button", "payload", "context", "statuses", "status", "recipient_id",
    "errors", "code", "error_data", "details", "message", "whatsapp_business_account",
    "messages", "sticker", "sent", "failed", "1764489600", "9" * 30, SITI, "wamid.X", "\x00",
]  # fmt: skip
KEYS = st.sampled_from(WORDS) | st.text(max_size=6)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**63, -1, 0, 131047])
    | st.floats()
    | st.text()
    | st.sampled_from(WORDS)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=40,
)


def assert_well_formed(webhook: Webhook) -> None:
    """What a caller may rely on, whatever came in."""
    for message in webhook.messages:
        assert isinstance(message.kind, MessageKind)
        assert message.message_id and message.sender.isdigit()
        assert message.timestamp.tzinfo is UTC
        for text in (message.text, message.choice, message.sender_name, message.media_id):
            assert isinstance(text, str) and "\x00" not in text
        if message.location is not None:
            assert -90 <= message.location.latitude <= 90
            assert -180 <= message.location.longitude <= 180
    for update in webhook.statuses:
        assert isinstance(update.status, DeliveryStatus) and update.message_id
        assert update.timestamp.tzinfo is UTC and isinstance(update.error, str)
    for ignored in webhook.ignored:
        assert isinstance(ignored.reason, str) and ignored.reason


@settings(FUZZ, max_examples=500)
@given(JSON_VALUES)
def test_it_never_fails_on_any_json(body: object) -> None:
    assert_well_formed(webhook_parse(body))


@settings(FUZZ, max_examples=500)
@given(JSON_VALUES)
def test_it_never_fails_on_any_value_of_a_change(value: object) -> None:
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages", "value": value}]}],
    }
    assert_well_formed(webhook_parse(body))


def mutated(value: object, data: st.DataObject) -> object:
    """``value`` with some of its parts replaced by anything or left out."""
    if data.draw(st.integers(0, 7)) == 0:
        return data.draw(JSON_VALUES)
    if isinstance(value, dict):
        return {
            key: mutated(item, data)
            for key, item in value.items()
            if data.draw(st.integers(0, 9)) != 0
        }
    if isinstance(value, list):
        return [mutated(item, data) for item in value]
    return value


@pytest.mark.parametrize("name", payload_names())
@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_it_never_fails_on_a_mutated_fixture(name: str, data: st.DataObject) -> None:
    assert_well_formed(webhook_parse(mutated(payload(name), data)))

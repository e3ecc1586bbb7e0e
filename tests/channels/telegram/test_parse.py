"""Reading Telegram updates in their documented shapes: what a citizen's message,
command, photo, document, location or button press says, which updates are not
acted on and why, and that no payload whatever makes the parser raise."""

import dataclasses
from datetime import UTC, datetime
from typing import Any

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aduan.channels.telegram.parse import (
    Document,
    Location,
    Update,
    UpdateKind,
    update_parse,
    updates_parse,
)
from tests.channels.telegram.conftest import payload, payload_names
from tests.fuzz import FUZZ

SITI = "5012345678"
SENT_AT = datetime(2026, 11, 30, 1, 15, tzinfo=UTC)


def parsed(name: str) -> Update:
    return update_parse(payload(name))


def with_text(text: str) -> Update:
    """The private text message fixture, saying ``text``."""
    update = payload("text.json")
    update["message"]["text"] = text
    return update_parse(update)


def test_it_reads_a_private_text_message() -> None:
    assert parsed("text.json") == Update(
        update_id=804112301,
        kind=UpdateKind.MESSAGE,
        chat_id=SITI,
        chat_type="private",
        sender_id=SITI,
        sender_name="Siti Rahmawati",
        sender_language="id",
        message_id="41",
        text="Lampu jalan di depan SDN 2 Kesambi mati sejak tiga hari, gelap sekali malam hari",
        date=SENT_AT,
    )


def test_it_reads_start_with_and_without_a_code() -> None:
    start = parsed("start.json")
    assert (start.kind, start.command, start.command_argument) == (UpdateKind.MESSAGE, "start", "")
    coded = parsed("start_code.json")
    assert (coded.command, coded.command_argument, coded.text) == (
        "start",
        "abc123",
        "/start abc123",
    )


def test_it_reads_a_command_addressed_to_our_bot() -> None:
    update = parsed("lapor_addressed.json")
    assert (update.command, update.command_argument) == ("lapor", "Jalan rusak")
    assert with_text("/LAPOR@Lapor1708Bot  Jalan rusak ").command == "lapor"


def test_a_command_addressed_to_another_bot_keeps_its_name(settings: Any) -> None:
    assert with_text("/lapor@otherbot Jalan rusak").command == "lapor@otherbot"
    settings.TELEGRAM_BOT_USERNAME = "@OtherBot"  # as an administrator may write it
    assert with_text("/lapor@otherbot Jalan rusak").command == "lapor"


def test_it_reads_a_status_question() -> None:
    update = parsed("cek.json")
    assert (update.command, update.command_argument) == ("cek", "1234567890")


@pytest.mark.parametrize(
    ("text", "command", "argument"),
    [
        ("/start\nabc123", "start", "abc123"),
        ("/Start", "start", ""),
        ("/path/to/file", "", ""),
        ("/ start", "", ""),
        (" /start", "", ""),
        ("/start@", "", ""),
        ("mohon /cek 123", "", ""),
        ("/" + "a" * 33, "", ""),
    ],
)
def test_what_counts_as_a_command(text: str, command: str, argument: str) -> None:
    update = with_text(text)
    assert (update.kind, update.command, update.command_argument) == (
        UpdateKind.MESSAGE,
        command,
        argument,
    )


def test_it_takes_the_largest_photo_and_its_caption() -> None:
    update = parsed("photo.json")
    assert update.kind == UpdateKind.MESSAGE
    assert update.photo_file_id == "AgACAgUAAxkBAAIBLmdTm1280x960"
    assert update.text == "Jalan berlubang di Jl. Siliwangi depan pasar, sudah dua minggu"
    assert update.command == ""


def test_the_largest_photo_is_by_file_size_then_by_pixels() -> None:
    update = payload("photo.json")
    update["message"]["photo"] = [
        {"file_id": "big-file", "file_size": 5000, "width": 90, "height": 90},
        {"file_id": "small-file", "file_size": 4000, "width": 1280, "height": 960},
        "not a size",
        {"file_size": 9000, "width": 2000, "height": 2000},  # no file_id
    ]
    assert update_parse(update).photo_file_id == "big-file"
    for size in update["message"]["photo"]:
        if isinstance(size, dict):
            size.pop("file_size")
    assert update_parse(update).photo_file_id == "small-file"


def test_a_photo_without_a_caption_is_a_message() -> None:
    raw = payload("photo.json")
    del raw["message"]["caption"]
    update = update_parse(raw)
    assert update.kind == UpdateKind.MESSAGE
    assert (update.text, update.photo_file_id) == ("", "AgACAgUAAxkBAAIBLmdTm1280x960")


def test_it_reads_a_document() -> None:
    update = parsed("document.json")
    assert update.kind == UpdateKind.MESSAGE
    assert update.document == Document(
        file_id="BQACAgUAAxkBAAIBQGdTdoc0001",
        mime_type="application/pdf",
        file_name="surat-keterangan-rt.pdf",
        file_size=184320,
    )
    assert update.text == "Surat keterangan dari RT 03"
    assert update.photo_file_id == ""


def test_it_reads_a_location() -> None:
    update = parsed("location.json")
    assert update.kind == UpdateKind.MESSAGE
    assert update.location == Location(latitude=-6.706183, longitude=108.557461)
    assert update.text == ""


@pytest.mark.parametrize(
    "location",
    [
        {"latitude": 91, "longitude": 108.5},
        {"latitude": -6.7, "longitude": -180.5},
        {"latitude": "-6.7", "longitude": 108.5},
        {"latitude": True, "longitude": 108.5},
        {"latitude": float("nan"), "longitude": 108.5},
        {"latitude": 10**400, "longitude": 108.5},
        {"longitude": 108.5},
        [-6.7, 108.5],
    ],
)
def test_a_location_out_of_range_or_shape_is_no_location(location: object) -> None:
    update = payload("location.json")
    update["message"]["location"] = location
    assert update_parse(update).location is None
    update["message"]["text"] = "di sini"
    assert update_parse(update).kind == UpdateKind.MESSAGE


def test_it_reads_a_button_press() -> None:
    assert parsed("callback_query.json") == Update(
        update_id=804112309,
        kind=UpdateKind.CALLBACK,
        chat_id=SITI,
        chat_type="private",
        sender_id=SITI,
        sender_name="Siti Rahmawati",
        sender_language="id",
        callback_id="4382948125912837461",
        callback_data="kategori:jalan",
        callback_message_id="701",
    )


def test_a_button_under_an_inline_message_is_unsupported_but_can_be_answered() -> None:
    update = payload("callback_query.json")
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "AAAAAHhSBwCxC0fFB0c0-9X"
    ignored = update_parse(update)
    assert (ignored.kind, ignored.ignored_because) == (UpdateKind.IGNORED, "unsupported")
    assert ignored.callback_id == "4382948125912837461"


def test_an_edit_is_read_but_not_acted_on() -> None:
    update = parsed("edited.json")
    assert (update.kind, update.ignored_because) == (UpdateKind.EDITED, "edited")
    assert (update.chat_id, update.message_id) == (SITI, "41")
    assert update.text == "Lampu jalan di depan SDN 2 Kesambi mati sejak empat hari"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("sticker.json", "sticker"),
        ("group.json", "group"),
        ("from_bot.json", "bot"),
        ("reaction.json", "unsupported"),
        ("my_chat_member.json", "unsupported"),
    ],
)
def test_it_ignores_what_is_no_citizens_message(name: str, reason: str) -> None:
    update = parsed(name)
    assert (update.kind, update.ignored_because) == (UpdateKind.IGNORED, reason)
    assert update.update_id == payload(name)["update_id"]


def test_a_group_message_keeps_its_chat() -> None:
    update = parsed("group.json")
    assert (update.chat_id, update.chat_type) == ("-1001987654321", "supergroup")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ({"poll": {"id": "1", "question": "Setuju?", "options": []}}, "unsupported"),
        ({"dice": {"emoji": "🎲", "value": 4}}, "unsupported"),
        ({"contact": {"phone_number": "+628123456789", "first_name": "Siti"}}, "unsupported"),
        ({"voice": {"file_id": "AwAC", "file_unique_id": "v", "duration": 3}}, "unsupported"),
        ({"video_note": {"file_id": "DQAC", "file_unique_id": "n", "length": 240}}, "unsupported"),
        ({"video": {"file_id": "BAAC", "file_unique_id": "w"}, "caption": "Banjir"}, "unsupported"),
        ({"text": 17}, "malformed"),
        ({"photo": "AgAC"}, "malformed"),
    ],
)
def test_other_contents_are_ignored(content: dict[str, Any], reason: str) -> None:
    update = payload("text.json")
    del update["message"]["text"]
    update["message"].update(content)
    parsed_update = update_parse(update)
    assert (parsed_update.kind, parsed_update.ignored_because) == (UpdateKind.IGNORED, reason)


def test_a_channel_post_is_ignored() -> None:
    update = {
        "update_id": 7,
        "channel_post": {
            "message_id": 3,
            "sender_chat": {"id": -1001000000001, "title": "Info Kota", "type": "channel"},
            "chat": {"id": -1001000000001, "title": "Info Kota", "type": "channel"},
            "date": 1796001300,
            "text": "Pengumuman",
        },
    }
    parsed_update = update_parse(update)
    assert (parsed_update.ignored_because, parsed_update.chat_type) == ("group", "channel")


@pytest.mark.parametrize(
    ("value", "update_id"),
    [
        (None, 0),
        ([], 0),
        ("update", 0),
        ({}, 0),
        ({"update_id": -1, "message": {}}, 0),
        ({"update_id": True}, 0),
        ({"update_id": "804112301"}, 0),
        ({"update_id": 10**5000}, 0),
        ({"update_id": 5, "message": "halo"}, 5),
        ({"update_id": 5, "message": None}, 5),
        ({"update_id": 5, "callback_query": {"id": "1"}}, 5),
    ],
)
def test_a_malformed_update_is_ignored(value: object, update_id: int) -> None:
    assert update_parse(value) == Update(
        update_id=update_id, kind=UpdateKind.IGNORED, ignored_because="malformed"
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("message", "chat", "id"), 2**63),
        (("message", "chat", "id"), "5012345678"),
        (("message", "chat"), None),
        (("message", "message_id"), -1),
        (("message", "date"), 10**12),
        (("message", "from"), None),  # a private chat names its sender
        (("message", "from", "id"), 0),
    ],
)
def test_a_message_missing_what_it_needs_is_malformed(path: tuple[str, ...], value: object) -> None:
    update = payload("text.json")
    *parents, last = path
    holder = update
    for key in parents:
        holder = holder[key]
    holder[last] = value
    assert update_parse(update).ignored_because == "malformed"


def test_text_loses_nul_and_lone_surrogates() -> None:
    update = with_text("Jalan\x00 rusak \ud800")
    assert update.text == "Jalan rusak ?"
    update.text.encode()


def test_it_reads_a_get_updates_answer() -> None:
    answer = {"ok": True, "result": [payload("text.json"), payload("callback_query.json"), 3]}
    assert [(u.update_id, u.kind) for u in updates_parse(answer)] == [
        (804112301, UpdateKind.MESSAGE),
        (804112309, UpdateKind.CALLBACK),
        (0, UpdateKind.IGNORED),
    ]
    assert updates_parse({"ok": False, "error_code": 401, "description": "Unauthorized"}) == []
    assert updates_parse({"ok": True, "result": {}}) == []
    assert updates_parse(None) == []


# -- Whatever arrives, the parser answers ----------------------------------------------

KEYS = st.one_of(
    st.sampled_from(
        [
            "update_id", "message", "edited_message", "channel_post", "callback_query",
            "message_reaction", "my_chat_member", "message_id", "from", "chat", "id", "type",
            "date", "text", "caption", "photo", "document", "location", "latitude",
            "longitude", "file_id", "file_size", "width", "height", "is_bot", "first_name",
            "last_name", "language_code", "data", "sticker", "mime_type", "file_name",
        ]
    ),
    st.text(max_size=8),
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, 1, -1, 2**53, 2**63 - 1, 2**63, -(2**63), 253_402_300_800]),
    # An int Python will not print (4,300 digits and more), built lazily: Hypothesis
    # prints its strategies.
    st.just(5000).map(lambda digits: 10**digits),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["private", "group", "/start", "/lapor@lapor1708bot x", "\x00", "\ud800"]),
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=30,
)
UPDATE_KEYS = ["message", "edited_message", "channel_post", "callback_query", "my_chat_member"]
UPDATES = st.builds(
    lambda update_id, key, value: {"update_id": update_id, key: value},
    st.one_of(st.integers(min_value=0, max_value=2**63 - 1), SCALARS),
    st.sampled_from(UPDATE_KEYS),
    JSON,
)
DELETE = object()
Path = tuple[str | int, ...]


def paths(value: object, prefix: Path = ()) -> list[Path]:
    """Where each part of a JSON value lies in it, the value itself first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(value: Any, path: Path, new: object) -> Any:
    """``value`` with what lies at ``path`` replaced by ``new`` (or removed, for
    DELETE), leaving ``value`` itself as it was."""
    if not path:
        return new
    head, *rest = path
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    if not rest and new is DELETE:
        del copy[head]
    else:
        copy[head] = replaced(value[head], tuple(rest), new)
    return copy


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> Any:
    update = payload(draw(st.sampled_from(payload_names())))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths(update)))
        update = replaced(update, path, draw(st.one_of(st.just(DELETE), JSON)))
    return update


def check(update: Update) -> None:
    """What holds of every parsed update, however malformed its payload."""
    assert isinstance(update, Update)
    assert 0 <= update.update_id < 2**63
    acted_on = update.kind in (UpdateKind.MESSAGE, UpdateKind.CALLBACK)
    assert (update.ignored_because == "") == acted_on
    assert (update.kind == UpdateKind.EDITED) == (update.ignored_because == "edited")
    if update.location is not None:
        assert -90 <= update.location.latitude <= 90
        assert -180 <= update.location.longitude <= 180
    strings = [getattr(update, f.name) for f in dataclasses.fields(update)]
    if update.document is not None:
        strings += [getattr(update.document, f.name) for f in dataclasses.fields(update.document)]
    for value in strings:
        if isinstance(value, str):
            assert "\x00" not in value
            value.encode()
    repr(update)  # no field too long to print (Python refuses an int of 4,300 digits)


@hypothesis.settings(FUZZ, max_examples=500)
@given(st.one_of(JSON, UPDATES))
def test_it_never_raises_on_any_json(value: object) -> None:
    check(update_parse(value))
    for update in updates_parse({"ok": True, "result": [value, value]}):
        check(update)


@hypothesis.settings(FUZZ, max_examples=500)
@given(mutated_fixtures())
def test_it_never_raises_on_a_mutated_fixture(value: object) -> None:
    check(update_parse(value))

"""Telling Meta's webhook requests from anyone else's: the signature over the raw
body, and the verification handshake that subscribes the URL."""

import pytest

from aduan.channels.whatsapp.signature import signature_valid, verify_challenge
from tests.channels.whatsapp.conftest import APP_SECRET, VERIFY_TOKEN
from tests.channels.whatsapp.fake_whatsapp import SENDER, signed, text_message

BODY, HEADER = signed(text_message(SENDER, "LAPOR jalan rusak", message_id="wamid.1"), APP_SECRET)


def test_it_accepts_the_signature_meta_puts_on_the_body() -> None:
    assert signature_valid(BODY, HEADER, APP_SECRET)
    # Hex in capitals is the same digest.
    assert signature_valid(BODY, "sha256=" + HEADER.removeprefix("sha256=").upper(), APP_SECRET)


def test_it_refuses_a_body_changed_after_signing() -> None:
    tampered = BODY.replace(b"jalan rusak", b"jalan bagus")
    assert tampered != BODY
    assert not signature_valid(tampered, HEADER, APP_SECRET)
    assert not signature_valid(BODY + b" ", HEADER, APP_SECRET)


def test_it_refuses_a_signature_under_another_secret() -> None:
    _body, header = signed(text_message(SENDER, "LAPOR jalan rusak", message_id="wamid.1"), "x")
    assert not signature_valid(BODY, header, APP_SECRET)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "sha256=",
        "sha256",
        HEADER.removeprefix("sha256="),  # no prefix
        "sha1=" + HEADER.removeprefix("sha256=")[:40],
        "sha1=" + HEADER.removeprefix("sha256="),
        "SHA256=" + HEADER.removeprefix("sha256="),
        HEADER[:-1] + "g",  # not hex
        HEADER[:-2],  # too short
        HEADER + "00",  # too long
        HEADER + ",sha256=" + HEADER.removeprefix("sha256="),
        "sha256=" + "é" * 64,
    ],
)
def test_it_refuses_a_missing_or_odd_header(header: str) -> None:
    assert not signature_valid(BODY, header, APP_SECRET)


def test_nothing_is_valid_without_a_secret() -> None:
    body, header = signed({"object": "whatsapp_business_account"}, "")
    assert not signature_valid(body, header, "")


def params(**values: str) -> dict[str, str]:
    return {f"hub.{key}": value for key, value in values.items()}


def test_it_echoes_the_challenge_of_a_subscription_with_our_token() -> None:
    asked = params(mode="subscribe", verify_token=VERIFY_TOKEN, challenge="1158201444")
    assert verify_challenge(asked, VERIFY_TOKEN) == "1158201444"
    longest = "a" * 128
    assert verify_challenge({**asked, "hub.challenge": longest}, VERIFY_TOKEN) == longest


@pytest.mark.parametrize(
    "asked",
    [
        params(mode="subscribe", verify_token="another", challenge="1158201444"),
        params(mode="subscribe", verify_token="", challenge="1158201444"),
        params(mode="subscribe", challenge="1158201444"),
        params(mode="unsubscribe", verify_token=VERIFY_TOKEN, challenge="1158201444"),
        params(verify_token=VERIFY_TOKEN, challenge="1158201444"),
        params(mode="subscribe", verify_token=VERIFY_TOKEN),
        params(mode="subscribe", verify_token=VERIFY_TOKEN, challenge=""),
    ],
)
def test_it_answers_nothing_to_another_request(asked: dict[str, str]) -> None:
    assert verify_challenge(asked, VERIFY_TOKEN) is None


@pytest.mark.parametrize(
    "challenge",
    ["<script>alert(1)</script>", "a" * 129, "1158\n201444", "tantangan\x00", "tantangan-ü"],
)
def test_it_echoes_no_challenge_that_is_not_plain(challenge: str) -> None:
    asked = params(mode="subscribe", verify_token=VERIFY_TOKEN, challenge=challenge)
    assert verify_challenge(asked, VERIFY_TOKEN) is None


def test_it_answers_nothing_without_a_configured_token() -> None:
    assert verify_challenge(params(mode="subscribe", verify_token="", challenge="1"), "") is None

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reporters.services import identity_hash, reporter_for_identity
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from tests.reports.conftest import Cast, cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

NAME = "Siti Rahmawati Kusumadewi"
EMAIL = "siti.rahmawati@example.org"
PHONE = "+6281234509876"
PERSONAL = (NAME.encode(), EMAIL.encode(), PHONE.encode(), b"81234509876")

# Elements whose children form a list (the Spark convention's arrays).
_LISTS = {
    "services",
    "service_requests",
    "errors",
    "attributes",
    "values",
    "endpoints",
    "formats",
    "notes",
}


def from_xml(element: ElementTree.Element) -> Any:
    """The XML as the JSON it maps to, every leaf a string."""
    if element.tag in _LISTS:
        return [from_xml(child) for child in element]
    if len(element) == 0:
        return element.text or ""
    return {child.tag: from_xml(child) for child in element}


def as_text(value: Any) -> Any:
    """A JSON value with every leaf as the XML writes it."""
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Answer:
    status: int
    data: Any
    body: bytes


Fetch = Callable[..., Answer]


def _both(responses: dict[str, Any]) -> Answer:
    """Checks the JSON and XML answers carry the same data; returns the JSON one."""
    as_json, as_xml = responses["json"], responses["xml"]
    assert as_json.status_code == as_xml.status_code
    assert as_json["Content-Type"].startswith("application/json")
    assert as_xml["Content-Type"] == "text/xml; charset=utf-8"
    assert as_xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    data = json.loads(as_json.content)
    root = ElementTree.fromstring(as_xml.content)  # noqa: S314 (our own answer)
    assert as_text(data) == from_xml(root), "XML and JSON answers differ"
    return Answer(as_json.status_code, data, as_json.content + as_xml.content)


@pytest.fixture
def fetch(db: None) -> Fetch:
    """GET a path ending in .{fmt} in both formats; the answers must agree."""

    def get(path: str, *, headers: dict[str, str] | None = None, **params: Any) -> Answer:
        client = Client(headers=headers or {})
        return _both({fmt: client.get(path.format(fmt=fmt), params) for fmt in ("json", "xml")})

    return get


@pytest.fixture
def post(db: None) -> Fetch:
    def send(fmt: str, data: dict[str, Any]) -> Answer:
        response = Client().post(f"/open311/v2/requests.{fmt}", data)
        if fmt == "json":
            parsed = json.loads(response.content)
        else:
            parsed = from_xml(ElementTree.fromstring(response.content))  # noqa: S314
        return Answer(response.status_code, parsed, response.content)

    return send


@pytest.fixture
def citizen(db: None) -> Reporter:
    """A reporter with a name, an e-mail address and a phone number: none of them
    may ever appear in an Open311 answer."""
    reporter = reporter_for_identity(kind="email", value=EMAIL, name=NAME)
    ChannelIdentity.objects.create(
        reporter=reporter,
        kind="phone",
        value=PHONE,
        value_hash=identity_hash(kind="phone", value=PHONE),
    )
    return reporter


@pytest.fixture
def public_report(
    cast: Cast, citizen: Reporter, dispositioned: Callable[..., Report]
) -> Callable[..., Report]:
    """A report of ``citizen``'s, verified and with Kota Cirebon (public unless
    confidential)."""

    def make(**overrides: Any) -> Report:
        fields: dict[str, Any] = {"actor": Actor.for_reporter(citizen.pk), "reporter": citizen}
        fields.update(overrides)
        return dispositioned(**fields)

    return make

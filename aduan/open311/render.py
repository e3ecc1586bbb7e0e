"""Answers in the two formats of the specification. The JSON is the XML mapped by
the Spark convention: the XML's root element is dropped, a list becomes an array,
an element with children an object. Both are made from one Python value here."""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse

FORMATS = ("json", "xml")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# The element name of one item of each list, by the list's own name.
_ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}


# Characters XML 1.0 cannot carry, escaped or not: control characters but tab and
# line ends, surrogates, U+FFFE and U+FFFF. A report's text or a parameter echoed in
# an error may hold them; the XML answer leaves them out, or no parser reads it.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


_LEAVES = (str, int, float, type(None))  # bool is an int


def _write(parts: list[str], name: str, value: Any) -> None:
    """``value`` as the element ``name``, written as ElementTree would write it (an
    element without text or children is ``<name />``; the text escaped alike) in a
    quarter of the time of building the tree: a page of requests is 1,700 elements."""
    if not isinstance(value, _LEAVES) and isinstance(value, Mapping):
        if not value:
            parts.append(f"<{name} />")
            return
        parts.append(f"<{name}>")
        for key, item in value.items():
            _write(parts, key, item)
        parts.append(f"</{name}>")
    elif not isinstance(value, _LEAVES) and isinstance(value, Sequence):
        if not value:
            parts.append(f"<{name} />")
            return
        parts.append(f"<{name}>")
        item_name = _ITEM[name]
        for item in value:
            _write(parts, item_name, item)
        parts.append(f"</{name}>")
    else:
        text = _text(value)
        parts.append(f"<{name}>{escape(text)}</{name}>" if text else f"<{name} />")


def to_xml(root: str, value: Any) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _write(parts, root, value)
    return "".join(parts).encode()


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """``value`` as JSON or as XML under the element ``root``."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False, default=str).encode()
        return HttpResponse(body, content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, value), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error list; the code in the body is the HTTP status."""
    items = [{"code": status, "description": description} for description in descriptions]
    return respond(fmt if fmt in FORMATS else "xml", "errors", items, status=status)

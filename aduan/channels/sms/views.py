"""The Kannel endpoints (DESIGN.md §10): ``/channels/sms/kannel`` takes an inbound
SMS (GET or POST: ``from``, ``to``, ``text``, ``smsc``, ``ts``, ``id``) and answers
with the reply SMS as plain text; ``/channels/sms/kannel/dlr`` takes Kannel's
delivery reports. Only the gateway may call them: with the shared secret
(``secret``), or from an allowed address."""

import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from aduan.channels.sms.segments import sms_size
from aduan.channels.sms.services import Sms, sms_receive
from aduan.lib.clientaddress import address_in, client_address
from aduan.outbox.models import Message
from aduan.outbox.services import message_delivery_record

logger = logging.getLogger("aduan.sms")

# Kannel's delivery report types (%d).
_DELIVERY_OF_KANNEL = {
    "1": Message.Delivery.DELIVERED,
    "2": Message.Delivery.UNDELIVERABLE,
    "4": Message.Delivery.BUFFERED,
    "8": Message.Delivery.ACCEPTED,
    "16": Message.Delivery.REJECTED,
}


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def _reply(body: str) -> HttpResponse:
    """The reply SMS. Kannel would squeeze a text outside the GSM alphabet into it
    (an emoji, curly quotes become "?"), unless told to send it as UCS-2."""
    response = _text(body)
    if body:
        response["X-Kannel-Coding"] = "2" if sms_size(body).encoding == "ucs2" else "0"
    return response


# The character sets Kannel names in ``charset`` (%C): UTF-8 (with ``mo-recode``,
# the deployment's set-up), UTF-16BE for a UCS-2 message without it, ISO-8859-1
# or WINDOWS-1252 for text recoded to 8 bits. Keyed by the name in lower case
# without "-" and "_"; the Python codec each is read with.
_CHARSETS = {
    "utf8": "utf-8",
    "iso88591": "iso-8859-1",
    "latin1": "iso-8859-1",
    "windows1252": "cp1252",
    "cp1252": "cp1252",
    "utf16be": "utf-16-be",
    "ucs2": "utf-16-be",
}


def _params(request: HttpRequest) -> QueryDict:
    """The request's parameters, ``text`` read in the character set Kannel says it
    used. Only ``text`` is in it: the others (numbers, ids, the secret) are ASCII.
    Any other name is read as UTF-8, never looked up among Python's codecs, some of
    which are no character set at all (punycode, rot13, zlib) and fail on any
    input; the SMS is kept either way. NUL characters are dropped: nobody means
    them, and PostgreSQL cannot store them."""
    params = (request.POST if request.method == "POST" else request.GET).copy()
    name = params.get("charset", "").strip().lower().replace("-", "").replace("_", "")
    codec = _CHARSETS.get(name, "utf-8")
    raw = _form_as_sent(request) if codec != "utf-8" else None
    if raw is not None:
        params.setlist("text", QueryDict(raw, encoding=codec).getlist("text"))
    for key, values in list(params.lists()):
        params.setlist(key, [value.replace("\x00", "") for value in values])
    return params


def _form_as_sent(request: HttpRequest) -> str | None:
    """The parameters with their %-escapes, as sent; None for a multipart form,
    whose parts each name their own character set."""
    if request.method == "GET":
        return str(request.META.get("QUERY_STRING", ""))
    if request.content_type == "application/x-www-form-urlencoded":
        # Bytes as characters, one for one: the codec reads the %-escapes.
        return request.body.decode("iso-8859-1")
    return None


def _from_gateway(request: HttpRequest, params: QueryDict) -> bool:
    secret = settings.SMS_SECRET
    given = params.get("secret", "")
    if secret and given and hmac.compare_digest(given.encode(), secret.encode()):
        return True
    return address_in(client_address(request), settings.SMS_ALLOWED_IPS)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def kannel_inbound(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    if not _from_gateway(request, params):
        logger.warning("sms: refused a request from %s", client_address(request) or "?")
        return _text("", status=403)
    sender = params.get("from", "").strip()
    if not sender:
        return _text("", status=400)
    sms = Sms(
        sender=sender,
        text=params.get("text", ""),
        gateway_id=params.get("id", "").strip(),
        stamp=params.get("ts", "").strip(),
    )
    return _reply(sms_receive(sms))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def kannel_delivery_report(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    if not _from_gateway(request, params):
        return _text("", status=403)
    message_id, kind = params.get("message", ""), params.get("status", "")
    delivery = _DELIVERY_OF_KANNEL.get(kind)
    # ASCII digits that fit a row id: str.isdigit() alone holds for "²" too.
    if not (message_id.isascii() and message_id.isdigit() and len(message_id) <= 18):
        return _text("", status=400)
    if delivery is None:
        return _text("", status=400)
    message_delivery_record(
        message_id=int(message_id), delivery=delivery, detail=params.get("answer", "")
    )
    return _text("ok")

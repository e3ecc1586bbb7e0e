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


def _params(request: HttpRequest) -> QueryDict:
    """The request's parameters, read in the character set Kannel says it used."""
    params = request.POST if request.method == "POST" else request.GET
    charset = params.get("charset", "").strip().lower()
    if charset and charset not in ("utf-8", "utf8"):
        try:
            "".encode(charset)
        except LookupError:
            return params
        request.encoding = charset
        params = request.POST if request.method == "POST" else request.GET
    return params


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
    if not message_id.isdigit() or delivery is None:
        return _text("", status=400)
    message_delivery_record(
        message_id=int(message_id), delivery=delivery, detail=params.get("answer", "")
    )
    return _text("ok")

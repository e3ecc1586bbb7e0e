"""The WhatsApp webhook (Cloud API), ``/channels/whatsapp/webhook``: Meta's
subscription check (GET) and its deliveries (POST), each checked by
``X-Hub-Signature-256`` with the app's secret. A delivery is answered 200 once
handled — whatever it carried, read or not — so that Meta does not deliver it
again; 400 only for a body that is no JSON at all, 403 for a wrong signature."""

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from aduan.channels.whatsapp.parse import webhook_parse
from aduan.channels.whatsapp.services import whatsapp_ignored, whatsapp_receive, whatsapp_status
from aduan.channels.whatsapp.signature import SIGNATURE_HEADER, signature_valid, verify_challenge
from aduan.lib.clientaddress import client_address

logger = logging.getLogger("aduan.whatsapp")


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        challenge = verify_challenge(request.GET, settings.WHATSAPP_VERIFY_TOKEN)
        return _text(challenge) if challenge is not None else _text("", status=403)
    header = request.headers.get(SIGNATURE_HEADER, "")
    if not signature_valid(request.body, header, settings.WHATSAPP_APP_SECRET):
        logger.warning("whatsapp: refused a delivery from %s", client_address(request) or "?")
        return _text("", status=403)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _text("", status=400)
    delivery = webhook_parse(payload)
    for message in delivery.messages:
        whatsapp_receive(message)
    for ignored in delivery.ignored:
        whatsapp_ignored(ignored)
    for status in delivery.statuses:
        whatsapp_status(status)
    return _text("ok")

"""The Telegram webhook, ``/channels/telegram/webhook``: Telegram POSTs each update
with the secret token given to ``setWebhook`` in ``X-Telegram-Bot-Api-Secret-Token``
(a wrong or missing one is 403, and so is everything while no secret is
configured). An update is answered 200 once handled — whatever it carried, read or
not — since Telegram delivers again whatever got another status; 400 only for a
body that is no JSON at all."""

import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aduan.channels.telegram.parse import update_parse
from aduan.channels.telegram.services import telegram_receive
from aduan.lib.clientaddress import client_address

logger = logging.getLogger("aduan.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (its name, not a secret)


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def secret_valid(header: str, secret: str) -> bool:
    """Whether the header carries the configured secret, compared in constant
    time. Without a secret nothing is valid: an unconfigured bot must not take
    what anyone could post."""
    if not secret:
        return False
    # "surrogatepass": a lone surrogate in a value read from the environment is
    # compared as it is rather than raising.
    return hmac.compare_digest(
        header.encode("utf-8", "surrogatepass"), secret.encode("utf-8", "surrogatepass")
    )


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    header = request.headers.get(SECRET_HEADER, "")
    if not secret_valid(header, settings.TELEGRAM_SECRET_TOKEN):
        logger.warning("telegram: refused an update from %s", client_address(request) or "?")
        return _text("", status=403)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _text("", status=400)
    telegram_receive(update_parse(payload))
    return _text("ok")

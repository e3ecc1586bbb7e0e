"""The Account Activity webhook (DESIGN.md §10): ``/channels/x/webhook``.

X proves the URL is ours with a CRC challenge (GET ``crc_token``), answered with
the token's HMAC-SHA256 under the app's consumer secret; it signs every POST the
same way over the raw body (``x-twitter-webhooks-signature``). The signature is
checked before the body is read as JSON: an unsigned request is refused with 403
and nothing of it is stored or parsed."""

import base64
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from aduan.channels.x.parse import directs_from_activity, posts_from_activity
from aduan.channels.x.services import direct_receive, post_receive

logger = logging.getLogger("aduan.x")

SIGNATURE_HEADER = "x-twitter-webhooks-signature"


def x_signature(secret: str, data: bytes) -> str:
    """``sha256=`` and the base64 HMAC-SHA256 of ``data`` under ``secret``: the
    CRC response token and the POST signature alike."""
    digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.X_CONSUMER_SECRET
    if not secret:
        logger.warning("x: webhook called but ADUAN_X_CONSUMER_SECRET is not set")
        return HttpResponse(status=403)
    if request.method == "GET":
        token = request.GET.get("crc_token", "")
        if not token:
            return HttpResponse(status=400)
        return JsonResponse({"response_token": x_signature(secret, token.encode())})
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not given or not hmac.compare_digest(
        given.encode(), x_signature(secret, request.body).encode()
    ):
        logger.warning("x: refused a webhook POST without a valid signature")
        return HttpResponse(status=403)
    try:
        event = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(event, dict):
        return HttpResponse(status=400)
    if settings.X_ACCOUNT_ID and str(event.get("for_user_id", "")) != settings.X_ACCOUNT_ID:
        # Another account's activity (a subscription left over): not ours to read.
        return HttpResponse(status=200)
    for post in posts_from_activity(event):
        post_receive(post)
    for direct in directs_from_activity(event):
        direct_receive(direct)
    return HttpResponse(status=200)

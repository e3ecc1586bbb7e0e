"""Idempotent POSTs: a client that sends the same ``Idempotency-Key`` header again
(it lost the answer on a slow network) gets the first answer, status and body, and
nothing is done twice. The same key with another request is refused (422), and a
repeat that arrives while the first is still running gets 409 at once rather than
waiting: the client retries a moment later and then gets the stored answer.

The key is claimed, the work done and a successful answer (2xx) kept in one
transaction: all of it commits, or none of it. A request that fails, or whose
process or database is lost midway, leaves its key free, so the client may send it
again at once (the drills kill a web node and the primary mid-request to hold
this). A repeat that arrives while the first is still at work waits for it, then
answers as it did. Keys are kept for ``KEY_TTL``; an older key is forgotten and may
be used again."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.core.models import IdempotencyKey
from aduan.lib.errors import AduanError, Conflict, InvalidInput

HEADER = "Idempotency-Key"
KEY_MAX = 255
# ``openapi_extra`` for an operation that honours the header.
IDEMPOTENT: dict[str, Any] = {
    "parameters": [
        {
            "name": HEADER,
            "in": "header",
            "required": False,
            "description": (
                "Any unique string: a repeated request with the same key answers as the "
                "first did and does nothing again; the same key with another body is a 422."
            ),
            "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX},
        }
    ]
}
KEY_TTL = timedelta(hours=24)
# A claim without an answer is never committed now; one written by an earlier
# release is taken over after this (longer than nginx lets a request run).
CLAIM_LEASE = timedelta(minutes=2)

Answer = tuple[int, Any]


class IdempotencyKeyReused(AduanError):
    status = 422
    default_code = "idempotency_key_reused"
    default_message = _("Kunci Idempotency-Key ini sudah dipakai untuk permintaan lain.")


class IdempotencyInProgress(Conflict):
    default_code = "idempotency_in_progress"
    default_message = _(
        "Permintaan dengan Idempotency-Key ini masih diproses. Coba lagi sebentar lagi."
    )


def request_hash(request: HttpRequest) -> str:
    """sha256 of method, path and what was sent. A multipart body is hashed by its
    fields and files (Django has read the raw stream by now, and the boundary
    differs between two sends of the same form anyway)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type == "multipart/form-data":
        fields = sorted((name, request.POST.getlist(name)) for name in request.POST)
        digest.update(json.dumps(fields, ensure_ascii=False).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"\n{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _json(status: int, body: Any) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _claim(*, caller: str, key: str, digest: str) -> IdempotencyKey | Answer:
    """The new row that reserves the key for this request, or the first answer."""
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    caller=caller, key=key, request_hash=digest, created_at=now
                )
        except IntegrityError:
            row = IdempotencyKey.objects.filter(caller=caller, key=key).first()
        if row is None:
            continue  # the other request failed and released it: claim it now
        if row.created_at < now - KEY_TTL:
            IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            continue
        if row.request_hash != digest:
            raise IdempotencyKeyReused(field=HEADER)
        if row.response_status is None:
            if row.created_at >= now - CLAIM_LEASE:
                raise IdempotencyInProgress()
            # Left by an earlier release whose request never finished.
            IdempotencyKey.objects.filter(
                pk=row.pk, created_at=row.created_at, response_status=None
            ).delete()
            continue
        return row.response_status, json.loads(row.response_body)
    raise IdempotencyInProgress()


def idempotent(request: HttpRequest, *, caller: str, run: Callable[[], Answer]) -> JsonResponse:
    """The answer of ``run`` (status and a JSON-ready body) as a response, done at
    most once per ``caller`` and ``Idempotency-Key`` when the request has one."""
    key = request.headers.get(HEADER)
    if key is None:
        return _json(*run())
    key = key.strip()
    if not key or len(key) > KEY_MAX:
        raise InvalidInput(
            _("Idempotency-Key harus diisi, paling banyak %(max)s karakter.") % {"max": KEY_MAX},
            code="invalid_idempotency_key",
            field=HEADER,
        )
    digest = request_hash(request)
    with transaction.atomic():
        # A repeat running beside this request waits here until this one commits
        # (or rolls back), on the key's unique index.
        claimed = _claim(caller=caller, key=key, digest=digest)
        if isinstance(claimed, IdempotencyKey):
            status, body = run()
            if 200 <= status < 300:
                claimed.response_status = status
                claimed.response_body = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
                claimed.save(update_fields=["response_status", "response_body"])
            else:
                claimed.delete()  # the client may correct it and send it again
            return _json(status, body)
    response = _json(*claimed)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_keys_purge(*, now: Any = None) -> int:
    """Forgets keys older than ``KEY_TTL`` (for a periodic sweep); how many."""
    deleted, _counts = IdempotencyKey.objects.filter(
        created_at__lt=(now or timezone.now()) - KEY_TTL
    ).delete()
    return deleted

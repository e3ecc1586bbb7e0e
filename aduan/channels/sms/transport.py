"""SMS out through Kannel's ``sendsms`` HTTP interface: each message with a
delivery-report URL carrying the outbox row's id, so Kannel's reports land on it."""

import urllib.error
import urllib.request
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from aduan.channels.sms.segments import sms_size
from aduan.outbox.models import Message
from aduan.outbox.transports import TransportError

# Kannel reports: 1 delivered, 2 undeliverable, 4 queued at the SMSC, 8 accepted by
# the SMSC, 16 rejected by the SMSC — all of them.
DLR_MASK = 31
TIMEOUT_SECONDS = 10
# Kannel's "coding": 0 the GSM 7-bit alphabet, 2 UCS-2.
_CODING = {"gsm7": "0", "ucs2": "2"}


def dlr_url(message: Message) -> str:
    """Where Kannel reports on the message: its placeholders %d (the report's type)
    and %A (the SMSC's answer) filled in by Kannel. Kannel reads every other "%" of
    the URL as a placeholder too, so those of the escaped secret are doubled."""
    query = f"message={message.pk}&status=%d&answer=%A"
    if settings.SMS_SECRET:
        query += "&" + urlencode({"secret": settings.SMS_SECRET}).replace("%", "%%")
    return f"{settings.SITE_URL}{reverse('sms:kannel_dlr')}?{query}"


class KannelTransport:
    def send(self, message: Message) -> str:
        params = {
            "username": settings.KANNEL_USERNAME,
            "password": settings.KANNEL_PASSWORD,
            "from": settings.SMS_SHORTCODE,
            "to": message.recipient,
            "text": message.body,
            "charset": "UTF-8",
            "coding": _CODING[sms_size(message.body).encoding],
            "dlr-mask": str(DLR_MASK),
            "dlr-url": dlr_url(message),
        }
        url = f"{settings.KANNEL_SENDSMS_URL}?{urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as error:
            detail = error.read(200).decode("utf-8", "replace").strip()
            # 400: Kannel cannot send this message at all (a bad number); anything
            # else (403 a wrong password, 503 its queue full) may pass later.
            raise TransportError(
                f"Kannel answered {error.code}: {detail}", permanent=error.code == 400
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise TransportError(f"Kannel unreachable: {error}") from None
        if status not in (200, 202):
            raise TransportError(f"Kannel answered {status}")
        return str(message.pk)

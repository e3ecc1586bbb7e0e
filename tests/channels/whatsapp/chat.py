"""A citizen on WhatsApp, for the tests: each call posts one signed webhook
delivery of one message from the same number, in the Cloud API's shapes."""

import itertools
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from tests.channels.whatsapp.fake_whatsapp import change_value, delivery, signed

URL = "/channels/whatsapp/webhook"
_ids = itertools.count(1)


def post(client: Client, payload: dict[str, Any], *, secret: str) -> Any:
    body, signature = signed(payload, secret)
    return client.post(
        URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )


@dataclass
class Citizen:
    client: Client
    secret: str
    number: str = "6281234567890"
    name: str = "Siti Warga"
    sent: list[str] = field(default_factory=list)

    def _send(self, kind: str, body: dict[str, Any], *, message_id: str = "") -> Any:
        message_id = message_id or f"wamid.test{next(_ids)}"
        self.sent.append(message_id)
        message = {
            "from": self.number,
            "id": message_id,
            "timestamp": "1764489840",
            "type": kind,
            kind: body,
        }
        payload = delivery(
            change_value(
                contacts=[{"profile": {"name": self.name}, "wa_id": self.number}],
                messages=[message],
            )
        )
        answer = post(self.client, payload, secret=self.secret)
        assert answer.status_code == 200, answer.content
        return answer

    def text(self, text: str, *, message_id: str = "") -> Any:
        return self._send("text", {"body": text}, message_id=message_id)

    def choose(self, choice: str, title: str = "Pilihan") -> Any:
        return self._send(
            "interactive", {"type": "button_reply", "button_reply": {"id": choice, "title": title}}
        )

    def location(self, latitude: float, longitude: float, name: str = "") -> Any:
        place: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if name:
            place["name"] = name
        return self._send("location", place)

    def photo(self, media_id: str, caption: str = "") -> Any:
        image = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x"}
        if caption:
            image["caption"] = caption
        return self._send("image", image)

    def sticker(self) -> Any:
        return self._send("sticker", {"id": "sticker-1", "mime_type": "image/webp"})

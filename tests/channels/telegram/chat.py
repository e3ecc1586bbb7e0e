"""A citizen on Telegram, for the tests: each call posts one webhook delivery of one
update from the same private chat, in the Bot API's shapes, with the secret token
Telegram sends back."""

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

URL = "/channels/telegram/webhook"
SECRET = "tg-webhook-s3cret_token"
_update_ids = itertools.count(900_000_001)
_message_ids = itertools.count(41)


def next_update_id() -> int:
    return next(_update_ids)


def post(client: Client, update: object, *, secret: str | None = SECRET) -> Any:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return client.post(URL, update, content_type="application/json", headers=headers)


@dataclass
class Citizen:
    client: Client
    user_id: int = 5012345678
    first_name: str = "Siti"
    secret: str = SECRET
    sent: list[int] = field(default_factory=list)

    @property
    def person(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "id",
        }

    @property
    def chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "first_name": self.first_name, "type": "private"}

    def deliver(self, update: dict[str, Any]) -> Any:
        answer = post(self.client, update, secret=self.secret)
        assert answer.status_code == 200, answer.content
        self.sent.append(update["update_id"])
        return answer

    def message(
        self, body: dict[str, Any], *, update_id: int = 0, chat: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A Message update in this chat (or ``chat``)."""
        return {
            "update_id": update_id or next_update_id(),
            "message": {
                "message_id": next(_message_ids),
                "from": self.person,
                "chat": chat or self.chat,
                "date": int(time.time()),
                **body,
            },
        }

    def text(self, text: str, *, update_id: int = 0) -> Any:
        body: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            body["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
        return self.deliver(self.message(body, update_id=update_id))

    def choose(self, data: str, *, update_id: int = 0) -> Any:
        """A press on an inline keyboard button under one of the bot's messages."""
        return self.deliver(
            {
                "update_id": update_id or next_update_id(),
                "callback_query": {
                    "id": f"cb{next(_message_ids)}",
                    "from": self.person,
                    "message": {
                        "message_id": next(_message_ids),
                        "from": {"id": 123456789, "is_bot": True, "first_name": "Lapor 1708"},
                        "chat": self.chat,
                        "date": int(time.time()),
                        "text": "Pertanyaan",
                    },
                    "chat_instance": "-7391847182741523771",
                    "data": data,
                },
            }
        )

    def location(self, latitude: float, longitude: float) -> Any:
        return self.deliver(
            self.message({"location": {"latitude": latitude, "longitude": longitude}})
        )

    def photo(self, file_id: str, caption: str = "") -> Any:
        sizes = [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 68},
            {"file_id": file_id, "file_unique_id": "l", "width": 1280, "height": 960},
        ]
        body: dict[str, Any] = {"photo": sizes}
        if caption:
            body["caption"] = caption
        return self.deliver(self.message(body))

    def document(self, file_id: str, caption: str = "") -> Any:
        document = {
            "file_id": file_id,
            "file_unique_id": "d",
            "file_name": "surat.pdf",
            "mime_type": "application/pdf",
        }
        body: dict[str, Any] = {"document": document}
        if caption:
            body["caption"] = caption
        return self.deliver(self.message(body))

    def sticker(self) -> Any:
        sticker = {"file_id": "CAACAgIAAxk", "file_unique_id": "st", "width": 512, "height": 512}
        return self.deliver(self.message({"sticker": sticker}))

    def edit(self, text: str) -> Any:
        update = self.message({"text": text, "edit_date": int(time.time())})
        update["edited_message"] = update.pop("message")
        return self.deliver(update)

    def in_group(self, text: str) -> Any:
        group = {"id": -1001987654321, "title": "Warga RW 05", "type": "supergroup"}
        return self.deliver(self.message({"text": text}, chat=group))

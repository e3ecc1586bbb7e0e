"""Report files in the database, for a site of several web nodes
(``ADUAN_FILE_STORAGE=database``; docs/decisions.md, "Attachments on several
nodes"). A file is a row (core.models.StoredFile), written in the same transaction
as the report or follow-up it belongs to: acknowledged together, replicated to the
standbys together, restored to the same point together. Files are never served by
URL: the attachment view checks who may see one, then reads it."""

from datetime import datetime
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from aduan.core.models import StoredFile


@deconstructible
class DatabaseStorage(Storage):
    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("stored files are written once, by save()")
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content: IO[Any]) -> str:
        data = b"".join(File(content).chunks())
        StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def get_created_time(self, name: str) -> datetime:
        created = StoredFile.objects.filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(name)
        return created

    get_modified_time = get_created_time

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.rstrip('/')}/" if path else ""
        directories: set[str] = set()
        files: list[str] = []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list(
            "name", flat=True
        ):
            head, slash, _rest = name.removeprefix(prefix).partition("/")
            (directories.add(head) if slash else files.append(head))
        return sorted(directories), sorted(files)

    def url(self, name: str | None) -> str:
        raise ValueError("stored files have no URL: the attachment view serves them")

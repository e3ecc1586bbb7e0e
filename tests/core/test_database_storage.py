"""Report files kept in the database (ADUAN_FILE_STORAGE=database): the storage's
own contract. The reports' tests run their file journeys on it too."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from aduan.core.models import StoredFile
from aduan.core.storage import DatabaseStorage

pytestmark = pytest.mark.django_db


def test_a_file_is_written_once_and_read_back() -> None:
    storage = DatabaseStorage()
    name = storage.save("attachments/a.jpg", ContentFile(b"\xff\xd8 picture"))
    assert name == "attachments/a.jpg"
    assert storage.exists(name) and storage.size(name) == 10
    with storage.open(name) as file:
        assert file.read() == b"\xff\xd8 picture"
    assert storage.get_created_time(name) == storage.get_modified_time(name)
    # A second file of the same name gets a name of its own, never the first's bytes.
    other = storage.save("attachments/a.jpg", ContentFile(b"another"))
    assert other != name and storage.open(other).read() == b"another"
    assert storage.listdir("attachments") == ([], sorted([name.split("/")[1], other.split("/")[1]]))
    assert storage.listdir("") == (["attachments"], [])


def test_what_is_not_there_says_so() -> None:
    storage = DatabaseStorage()
    for call in (storage.open, storage.size, storage.get_created_time):
        with pytest.raises(FileNotFoundError):
            call("attachments/none.jpg")
    assert not storage.exists("attachments/none.jpg")
    storage.delete("attachments/none.jpg")  # nothing to do is no error


def test_stored_files_have_no_url_and_are_not_rewritten() -> None:
    storage = DatabaseStorage()
    name = storage.save("attachments/b.pdf", ContentFile(b"%PDF-1.7"))
    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)
    with pytest.raises(ValueError, match="written once"):
        storage.open(name, "wb")
    storage.delete(name)
    assert not StoredFile.objects.exists()


def test_a_file_written_in_a_transaction_that_fails_is_gone_with_it() -> None:
    storage = DatabaseStorage()

    def write_then_fail() -> None:
        with transaction.atomic():
            storage.save("attachments/c.jpg", ContentFile(b"x"))
            raise RuntimeError("the report could not be written")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert not storage.exists("attachments/c.jpg")

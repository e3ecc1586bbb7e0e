"""The reporting pages' tests share the people around a report with the lifecycle
tests, and make small files to upload."""

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aduan.accounts.models import User
from tests.reports.conftest import Cast, cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report", "owner_user", "photo"]

# EXIF tags a photo from a phone carries: the camera maker and a GPS block.
MAKE, GPS_IFD = 0x010F, 0x8825


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 40, 40))
    exif = Image.Exif()
    exif[MAKE] = "SecretCam"
    exif[GPS_IFD] = {1: "S", 2: (6.0, 42.0, 22.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photo() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "foto.jpg") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, jpeg_with_exif(), content_type="image/jpeg")

    return make


@pytest.fixture
def owner_user(cast: Cast) -> User:
    return User.objects.get(username="ani")

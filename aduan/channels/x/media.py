"""The photos of a post, fetched to become the report's attachments. Only from
the X media hosts (``X_MEDIA_HOSTS``) and never through a redirect, so a post
cannot make the server fetch anything else; only as many and as large as an
upload may be. A photo that cannot be fetched is left out: the report still
comes."""

import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings

from aduan.reports.services import Upload

logger = logging.getLogger("aduan.x")

TIMEOUT_SECONDS = 10


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx answer then fails as an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)


def photos_fetch(urls: Sequence[str]) -> list[Upload]:
    uploads: list[Upload] = []
    for url in urls[: settings.UPLOAD_MAX_FILES]:
        data = _fetch(url)
        if data is not None:
            name = urlsplit(url).path.rsplit("/", 1)[-1] or f"photo-{len(uploads) + 1}"
            uploads.append(Upload(name=name, data=data))
    return uploads


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("https", "http") and parts.hostname in settings.X_MEDIA_HOSTS


def _fetch(url: str) -> bytes | None:
    if not _allowed(url):
        logger.warning("x: left out a photo from a host that is not X's")
        return None
    limit = settings.UPLOAD_MAX_BYTES
    try:
        with _opener.open(url, timeout=TIMEOUT_SECONDS) as answer:
            data: bytes = answer.read(limit + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        logger.warning("x: could not fetch a photo: %s", error)
        return None
    if len(data) > limit:
        logger.warning("x: left out a photo larger than %s bytes", limit)
        return None
    return data

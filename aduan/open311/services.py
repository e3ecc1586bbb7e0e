"""Writes of the Open311 channel: API keys, and a service request turned into a
report through the one intake service (reports.services.report_create)."""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from aduan.lib import crypto
from aduan.lib.errors import InvalidInput, NotFound, NotPermitted
from aduan.open311.models import Open311Client
from aduan.open311.selectors import ATTRIBUTES, service_get
from aduan.regions.selectors import NEAREST_RADII_KM, region_nearest
from aduan.reporters.models import ChannelIdentity
from aduan.reporters.services import reporter_for_identity
from aduan.reports.models import Channel, Report, ReportType
from aduan.reports.policy import Actor
from aduan.reports.services import TITLE_MAX, Location, report_create

DEMO_KEY = "demo-open311-key"
DESCRIPTION_MAX = 4_000  # the specification's limit
_KEY_KIND = "open311-key"


def open311_key_hash(key: str) -> str:
    return crypto.lookup_hash(_KEY_KIND, key)


def open311_key_assign(client: Open311Client) -> str:
    """Gives an unsaved client a new random key; returns the key (shown once)."""
    key = secrets.token_urlsafe(32)
    client.key_hash = open311_key_hash(key)
    return key


def open311_client_create(*, name: str) -> tuple[Open311Client, str]:
    client = Open311Client(name=name)
    key = open311_key_assign(client)
    client.save()
    return client, key


def open311_demo_client_ensure() -> Open311Client | None:
    """The demo's client with the public key ``demo-open311-key`` (demo mode only)."""
    if not settings.DEMO_MODE:
        return None
    client, _created = Open311Client.objects.get_or_create(
        key_hash=open311_key_hash(DEMO_KEY), defaults={"name": "Demo"}
    )
    return client


def open311_client_check(key: str | None) -> Open311Client:
    """The active client holding ``key``; NotPermitted (HTTP 403) otherwise."""
    if not key:
        raise NotPermitted(_("api_key wajib diisi."), code="api_key_missing")
    # Under a retired data key too, while one is rotated (aduan/lib/crypto.py).
    hashes = crypto.lookup_hashes(_KEY_KIND, key)
    client = Open311Client.objects.filter(key_hash__in=hashes, is_active=True).first()
    if client is None:
        raise NotPermitted(_("api_key tidak valid."), code="api_key_invalid")
    if client.key_hash != hashes[0]:
        # The key is never kept, so only its use can bring it under the new data key.
        Open311Client.objects.filter(pk=client.pk, key_hash=client.key_hash).update(
            key_hash=hashes[0]
        )
        client.key_hash = hashes[0]
    return client


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    """A POST service request as the client sent it (empty string = absent)."""

    service_code: str
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    description: str = ""
    media_url: str = ""
    attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _coordinate(value: str, *, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(
            _("%(name)s harus berupa angka.") % {"name": name}, code="invalid_coordinates"
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(
            _("%(name)s harus berupa angka.") % {"name": name}, code="invalid_coordinates"
        )
    return number


def _location(request: ServiceRequest, region: str | None) -> Location:
    """The place as given; without a region attribute, the region is the village
    nearest to lat/long (a point with no village near it is refused)."""
    lat, long, address = request.lat.strip(), request.long.strip(), request.address_string.strip()
    if bool(lat) != bool(long):
        raise InvalidInput(_("Kirim lat dan long bersama-sama."), code="incomplete_coordinates")
    if not lat and not address:
        raise InvalidInput(
            _("Lokasi wajib diisi: lat dan long, atau address_string."), code="location_required"
        )
    latitude = _coordinate(lat, name="lat") if lat else None
    longitude = _coordinate(long, name="long") if long else None
    if not region and latitude is not None and longitude is not None:
        nearest = region_nearest(latitude=latitude, longitude=longitude)
        if nearest is None:
            raise InvalidInput(
                _(
                    "Titik lat/long tidak berada di Indonesia (tidak ada desa/kelurahan dalam "
                    "%(km)s km). Periksa lat dan long, atau kirim attribute[region]."
                )
                % {"km": int(NEAREST_RADII_KM[-1])},
                code="region_not_found",
            )
        region = nearest.code
    return Location(region=region, latitude=latitude, longitude=longitude, address=address)


def _attribute_values(attributes: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """One value per known attribute code, checked against its list of values."""
    known = {attribute.code: attribute for attribute in ATTRIBUTES}
    values: dict[str, str] = {}
    for code, given in attributes.items():
        attribute = known.get(code)
        if attribute is None:
            raise InvalidInput(
                _("Atribut %(code)s tidak dikenal.") % {"code": code[:40]}, code="unknown_attribute"
            )
        chosen = [value.strip() for value in given if value.strip()]
        if len(chosen) > 1:
            raise InvalidInput(
                _("Atribut %(code)s hanya menerima satu nilai.") % {"code": code},
                code="invalid_attribute",
            )
        if not chosen:
            continue
        if attribute.values and chosen[0] not in attribute.value_keys():
            raise InvalidInput(
                _("Nilai atribut %(code)s tidak dikenal.") % {"code": code},
                code="invalid_attribute",
            )
        values[code] = chosen[0]
    return values


def _reporter_identity(request: ServiceRequest) -> tuple[str, str]:
    # The e-mail address when both are given: the reporter is found by one identity.
    if request.email.strip():
        return ChannelIdentity.Kind.EMAIL, request.email.strip()
    if request.phone.strip():
        return ChannelIdentity.Kind.PHONE, request.phone.strip()
    raise InvalidInput(
        _("Isi email atau phone pelapor agar laporan dapat ditindaklanjuti."),
        code="identity_required",
    )


def _body(request: ServiceRequest) -> str:
    body = request.description.strip()
    if not body:
        raise InvalidInput(_("description wajib diisi."), code="description_required")
    if len(body) > DESCRIPTION_MAX:
        raise InvalidInput(
            _("description terlalu panjang (paling banyak %(max)s karakter).")
            % {"max": DESCRIPTION_MAX},
            code="too_long",
        )
    media_url = request.media_url.strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise InvalidInput(_("media_url bukan URL yang valid."), code="invalid_url") from None
        # Kept as text, never fetched: a link the staff may open with care.
        body = f"{body}\n\nmedia_url: {media_url}"
    return body


def open311_request_create(*, request: ServiceRequest) -> Report:
    """A service request as a new report on the Open311 channel, filed by the
    reporter behind the e-mail address (or phone number) the client sent."""
    if not request.service_code.strip():
        raise InvalidInput(_("service_code wajib diisi."), code="service_code_required")
    service = service_get(code=request.service_code.strip())
    if service is None:
        raise NotFound(_("service_code tidak dikenal."), code="unknown_service")
    attributes = _attribute_values(request.attributes)
    location = _location(request, attributes.get("region"))
    body = _body(request)
    title = Truncator(body.splitlines()[0]).chars(TITLE_MAX)
    kind, value = _reporter_identity(request)
    name = " ".join(part.strip() for part in (request.first_name, request.last_name) if part)
    with transaction.atomic():
        reporter = reporter_for_identity(kind=kind, value=value, name=name[:100])
        return report_create(
            actor=Actor.for_reporter(reporter.pk),
            reporter=reporter,
            type=attributes.get("report_type", ReportType.COMPLAINT),
            title=title,
            body=body,
            channel=Channel.OPEN311,
            category=service.code,
            location=location,
            anonymous=attributes.get("anonymous") == "true",
            confidential=attributes.get("confidential") == "true",
        )

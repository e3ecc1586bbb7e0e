"""Agency API keys: issued to the admin's own agency, shown once and stored hashed,
rotated with a grace period, revoked at once; nobody else manages them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aduan.integrations import services
from aduan.integrations.models import ApiKey, Scope
from aduan.lib.errors import Conflict, InvalidInput, NotFound, NotPermitted
from tests.reports.conftest import Cast

pytestmark = pytest.mark.django_db


def _issue(cast: Cast, **kwargs: object) -> services.IssuedKey:
    fields: dict[str, object] = {"name": "SP4N Kota", "scopes": [Scope.REPORTS_READ]}
    fields.update(kwargs)
    return services.api_key_issue(actor=cast.agency_admin, **fields)  # type: ignore[arg-type]


def test_a_key_is_shown_once_and_stored_hashed(cast: Cast) -> None:
    issued = _issue(cast)
    key = ApiKey.objects.get()
    assert issued.secret.startswith("adk_") and len(issued.secret) > 40
    assert issued.secret not in (key.key_hash, key.prefix) and issued.secret[:12] == key.prefix
    assert key.agency_id == cast.kota.pk and key.scopes == [Scope.REPORTS_READ]
    found = services.api_key_authenticate(issued.secret)
    assert found is not None and found.pk == key.pk and found.last_used_at is not None
    assert services.api_key_actor(found).agency_id == cast.kota.pk
    assert services.api_key_allows(found, Scope.REPORTS_READ)
    assert not services.api_key_allows(found, Scope.REPORTS_WRITE)


@pytest.mark.parametrize("secret", ["", "adk_", "adk_wrong", "x" * 500, "Bearer adk_x"])
def test_unknown_secrets_open_nothing(cast: Cast, secret: str) -> None:
    _issue(cast)
    assert services.api_key_authenticate(secret) is None


def test_only_an_agency_admin_issues_keys(cast: Cast) -> None:
    for actor in (cast.liaison, cast.national, cast.supervisor, cast.owner):
        with pytest.raises(NotPermitted):
            services.api_key_issue(actor=actor, name="x", scopes=[Scope.REPORTS_READ])
    with pytest.raises(InvalidInput):
        _issue(cast, name="  ")
    with pytest.raises(InvalidInput):
        _issue(cast, scopes=[])
    with pytest.raises(InvalidInput):
        _issue(cast, scopes=["admin:all"])
    assert not ApiKey.objects.exists()


def test_rotation_keeps_the_old_key_for_a_grace_period(cast: Cast) -> None:
    old = _issue(cast, scopes=[Scope.REPORTS_READ, Scope.REPORTS_WRITE])
    now = timezone.now()
    new = services.api_key_rotate(actor=cast.agency_admin, key_id=old.key.pk, now=now)
    assert new.secret != old.secret and new.key.scopes == old.key.scopes
    assert new.key.replaces_id == old.key.pk
    assert services.api_key_authenticate(old.secret, now=now + timedelta(hours=23)) is not None
    assert services.api_key_authenticate(old.secret, now=now + timedelta(hours=25)) is None
    assert services.api_key_authenticate(new.secret, now=now + timedelta(hours=25)) is not None
    with pytest.raises(Conflict):
        services.api_key_rotate(actor=cast.agency_admin, key_id=old.key.pk)


def test_revocation_is_immediate_and_agency_bound(cast: Cast) -> None:
    issued = _issue(cast)
    with pytest.raises(NotFound):
        services.api_key_revoke(actor=cast.other_agency_admin, key_id=issued.key.pk)
    assert services.api_key_authenticate(issued.secret) is not None
    services.api_key_revoke(actor=cast.agency_admin, key_id=issued.key.pk)
    assert services.api_key_authenticate(issued.secret) is None
    with pytest.raises(NotFound):
        services.api_key_revoke(actor=cast.agency_admin, key_id=issued.key.pk)


def test_a_deactivated_agencys_keys_stop(cast: Cast) -> None:
    issued = _issue(cast)
    cast.kota.is_active = False
    cast.kota.save(update_fields=["is_active"])
    assert services.api_key_authenticate(issued.secret) is None

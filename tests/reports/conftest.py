"""People around a report: the base every lifecycle and policy test builds on.

Kota Cirebon's agency admin, its Dinas PUPR liaison and the Jawa Barat supervisor
handle; Kabupaten Cirebon's admin and a Jawa Tengah supervisor are the outsiders; a
citizen owns the report and another citizen does not."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest

from aduan.accounts.models import User
from aduan.agencies.models import Agency, Unit
from aduan.reporters.models import Reporter
from aduan.reporters.services import reporter_for_user
from aduan.reports import services
from aduan.reports.models import Channel, Report
from aduan.reports.policy import PUBLIC, SYSTEM, Actor

ROLE_NAMES = (
    "public",
    "owner",
    "other_citizen",
    "national",
    "agency_admin",
    "liaison",
    "other_liaison",
    "supervisor",
    "other_agency_admin",
    "other_supervisor",
    "integration",
    "other_integration",
    "system",
)


@dataclass
class Cast:
    kota: Agency
    pupr: Unit
    dishub: Unit
    kabupaten: Agency
    national: Actor
    agency_admin: Actor
    liaison: Actor
    other_liaison: Actor
    supervisor: Actor
    other_agency_admin: Actor
    other_supervisor: Actor
    owner: Actor
    other_citizen: Actor
    integration: Actor
    other_integration: Actor
    reporter: Reporter
    public: Actor = PUBLIC
    system: Actor = SYSTEM

    def roles(self) -> dict[str, Actor]:
        return {name: getattr(self, name) for name in ROLE_NAMES}


def _user(username: str, role: str, agency: Agency | None = None, unit: Unit | None = None) -> User:
    return User.objects.create(username=username, role=role, agency=agency, unit=unit)


@pytest.fixture
def cast(db: None) -> Cast:
    kota = Agency.objects.get(code="pemda-32-74")
    kabupaten = Agency.objects.get(code="pemda-32-09")
    jabar = Agency.objects.get(code="pemda-32")
    jateng = Agency.objects.get(code="pemda-33")
    pupr, dishub = kota.units.get(code="pupr"), kota.units.get(code="dishub")
    owner_user = _user("ani", "citizen")
    reporter = reporter_for_user(user=owner_user)
    other_user = _user("budi", "citizen")
    reporter_for_user(user=other_user)
    nasional = Agency.objects.get(code="nasional")
    # Staff as they act once past the second factor (tests/accounts/test_second_factor.py
    # holds what a staff account is without it).
    as_actor = partial(Actor.for_user, verified=True)
    return Cast(
        kota=kota,
        pupr=pupr,
        dishub=dishub,
        kabupaten=kabupaten,
        national=as_actor(_user("nasional", "national_admin", nasional)),
        agency_admin=as_actor(_user("admin.kota", "agency_admin", kota)),
        liaison=as_actor(_user("pupr.kota", "liaison", kota, pupr)),
        other_liaison=as_actor(_user("dishub.kota", "liaison", kota, dishub)),
        supervisor=as_actor(_user("pengawas.jabar", "supervisor", jabar)),
        other_agency_admin=as_actor(_user("admin.kab", "agency_admin", kabupaten)),
        other_supervisor=as_actor(_user("pengawas.jateng", "supervisor", jateng)),
        owner=as_actor(User.objects.get(pk=owner_user.pk)),
        other_citizen=as_actor(User.objects.get(pk=other_user.pk)),
        integration=Actor.integration(kota.pk),
        other_integration=Actor.integration(kabupaten.pk),
        reporter=reporter,
    )


MakeReport = Callable[..., Report]


@pytest.fixture
def make_report(cast: Cast) -> MakeReport:
    def make(**overrides: Any) -> Report:
        fields: dict[str, Any] = {
            "actor": cast.owner,
            "reporter": cast.reporter,
            "type": "complaint",
            "title": "Jalan berlubang di depan pasar",
            "body": "Lubang besar di Jalan Siliwangi membahayakan pengendara motor.",
            "channel": Channel.WEB,
            "category": "infrastruktur.jalan",
            "location": services.Location(region="32.74.01"),
        }
        fields.update(overrides)
        return services.report_create(**fields)

    return make


@pytest.fixture
def dispositioned(cast: Cast, make_report: MakeReport) -> Callable[..., Report]:
    """A report already with Kota Cirebon's Dinas PUPR."""

    def make(**overrides: Any) -> Report:
        report = make_report(**overrides)
        services.report_dispose(
            actor=cast.national,
            report=report,
            agency_id=cast.kota.pk,
            unit_id=cast.pupr.pk,
            now=overrides.get("now"),
        )
        return Report.objects.select_related("agency__region").get(pk=report.pk)

    return make

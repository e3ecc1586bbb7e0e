"""Demo reports: realistic, Indonesian, reproducible from a seed, and fast enough
to fill a database with a million of them (bulk inserts in batches, nothing held
beyond one batch).

Each report gets a history made by walking the transition table (timeline.py), so
its events replay to its row and its deadlines are those the services would have
set. Older reports are mostly closed; recent ones are open in every state. One
story from the source material is always there: Pemerintah Kota Cirebon received
134 reports in 2020 and followed up every one within 5 working days."""

import bisect
import itertools
import math
import random
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.demo import texts
from aduan.demo.timeline import NATIONAL, History, Route, Target, Walk, fill, walk
from aduan.lib.crypto import lookup_hash
from aduan.lib.db import planner_statistics_refresh
from aduan.lib.errors import NotPermitted
from aduan.reference.services import NATIONAL_ADMIN_CODE, local_government_code
from aduan.regions import codes
from aduan.regions.models import Region
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports.deadlines import Clock, policy_for
from aduan.reports.models import Channel, DeadlinePolicy, Report, ReportEvent, ReportType
from aduan.reports.tracking import check_digit
from aduan.routing.selectors import RoutingTable

BATCH_SIZE = 2_000
SEED = 1708

JAKARTA = ZoneInfo("Asia/Jakarta")
FIRST_DAY = datetime(2020, 1, 1, tzinfo=JAKARTA)

# The source's story (DESIGN.md §1): Kota Cirebon, 2020, 134 reports, all followed up.
STORY_REGENCY = "32.74"
STORY_AGENCY = local_government_code(STORY_REGENCY)
STORY_COUNT = 134
STORY_YEAR_END = datetime(2021, 1, 1, tzinfo=JAKARTA)

TYPES = (ReportType.COMPLAINT, ReportType.ASPIRATION, ReportType.INFORMATION_REQUEST)
TYPE_WEIGHTS = (75, 15, 10)
CHANNELS = (Channel.WEB, Channel.APP, Channel.SMS, Channel.X, Channel.EMAIL, Channel.COUNTER)
CHANNEL_WEIGHTS = (34, 30, 16, 8, 9, 3)
# Reporters who come back: the share of reports by someone who reported before.
RETURNING = 0.25
RECENT_REPORTERS = 5_000
IDENTITY_KINDS: dict[str, str] = {
    Channel.SMS: ChannelIdentity.Kind.PHONE,
    Channel.EMAIL: ChannelIdentity.Kind.EMAIL,
    Channel.X: ChannelIdentity.Kind.X,
}
# Local hours at which people report: evenings and mornings, rarely at night.
HOURS = tuple(range(24))
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 8, 7, 7, 7, 7, 7, 7, 8, 9, 9, 7, 4, 2)


# -- what the generator reads once ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    label: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class Regency:
    code: str
    name: str
    zone: ZoneInfo
    latitude: float | None
    longitude: float | None
    population: int
    places: tuple[Place, ...]


class DemoBook:
    """Deadline policies and agency clocks, each read from the database once: the
    services read them for every action, which a million reports cannot afford."""

    def __init__(self) -> None:
        self.national_agency_id = Agency.objects.get(code=NATIONAL_ADMIN_CODE).pk
        self._effective = sorted(
            set(DeadlinePolicy.objects.values_list("effective_from", flat=True))
        )
        self._policies: dict[tuple[str, int | None, date], DeadlinePolicy] = {}
        self._clocks: dict[int, Clock] = {}

    def policy(self, report: Report, at: datetime) -> DeadlinePolicy:
        # The rows in force change only on an effective date, so one lookup per
        # (type, category, period) gives what policy_for gives on every day of it.
        on = at.date()
        index = bisect.bisect_right(self._effective, on)
        period = self._effective[index - 1] if index else on
        key = (report.type, report.category_id, period)
        if key not in self._policies:
            self._policies[key] = policy_for(
                report_type=report.type, category_id=report.category_id, on=period
            )
        return self._policies[key]

    def clock(self, agency_id: int | None) -> Clock:
        if agency_id is None:
            return NATIONAL
        if agency_id not in self._clocks:
            agency = Agency.objects.select_related("region").get(pk=agency_id)
            self._clocks[agency_id] = Clock.for_agency(agency)
        return self._clocks[agency_id]


@dataclass
class World:
    """Regions, categories and the routing table, read once. Routes come from the
    routing table's suggestion (as routing_suggest gives it), cached per category,
    regency and type."""

    regencies: list[Regency]
    cumulative_population: list[int]
    category_ids: dict[str, int]
    local_agencies: dict[str, int]
    book: DemoBook
    routing: RoutingTable
    routes: dict[tuple[int, str, str], Route] = field(default_factory=dict)
    # What the story's reports are about: (type, template) routed to Kota Cirebon.
    story_templates: list[tuple[str, texts.Template]] = field(default_factory=list)

    def regency(self, code: str) -> Regency:
        return next(r for r in self.regencies if r.code == code)

    def route(self, category_id: int, regency: str, report_type: str) -> Route:
        key = (category_id, regency, report_type)
        if key not in self.routes:
            self.routes[key] = self._route(category_id, regency, report_type)
        return self.routes[key]

    def _route(self, category_id: int, regency: str, report_type: str) -> Route:
        suggestion = self.routing.suggest(
            category_id=category_id, region_code=regency, report_type=report_type
        )
        if suggestion is None:
            return Route(target=None)
        agency = suggestion.agency
        target = Target(agency.pk, suggestion.unit.pk if suggestion.unit else None)
        # A hasty disposition sends a regency's matter to the province, and a
        # central body's or a province's to the regency; they bounce it.
        wrong_code = local_government_code(
            regency[:2] if agency.kind in (Agency.Kind.REGENCY, Agency.Kind.CITY) else regency
        )
        wrong_id = self.local_agencies.get(wrong_code)
        wrong = Target(wrong_id, None) if wrong_id and wrong_id != agency.pk else None
        return Route(target=target, wrong=wrong)


def world_load() -> World:
    """Everything the generator reads: a few queries, ~90,000 region rows."""
    places = _places()
    regencies = [
        Regency(
            code=region.code,
            name=region.name,
            zone=region.zone_info,
            latitude=region.latitude,
            longitude=region.longitude,
            population=region.population or 1,
            places=tuple(places.get(region.code, ())),
        )
        for region in Region.objects.filter(level=codes.REGENCY).order_by("code")
    ]
    local = Agency.objects.filter(
        kind__in=[Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY], is_active=True
    )
    return World(
        regencies=regencies,
        cumulative_population=list(itertools.accumulate(r.population for r in regencies)),
        category_ids=dict(Category.objects.values_list("code", "id")),
        local_agencies=dict(local.values_list("code", "id")),
        book=DemoBook(),
        routing=RoutingTable.load(),
    )


def _places() -> dict[str, list[Place]]:
    """The districts and villages of every regency, named as people write them."""
    places: dict[str, list[Place]] = {}
    districts: dict[str, str] = {}
    rows = (
        Region.objects.filter(level__in=[codes.DISTRICT, codes.VILLAGE])
        .order_by("code")  # a district before its villages
        .values_list("code", "name", "level", "latitude", "longitude")
    )
    for code, name, level, latitude, longitude in rows.iterator(chunk_size=10_000):
        if level == codes.DISTRICT:
            districts[code] = name
            label = f"Kecamatan {name}"
        else:
            kind = "Kelurahan" if code[-4] == "1" else "Desa"
            label = f"{kind} {name}, Kecamatan {districts.get(code[:8], '')}"
        places.setdefault(code[:5], []).append(Place(code, label, latitude, longitude))
    return places


# -- one report -------------------------------------------------------------------


@dataclass
class Draft:
    """A report with its history, and the reporter (and identity) to create with it."""

    history: History
    reporter: Reporter | None = None
    identity: ChannelIdentity | None = None

    @property
    def report(self) -> Report:
        return self.history.report


def tracking_number_draw(rng: random.Random) -> str:
    """Nine digits from the seeded generator, the first never 0, and the Damm check
    digit, as aduan.reports.tracking makes them (but reproducible)."""
    body = str(rng.randrange(10**8, 10**9))
    return body + check_digit(body)


def submitted_at_draw(rng: random.Random, now: datetime, zone: ZoneInfo) -> datetime:
    """A moment from 2020 to now, more recent ones more likely (the density grows
    fivefold over the span), at an hour people report."""
    share = (math.sqrt(1 + 24 * rng.random()) - 1) / 4  # inverse of the CDF (t + 2t²) / 3
    day = (FIRST_DAY + (now - FIRST_DAY) * share).astimezone(zone).date()
    hour = rng.choices(HOURS, HOUR_WEIGHTS)[0]
    moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), zone)
    return min(moment, now - timedelta(minutes=rng.randint(1, 30))).astimezone(UTC)


def _story_submitted_at(rng: random.Random) -> datetime:
    # Early enough in 2020 that disposition and follow-up fall in the same year.
    day = date(2020, 1, 2) + timedelta(days=rng.randrange(350))
    moment = time(rng.randint(6, 21), rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, moment, JAKARTA).astimezone(UTC)


def _template(rng: random.Random, report_type: str) -> texts.Template:
    if report_type == ReportType.ASPIRATION:
        return rng.choice(texts.ASPIRATIONS)
    if report_type == ReportType.INFORMATION_REQUEST:
        return rng.choice(texts.INFORMATION_REQUESTS)
    topic = rng.choices(_TOPICS, _TOPIC_WEIGHTS)[0]
    return rng.choice(_COMPLAINTS_BY_TOPIC[topic])


_TOPICS = tuple(texts.COMPLAINT_WEIGHTS)
_TOPIC_WEIGHTS = tuple(texts.COMPLAINT_WEIGHTS.values())


def _by_topic(templates: Sequence[texts.Template]) -> dict[str, list[texts.Template]]:
    grouped: dict[str, list[texts.Template]] = {}
    for template in templates:
        grouped.setdefault(template.category.split(".")[0], []).append(template)
    return grouped


_COMPLAINTS_BY_TOPIC = _by_topic(texts.COMPLAINTS)


def _regency_draw(rng: random.Random, world: World) -> Regency:
    """A regency or city weighted by its population."""
    pick = rng.randrange(world.cumulative_population[-1])
    return world.regencies[bisect.bisect_right(world.cumulative_population, pick)]


def _draft(
    rng: random.Random, world: World, reporters: "ReporterPool", *, now: datetime, story: bool
) -> Draft:
    if story:
        regency = world.regency(STORY_REGENCY)
        report_type, template = rng.choice(world.story_templates)
        submitted = _story_submitted_at(rng)
    else:
        report_type = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        template = _template(rng, report_type)
        regency = _regency_draw(rng, world)
        submitted = submitted_at_draw(rng, now, regency.zone)
        # Only the story's 134 reports are Kota Cirebon's in 2020.
        while regency.code == STORY_REGENCY and submitted < STORY_YEAR_END:
            submitted = submitted_at_draw(rng, now, regency.zone)
    category_id = world.category_ids[template.category]
    route = world.route(category_id, regency.code, report_type)
    report = _report(rng, template, regency, report_type, category_id, route, story=story)
    draft = Draft(History(report, world.book))
    reporters.assign(rng, draft)
    role = "national_admin" if report.channel == Channel.COUNTER else "citizen"
    draft.history.submit(submitted, role=role)
    if report_type == ReportType.COMPLAINT:  # what happened, days before it was reported
        local_day = submitted.astimezone(regency.zone).date()
        report.incident_date = local_day - timedelta(days=rng.choice((0, 0, 1, 2, 3, 7, 14)))
    walk(draft.history, Walk(rng=rng, now=now, route=route, story=story))
    return draft


def _report(
    rng: random.Random,
    template: texts.Template,
    regency: Regency,
    report_type: str,
    category_id: int,
    route: Route,
    *,
    story: bool,
) -> Report:
    place = rng.choice(regency.places) if regency.places else None
    where = place.label if place else regency.name
    slots = {"wilayah": where, "kota": regency.name}
    latitude = (place and place.latitude) or regency.latitude
    longitude = (place and place.longitude) or regency.longitude
    hint = None
    if route.target is not None and rng.random() < 0.12:
        hint = route.target.agency_id
    channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
    return Report(
        tracking_number=tracking_number_draw(rng),
        type=report_type,
        title=fill(rng, template.title, **slots)[:150],
        body=fill(rng, template.body, **slots),
        category_id=category_id,
        region_id=place.code if place else regency.code,
        latitude=None if latitude is None else round(latitude + rng.uniform(-0.01, 0.01), 6),
        longitude=None if longitude is None else round(longitude + rng.uniform(-0.01, 0.01), 6),
        address=fill(rng, "{jalan} No. {nomor}, ", **slots) + where if place else "",
        agency_hint_id=hint,
        channel=channel,
        is_anonymous=not story and rng.random() < 0.10,
        is_confidential=not story and rng.random() < 0.05,
    )


class ReporterPool:
    """Who reports: mostly someone new, sometimes someone who reported before on
    the same kind of channel (a phone number that texted 1708 before)."""

    def __init__(self) -> None:
        self._recent: dict[str, deque[Reporter]] = {}

    def assign(self, rng: random.Random, draft: Draft) -> None:
        report = draft.report
        kind = IDENTITY_KINDS.get(report.channel, "")
        recent = self._recent.setdefault(kind, deque(maxlen=RECENT_REPORTERS))
        if recent and rng.random() < RETURNING:
            report.reporter = rng.choice(recent)
            return
        first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
        reporter = Reporter(name=f"{first} {last}".strip())
        report.reporter = draft.reporter = reporter
        if kind:
            draft.identity = _identity(rng, reporter, kind, first, last)
        recent.append(reporter)


def _identity(
    rng: random.Random, reporter: Reporter, kind: str, first: str, last: str
) -> ChannelIdentity:
    value = identity_value_draw(rng, kind, first, last)
    return ChannelIdentity(
        reporter=reporter, kind=kind, value=value, value_hash=lookup_hash(kind, value)
    )


def identity_value_draw(rng: random.Random, kind: str, first: str, last: str) -> str:
    """An identity already in normalised form: E.164 for a phone (a mobile number of
    an Indonesian operator), lower case for e-mail and X. Drawn from spaces of 10⁸
    values or more, so that a clash is rare and another draw ends it."""
    if kind == ChannelIdentity.Kind.PHONE:
        return f"+628{rng.choice('1235789')}{rng.randrange(10**8, 10**9)}"
    number = rng.randrange(10, 100_000)
    if kind == ChannelIdentity.Kind.EMAIL:
        return f"{first}.{last or 'warga'}{number}@example.com".lower()
    return f"{first[:7]}{last[:3]}{number}".lower()  # X allows 15 characters


def reports_generate(
    world: World, *, seed: int, existing: int, count: int, story: int, now: datetime
) -> Iterator[Draft]:
    """``count`` drafts, the first ``story`` of them Kota Cirebon's 2020 reports.
    Only rng draws and cached reads: the same seed and database give the same
    reports. ``existing`` makes a top-up run continue rather than repeat."""
    rng = random.Random(f"{seed}:{existing}")  # noqa: S311 - reproducible demo data
    _story_prepare(world)
    reporters = ReporterPool()
    for index in range(count):
        yield _draft(rng, world, reporters, now=now, story=index < story)


def _story_prepare(world: World) -> None:
    """The report types and templates that the routing table sends to Pemerintah
    Kota Cirebon itself, for the story's reports."""
    agency_id = world.local_agencies[STORY_AGENCY]
    choices: list[tuple[str, texts.Template]] = [
        (report_type, template)
        for report_type, pool in (
            (ReportType.COMPLAINT, texts.COMPLAINTS),
            (ReportType.ASPIRATION, texts.ASPIRATIONS),
            (ReportType.INFORMATION_REQUEST, texts.INFORMATION_REQUESTS),
        )
        for template in pool
        if (
            target := world.route(
                world.category_ids[template.category], STORY_REGENCY, report_type
            ).target
        )
        is not None
        and target.agency_id == agency_id
    ]
    world.story_templates = choices


# -- writing ------------------------------------------------------------------------


def _batches(drafts: Iterator[Draft], size: int) -> Iterator[list[Draft]]:
    while batch := list(itertools.islice(drafts, size)):
        yield batch


def _unique_tracking_numbers(batch: Sequence[Draft], rng: random.Random) -> None:
    """Draw again for a number taken in this batch or already in the database (a
    top-up run, or reports made through the services)."""
    taken = set(
        Report.objects.filter(
            tracking_number__in=[d.report.tracking_number for d in batch]
        ).values_list("tracking_number", flat=True)
    )
    for draft in batch:
        while draft.report.tracking_number in taken:
            number = tracking_number_draw(rng)
            if not Report.objects.filter(tracking_number=number).exists():
                draft.report.tracking_number = number
        taken.add(draft.report.tracking_number)


def _unique_identities(identities: list[ChannelIdentity], rng: random.Random) -> None:
    hashes = [i.value_hash for i in identities]
    taken = set(
        ChannelIdentity.objects.filter(value_hash__in=hashes).values_list("kind", "value_hash")
    )
    for identity in identities:
        while (identity.kind, identity.value_hash) in taken:
            value = identity_value_draw(rng, identity.kind, rng.choice(texts.FIRST_NAMES), "")
            digest = lookup_hash(identity.kind, value)
            if not ChannelIdentity.objects.filter(kind=identity.kind, value_hash=digest).exists():
                identity.value, identity.value_hash = value, digest
        taken.add((identity.kind, identity.value_hash))


def _write(batch: Sequence[Draft], rng: random.Random) -> None:
    """One batch in one transaction: reporters and their identities by bulk_create,
    then the reports (with ids reserved for them) and their events."""
    with transaction.atomic():
        _unique_tracking_numbers(batch, rng)
        reporters = [d.reporter for d in batch if d.reporter is not None]
        Reporter.objects.bulk_create(reporters)
        identities = [d.identity for d in batch if d.identity is not None]
        _unique_identities(identities, rng)
        ChannelIdentity.objects.bulk_create(identities)
        for draft, report_id in zip(batch, _reserve_ids(Report, len(batch)), strict=True):
            draft.report.pk = report_id
            draft.report.reporter_id = draft.report.reporter.pk  # saved just now, or before
            for event in draft.history.events:
                event.report_id = report_id
        _insert(Report, [d.report for d in batch])
        _insert(ReportEvent, [event for draft in batch for event in draft.history.events])


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for rows about to be inserted, so that their events can refer to them
    without the insert returning them. Inside the batch's transaction: SQLite holds
    the write lock from BEGIN (IMMEDIATE), PostgreSQL hands out sequence values."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - model's name
        (last,) = cursor.fetchone()
    return list(range(last + 1, last + 1 + count))


def _insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """A bulk insert that returns nothing. bulk_create spends 100–250 µs a row here
    assembling one huge statement (and returning ids); one statement run for every
    row costs a fifth of that or less, which is what brings 100,000 reports with
    their events under two minutes. Values are prepared by the fields themselves, as
    bulk_create prepares them; ``auto_now`` fields get their value as in save()."""
    columns = [
        column
        for column in model._meta.concrete_fields
        if not column.primary_key or objects[0].pk is not None
    ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(column.column or column.name) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    rows = [
        [column.get_db_prep_save(column.pre_save(obj, True), connection) for column in columns]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _story_existing() -> int:
    return Report.objects.filter(
        agency__code=STORY_AGENCY,
        submitted_at__gte=FIRST_DAY,
        submitted_at__lt=STORY_YEAR_END,
    ).count()


def demo_reports_create(*, count: int, seed: int = SEED, progress: bool = False) -> int:
    """Top the database up to ``count`` reports (demo mode only); how many were made.
    Nothing is made when it already holds that many."""
    if not settings.DEMO_MODE:
        raise NotPermitted(_("Laporan demo hanya dibuat dalam mode demo."), code="not_demo_mode")
    existing = Report.objects.count()
    missing = count - existing
    if missing <= 0:
        return 0
    story = 0
    if count >= STORY_COUNT:
        story = min(missing, max(0, STORY_COUNT - _story_existing()))
    world = world_load()
    drafts = reports_generate(
        world, seed=seed, existing=existing, count=missing, story=story, now=timezone.now()
    )
    fixes = random.Random(f"{seed}:{existing}:fixes")  # noqa: S311 - reproducible demo data
    with tqdm(total=missing, unit=" reports", desc="Demo reports", disable=not progress) as bar:
        for batch in _batches(drafts, BATCH_SIZE):
            _write(batch, fixes)
            bar.update(len(batch))
    planner_statistics_refresh(Report, ReportEvent, Reporter, ChannelIdentity)
    return missing

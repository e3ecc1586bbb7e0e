"""Demo reports: realistic, Indonesian, reproducible from a seed, and fast enough
to fill a database with a million of them (bulk inserts in batches, nothing held
beyond one batch).

Each report gets a history made by walking the transition table (timeline.py), so
its events replay to its row and its deadlines are those the services would have
set. Older reports are mostly closed; recent ones are open in every state.

A report reads true: its title, text, category, place and answers agree (a template
belongs to one category; the street, landmark and place are drawn once and used
everywhere; handlers answer in their kind of work). The noise is realistic: some
citizens pick a wrong category, which the verifier corrects; some report a case
already filed, merged as a duplicate; popular public reports gather supports and
comments.

One story from the source material is always there, and earned: Pemerintah Kota
Cirebon received 134 reports in 2020 and followed up every one within 5 working
days, and it comes first among peers of Jawa Barat that had enough reports that
year to be ranked, each at its own pace."""

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

from aduan.accounts.models import User
from aduan.agencies.codes import NATIONAL_ADMIN_CODE, local_government_code
from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.community.models import Comment, Support
from aduan.demo import texts
from aduan.demo.timeline import (
    NATIONAL,
    PROMPT,
    Correction,
    History,
    Pace,
    Route,
    Target,
    Walk,
    fill,
    walk,
)
from aduan.lib.crypto import lookup_hash
from aduan.lib.db import planner_statistics_refresh
from aduan.lib.errors import NotPermitted
from aduan.lib.text import title_from_text
from aduan.regions import codes
from aduan.regions.models import Region
from aduan.reporters.models import ChannelIdentity, Reporter
from aduan.reports import search
from aduan.reports.deadlines import Clock, policy_for
from aduan.reports.models import (
    Action,
    Channel,
    DeadlinePolicy,
    Report,
    ReportEvent,
    ReportType,
    State,
)
from aduan.reports.policy import PUBLIC_STATES
from aduan.reports.services import change_line
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


@dataclass(frozen=True, slots=True)
class Story:
    """A regency's or city's government with ``count`` reports in 2020, handled at
    its ``pace``: enough for it to be ranked (settings.STATS_MIN_REPORTS)."""

    regency: str
    count: int
    pace: Pace


# Kota Cirebon and peers of Jawa Barat, each slower than it in its own way: the
# ranking of 2020 has more than one entry, and Kota Cirebon leads it on the merits.
STORIES = (
    Story(STORY_REGENCY, STORY_COUNT, PROMPT),
    Story("32.73", 40, Pace(((70, 0, 3), (20, 4, 6), (10, 7, 12)), on_time=0.8)),  # Kota Bandung
    Story("32.77", 16, Pace(((60, 0, 4), (30, 5, 7), (10, 8, 10)), on_time=0.75)),  # Kota Cimahi
    Story("32.75", 25, Pace(((50, 0, 4), (30, 5, 8), (20, 9, 15)), on_time=0.7)),  # Kota Bekasi
    Story("32.04", 30, Pace(((40, 0, 4), (35, 5, 9), (20, 10, 20), (5, -1, -1)), on_time=0.6)),
    Story("32.09", 20, Pace(((35, 0, 5), (40, 6, 10), (25, 11, 20)), on_time=0.5)),
    Story("32.01", 35, Pace(((25, 0, 4), (35, 5, 10), (30, 11, 25), (10, -1, -1)), on_time=0.45)),
)
STORY_TOTAL = sum(story.count for story in STORIES)
# The story's reports, in the order they are made: Kota Cirebon's first.
STORY_SLOTS = tuple(story for story in STORIES for _ in range(story.count))

# Noise: citizens who pick a wrong category, cases reported twice, and the public's
# supports and comments (a few popular reports gather most of them).
WRONG_CATEGORY = 0.08
DUPLICATES = 0.03
RECENT_ORIGINALS = 300
SUPPORTERS = 200
SUPPORTER_PREFIX = "warga.demo."
POPULARITY = ((70, 0, 0), (20, 1, 3), (8, 4, 12), (2, 13, 40))

TYPES = (ReportType.COMPLAINT, ReportType.ASPIRATION, ReportType.INFORMATION_REQUEST)
TYPE_WEIGHTS = (75, 15, 10)
CHANNELS = (Channel.WEB, Channel.APP, Channel.SMS, Channel.X, Channel.EMAIL, Channel.COUNTER)
CHANNEL_WEIGHTS = (34, 30, 16, 8, 9, 3)
# Reporters who come back: the share of reports by someone who reported before.
RETURNING = 0.25
RECENT_REPORTERS = 5_000
# Doors that bring text only: the verifier completes the report (_arrived_bare).
BARE_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL, Channel.X})
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
    category_names: dict[int, str]
    # Every regency's, district's and village's name, by code.
    region_names: dict[str, str]
    local_agencies: dict[str, int]
    book: DemoBook
    routing: RoutingTable
    routes: dict[tuple[int, str, str], Route] = field(default_factory=dict)
    # What each story's reports are about: (type, template) routed to the regency's
    # government itself.
    story_templates: dict[str, list[tuple[str, texts.Template]]] = field(default_factory=dict)

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
    places, region_names = _places()
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
    categories = list(Category.objects.values_list("code", "id", "name"))
    return World(
        regencies=regencies,
        cumulative_population=list(itertools.accumulate(r.population for r in regencies)),
        category_ids={code: pk for code, pk, _name in categories},
        category_names={pk: name for _code, pk, name in categories},
        region_names={**region_names, **{r.code: r.name for r in regencies}},
        local_agencies=dict(local.values_list("code", "id")),
        book=DemoBook(),
        routing=RoutingTable.load(),
    )


def _places() -> tuple[dict[str, list[Place]], dict[str, str]]:
    """The districts and villages of every regency, named as people write them,
    and each one's name by code."""
    places: dict[str, list[Place]] = {}
    names: dict[str, str] = {}
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
        names[code] = name
    return places, names


# -- one report -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    type: str
    region_id: str
    address: str
    latitude: float | None
    longitude: float | None


@dataclass
class Draft:
    """A report with its history, and the reporter (and identity) to create with it."""

    history: History
    # What the case is, whatever the report arrived with (SMS, e-mail and X
    # bring text only): its type and place, which a duplicate repeats.
    case: Case
    reporter: Reporter | None = None
    identity: ChannelIdentity | None = None
    template: texts.Template | None = None
    # The report this one repeats (merged into it at verification).
    original: "Draft | None" = None
    # The public's voice: (supporter's index in the pool, when) and (…, text, when).
    supports: list[tuple[int, datetime]] = field(default_factory=list)
    comments: list[tuple[int, str, datetime]] = field(default_factory=list)

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
    rng: random.Random,
    world: World,
    reporters: "ReporterPool",
    *,
    now: datetime,
    story: Story | None,
    original: Draft | None = None,
) -> Draft:
    correction = None
    if original is not None:  # the same case, seen by someone else a little later
        assert original.case is not None
        report_type, template = original.case.type, _template_like(rng, original)
        regency = world.regency(original.case.region_id[:5])
        submitted = original.report.submitted_at + timedelta(hours=rng.randint(2, 240))
    elif story is not None:
        regency = world.regency(story.regency)
        report_type, template = rng.choice(world.story_templates[story.regency])
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
    report, words = _report(rng, template, regency, report_type, category_id, route, story=story)
    if original is not None:  # the same place, in other words
        _same_place(report, original.case)
        words = {**words, **original.history.words}
        report.title = fill(rng, template.title, **words)[:150]
        report.body = fill(rng, template.body, **words)
    case = Case(
        report.type, str(report.region_id), report.address, report.latitude, report.longitude
    )
    wrong = story is None and original is None and rng.random() < WRONG_CATEGORY
    if wrong and report.channel not in BARE_CHANNELS:
        # The citizen files it under a wrong category; the verifier corrects it.
        picked = world.category_ids[texts.mistake(template.category)]
        names = world.category_names
        line = change_line(_("Kategori"), names[picked], names[category_id])
        correction = Correction({"category_id": category_id}, line)
        report.category_id = picked
    if report.channel in BARE_CHANNELS:
        correction = _arrived_bare(world, report, category_id, case.region_id)
    history = History(
        report, world.book, wording=texts.wording(template.category, report_type), words=words
    )
    draft = Draft(history, case, template=template, original=original)
    reporters.assign(rng, draft)
    role = "national_admin" if report.channel == Channel.COUNTER else "citizen"
    draft.history.submit(submitted, role=role)
    if report_type == ReportType.COMPLAINT:  # what happened, days before it was reported
        local_day = submitted.astimezone(regency.zone).date()
        report.incident_date = local_day - timedelta(days=rng.choice((0, 0, 1, 2, 3, 7, 14)))
    plan = Walk(
        rng=rng,
        now=now,
        route=route,
        story=story.pace if story else None,
        duplicate=original is not None,
        correction=correction,
    )
    walk(draft.history, plan)
    _community(rng, draft, now)
    return draft


def _arrived_bare(world: World, report: Report, category_id: int, region_id: str) -> Correction:
    """An SMS, e-mail or X post as the intake makes it: a complaint with a title
    from its text (an e-mail's subject is its title), no category, region, point,
    address or agency hint; what the verifier sets from the text, as
    report_classify would."""
    names = world.category_names
    lines = []
    changes: dict[str, object] = {}
    if report.type != ReportType.COMPLAINT:
        changes["type"] = report.type
        lines.append(change_line(_("Jenis"), ReportType.COMPLAINT.label, report.get_type_display()))
        report.type = ReportType.COMPLAINT
    changes["category_id"] = category_id
    lines.append(change_line(_("Kategori"), "—", names[category_id]))
    changes["region_id"] = region_id
    place = f"{world.region_names[region_id]} ({region_id})"
    lines.append(change_line(_("Wilayah"), "—", place))
    if report.channel != Channel.EMAIL:
        arrived = title_from_text(report.body)
        if arrived != report.title:
            changes["title"] = report.title
            lines.append(change_line(_("Judul"), arrived, report.title))
        report.title = arrived
    report.category_id = report.region_id = report.agency_hint_id = None
    report.latitude = report.longitude = None
    report.address = ""
    return Correction(changes, "\n".join(str(line) for line in lines))


def _template_like(rng: random.Random, original: Draft) -> texts.Template:
    """Another citizen's words for the same case: a template of the same category."""
    assert original.template is not None
    pool = _TEMPLATES_BY_CATEGORY[(original.case.type, original.template.category)]
    return rng.choice(pool)


_TEMPLATES_BY_CATEGORY: dict[tuple[str, str], list[texts.Template]] = {}
for _type, _pool in (
    (ReportType.COMPLAINT, texts.COMPLAINTS),
    (ReportType.ASPIRATION, texts.ASPIRATIONS),
    (ReportType.INFORMATION_REQUEST, texts.INFORMATION_REQUESTS),
):
    for _each in _pool:
        _TEMPLATES_BY_CATEGORY.setdefault((_type, _each.category), []).append(_each)


def _same_place(report: Report, original: Case) -> None:
    report.region_id, report.address = original.region_id, original.address
    report.latitude, report.longitude = original.latitude, original.longitude


def _community(rng: random.Random, draft: Draft, now: datetime) -> None:
    """Supports and comments on a report the public sees, from the day it was
    verified: most get none, a few popular ones many (one per account)."""
    report = draft.report
    if report.is_confidential or report.state not in PUBLIC_STATES:
        return
    public_from = next(e.created_at for e in draft.history.events if e.action == Action.DISPOSE)
    span = min(now, public_from + timedelta(days=45)) - public_from
    count = _spread(rng, POPULARITY)
    for supporter in rng.sample(range(SUPPORTERS), count):
        draft.supports.append((supporter, public_from + span * rng.random()))
    report.support_count = count
    if count >= 4:
        for supporter in rng.sample(range(SUPPORTERS), rng.randint(1, min(6, count // 3 + 1))):
            when = public_from + span * rng.random()
            draft.comments.append((supporter, rng.choice(texts.COMMENTS), when))


def _spread(rng: random.Random, spans: tuple[tuple[int, int, int], ...]) -> int:
    low, high = rng.choices([(lo, hi) for _w, lo, hi in spans], [w for w, *_ in spans])[0]
    return rng.randint(low, high)


def _report(
    rng: random.Random,
    template: texts.Template,
    regency: Regency,
    report_type: str,
    category_id: int,
    route: Route,
    *,
    story: Story | None,
) -> tuple[Report, dict[str, str]]:
    """The report's row, and the words its texts were filled with."""
    place = rng.choice(regency.places) if regency.places else None
    where = place.label if place else regency.name
    # One street, one landmark, … per report: drawn once, used in every text of it.
    words = {name: rng.choice(choices) for name, choices in _WORDS.items()}
    slots = {**words, "wilayah": where, "kota": regency.name}
    latitude = (place and place.latitude) or regency.latitude
    longitude = (place and place.longitude) or regency.longitude
    hint = None
    if route.target is not None and rng.random() < 0.12:
        hint = route.target.agency_id
    channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
    told = story is not None and story.regency == STORY_REGENCY
    report = Report(
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
        # Kota Cirebon's story reports are public: its report card shows them.
        is_anonymous=not told and rng.random() < 0.10,
        is_confidential=not told and rng.random() < 0.05,
    )
    return report, slots


_WORDS: dict[str, tuple[str, ...]] = {
    "jalan": texts.STREETS,
    "tempat": texts.PLACES,
    "sejak": texts.SINCE,
    "jumlah": texts.AMOUNTS,
    "jam": texts.TIMES,
    "nomor": tuple(str(n) for n in range(2, 10)),
}


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
    """``count`` drafts, the first ``story`` of them the story's 2020 reports (Kota
    Cirebon's 134 first, then its peers'). Only rng draws and cached reads: the same
    seed and database give the same reports. ``existing`` makes a top-up run
    continue rather than repeat."""
    rng = random.Random(f"{seed}:{existing}")  # noqa: S311 - reproducible demo data
    _story_prepare(world)
    reporters = ReporterPool()
    originals: deque[Draft] = deque(maxlen=RECENT_ORIGINALS)
    for index in range(count):
        if index < story:
            yield _draft(rng, world, reporters, now=now, story=STORY_SLOTS[index])
            continue
        original = _original_draw(rng, originals, now) if rng.random() < DUPLICATES else None
        draft = _draft(rng, world, reporters, now=now, story=None, original=original)
        if original is None and draft.report.state != State.ARCHIVED:
            originals.append(draft)
        yield draft


def _original_draw(rng: random.Random, originals: deque[Draft], now: datetime) -> Draft | None:
    """A recent report that someone else is about to report again; None when there
    is none, or it is too recent for a second report before ``now``."""
    if not originals:
        return None
    original = rng.choice(originals)
    if original.report.submitted_at > now - timedelta(days=11):
        return None
    return original


def _story_prepare(world: World) -> None:
    """For each story, the report types and templates that the routing table sends
    to that regency's or city's government itself."""
    pools = (
        (ReportType.COMPLAINT, texts.COMPLAINTS),
        (ReportType.ASPIRATION, texts.ASPIRATIONS),
        (ReportType.INFORMATION_REQUEST, texts.INFORMATION_REQUESTS),
    )
    for story in STORIES:
        agency_id = world.local_agencies[local_government_code(story.regency)]
        world.story_templates[story.regency] = [
            (report_type, template)
            for report_type, pool in pools
            for template in pool
            if (
                target := world.route(
                    world.category_ids[template.category], story.regency, report_type
                ).target
            )
            is not None
            and target.agency_id == agency_id
        ]


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


def _write(batch: Sequence[Draft], rng: random.Random, supporters: Sequence[int]) -> None:
    """One batch in one transaction: reporters and their identities by bulk_create,
    then the reports (with ids reserved for them), their events, supports and
    comments."""
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
        for draft in batch:  # an original comes before its duplicates: it has its id
            if draft.original is not None:
                draft.report.duplicate_of_id = draft.original.report.pk
        _insert(Report, [d.report for d in batch])
        _insert(ReportEvent, [event for draft in batch for event in draft.history.events])
        supports = [
            Support(report_id=d.report.pk, user_id=supporters[who], created_at=at)
            for d in batch
            for who, at in d.supports
        ]
        if supports:
            _insert(Support, supports)
        comments = [
            Comment(report_id=d.report.pk, author_id=supporters[who], body=text, created_at=at)
            for d in batch
            for who, text, at in d.comments
        ]
        if comments:
            _insert(Comment, comments)


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


def _supporters() -> list[int]:
    """The citizens' accounts that support and comment on demo reports: made once
    (no password: nobody signs in as them), in a fixed order."""
    names = [f"{SUPPORTER_PREFIX}{number:03d}" for number in range(1, SUPPORTERS + 1)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    missing: list[User] = []
    for name in names:
        if name not in have:
            first, last = texts.FIRST_NAMES[len(missing) % len(texts.FIRST_NAMES)], ""
            user = User(username=name, role=User.Role.CITIZEN, first_name=first, last_name=last)
            user.set_unusable_password()
            missing.append(user)
    User.objects.bulk_create(missing)
    ids = dict(User.objects.filter(username__in=names).values_list("username", "id"))
    return [ids[name] for name in names]


def demo_reports_create(
    *, count: int, seed: int = SEED, progress: bool = False, now: datetime | None = None
) -> int:
    """Top the database up to ``count`` reports (demo mode only); how many were made.
    Nothing is made when it already holds that many. ``now`` is the moment the
    histories run up to (the same seed and moment give the same rows)."""
    if not settings.DEMO_MODE:
        raise NotPermitted(_("Laporan demo hanya dibuat dalam mode demo."), code="not_demo_mode")
    existing = Report.objects.count()
    missing = count - existing
    if missing <= 0:
        return 0
    story = 0
    if count >= STORY_COUNT and not _story_existing():  # the story is told once, first
        story = min(missing, STORY_TOTAL)
    world = world_load()
    supporters = _supporters()
    drafts = reports_generate(
        world, seed=seed, existing=existing, count=missing, story=story, now=now or timezone.now()
    )
    fixes = random.Random(f"{seed}:{existing}:fixes")  # noqa: S311 - reproducible demo data
    with tqdm(total=missing, unit=" reports", desc="Demo reports", disable=not progress) as bar:
        for batch in _batches(drafts, BATCH_SIZE):
            _write(batch, fixes, supporters)
            bar.update(len(batch))
    planner_statistics_refresh(
        Report, ReportEvent, Reporter, ChannelIdentity, Support, Comment, *search.index_tables()
    )
    return missing

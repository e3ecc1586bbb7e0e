"""Duplicates that are duplicates (DESIGN.md §7, "Triage learns"; docs/triage.md).

Two steps. The search index finds the reports that share the most words with this
one — its own words as an OR query, ranked by the database (FTS5's bm25 on SQLite,
``ts_rank`` on the ``indonesian`` tsvector on PostgreSQL) — among those the actor may
see, in any state but archived, within a window of days around it and, when its
region is known, in its regency or city, a neighbouring one, or without a region
yet (SMS, e-mail and X reports before verification). Then each is scored on what
makes two reports one case: the words they share, how near they are (the same
village, district, regency, the regency next door; metres when both have a point),
how close in time, and the category. The weights were fitted by logistic
regression on the demo history's merged pairs (``bench/duplicates.py --fit``) and
are checked there against the pairs admins label ("bukan duplikat" and merges).
"""

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import BigIntegerField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.lib.errors import InvalidInput
from aduan.lib.memo import reference_memo
from aduan.regions.models import Region
from aduan.regions.selectors import distance_km
from aduan.reports.models import DuplicatePair, PairLabel, Report, State
from aduan.reports.policy import PUBLIC, Actor, visible_q
from aduan.reports.search import (
    FTS_TABLE,
    SEARCH_TABLE,
    Unindexed,
    as_written,
    stem,
    stop_words,
)
from aduan.reports.tracking import tracking_number_parse

# The words of a report that make its query: its rarest ones, up to this many (more
# add cost, hardly recall) …
QUERY_TERMS = 12
# … leaving out words found in more than this share of all reports ("jalan",
# "kabupaten"): they match most of the index and tell no case from another. A word's
# count stops at the cap.
COMMON_SHARE = 0.02
COMMON_MIN = 200
# A count from this up is kept (per process, REFERENCE_TTL seconds): counting a common
# word reads many index rows, and its count moves slowly. A rarer word is counted at
# every lookup: that is cheap, and its count is what moves when a new case comes in
# (the street first named an hour ago).
COUNT_KEPT_FROM = 50
# A long text's words after these add cost, not evidence.
WORDS_COUNTED = 60
# How many of the best text matches are scored (the rest share too few words).
POOL = 40
# SQLite: up to this many matches near the report are ranked by a second query among
# themselves; more, by one query over all of them.
RANKED_AMONG = 500
# A regency or city whose centre is this close to the report's is its neighbour.
NEIGHBOUR_KM = 45.0
# States a citizen may still support instead of filing again.
SUPPORTABLE_STATES = (State.DISPOSITIONED, State.IN_PROGRESS, State.ANSWERED)

# The fitted model: score = logistic(BIAS + Σ WEIGHTS[feature] · value), each value
# in [0, 1] (see _features). Fitted on the demo history of 100,000 reports
# (bench/duplicates.py --fit: every merged report against the candidates the index
# finds for it); refit when the labelled pairs say the precision has moved.
BIAS = -11.80
WEIGHTS: dict[str, float] = {
    "text": 2.93,
    "rare": 2.91,
    "village": 3.84,
    "district": 3.80,
    # Below 0: among the candidates the index finds (all in the regency, next door or
    # without a region yet), one in the regency but not the district is less likely
    # the same case than one whose place is not known yet.
    "regency": -4.33,
    "neighbour": -6.62,
    "near": 4.70,
    "time": 3.57,
    "category": 3.30,
}

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A report that may be the same case, its score (0–1: how likely, by the fitted
    model) and the reasons shown beside it."""

    report: Report
    score: float
    reasons: tuple[str, ...]
    shares_words: bool = True

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True, slots=True)
class Probe:
    """What is known of the report a duplicate is looked for: a report, or a
    citizen's report not yet sent."""

    title: str
    body: str
    region_id: str | None
    category_id: int | None
    latitude: float | None
    longitude: float | None
    at: datetime
    report_id: int | None = None

    @classmethod
    def of(cls, report: Report) -> "Probe":
        return cls(
            title=report.title,
            body=report.body,
            region_id=report.region_id,
            category_id=report.category_id,
            latitude=report.latitude,
            longitude=report.longitude,
            at=report.submitted_at,
            report_id=report.pk,
        )


# -- the words ---------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """A text's words that say something, lower case and in their usual spelling,
    without stop words and one- or two-letter words, each once, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        word = as_written(word)
        if len(word) > 2 and word not in stop_words():
            seen.setdefault(word, None)
    return list(seen)


def stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words(text))


def text_similarity(one: frozenset[str], other: frozenset[str]) -> float:
    """The cosine of two sets of stems: 1 for the same words, 0 for none shared."""
    if not one or not other:
        return 0.0
    return len(one & other) / math.sqrt(len(one) * len(other))


# -- the place ------------------------------------------------------------------------


@reference_memo()
def _regency_centres() -> dict[str, tuple[float, float]]:
    rows = Region.objects.filter(level=Region.Level.REGENCY, latitude__isnull=False)
    return {
        code: (lat, lon)
        for code, lat, lon in rows.values_list("code", "latitude", "longitude")
        if lat is not None and lon is not None
    }


@functools.lru_cache(maxsize=1024)
def neighbours(regency: str) -> frozenset[str]:
    """The regencies and cities whose centre lies within NEIGHBOUR_KM of this one's
    (Kota Cirebon's: Kabupaten Cirebon, Kuningan, Brebes …)."""
    centres = _regency_centres()
    if regency not in centres:
        return frozenset()
    lat, lon = centres[regency]
    return frozenset(
        code
        for code, (other_lat, other_lon) in centres.items()
        if code != regency and distance_km(lat, lon, other_lat, other_lon) <= NEIGHBOUR_KM
    )


def _near_q(region_id: str | None) -> Q:
    """Reports in the region's regency or city or a neighbouring one, or still
    without a region; everything when the report has none."""
    if not region_id:
        return Q()
    regencies = {region_id[:5], *neighbours(region_id[:5])} if "." in region_id else set()
    if not regencies:  # a province only
        return Q(region__code__startswith=region_id) | Q(region__isnull=True)
    q = Q(region__isnull=True)
    for code in sorted(regencies):
        q |= Q(region_id=code) | Q(region__code__startswith=f"{code}.")
    return q


# -- finding ---------------------------------------------------------------------------


@reference_memo()
def _kept_counts() -> dict[tuple[str, str], int]:
    """The common words' counts kept: a new, empty dict every REFERENCE_TTL seconds
    (and for every test: reference_memo_clear)."""
    return {}


@reference_memo()
def _report_total() -> int:
    return Report.objects.count()


def _frequencies(terms: Sequence[str], cap: int) -> dict[str, int]:
    """How many reports hold each word, counted up to ``cap``: the counts not kept
    read in one statement (one count per word, as scalar subqueries), so a lookup
    costs one round trip however long the text."""
    kept = _kept_counts()
    counts = {
        term: kept[(connection.vendor, term)] for term in terms if (connection.vendor, term) in kept
    }
    missing = sorted(set(terms) - counts.keys())
    if not missing:
        return counts
    if connection.vendor == "postgresql":
        one = (
            f"(SELECT count(*) FROM (SELECT 1 FROM {SEARCH_TABLE} "  # noqa: S608
            "WHERE document @@ to_tsquery('indonesian'::regconfig, %s) LIMIT %s) AS m)"
        )
        params: list[str | int] = []
        for term in missing:
            params += [term, cap]
    else:
        one = (
            f"(SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s LIMIT %s))"
        )
        params = []
        for term in missing:
            params += [f'"{stem(term)}"', cap]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([one] * len(missing)), params)
        row = cursor.fetchone()
    for term, value in zip(missing, row, strict=True):
        counts[term] = int(value)
        if counts[term] >= COUNT_KEPT_FROM:
            kept[(connection.vendor, term)] = counts[term]
    return counts


@dataclass(frozen=True, slots=True)
class Terms:
    """A text's words as the finder weighs them: each word's stem with its inverse
    document frequency (a word few reports hold weighs most: the street, the
    landmark, the village), and the words its query is made of."""

    weights: dict[str, float]
    query: list[str]


def terms_of(text: str) -> Terms:
    """The first WORDS_COUNTED words of ``text``, weighed; the query is made of the
    rarest of them, but not of the ones nearly every report holds."""
    total = max(1, _report_total())
    cap = max(COMMON_MIN, round(total * COMMON_SHARE))
    weights: dict[str, float] = {}
    counted: list[tuple[int, int, str]] = []
    written = words(text)[:WORDS_COUNTED]
    counts = _frequencies(written, cap + 1)
    for index, word in enumerate(written):
        count = counts[word]
        counted.append((count, index, word))
        # Counted up to the cap only: every common word weighs as one at the cap.
        # Smoothed (+1), so that a word every report holds still weighs something
        # in a young deployment's few reports.
        weights[stem(word)] = math.log((total + 1) / (min(count, cap + 1) + 1)) + 1
    rare = sorted(entry for entry in counted if 0 < entry[0] <= cap)
    return Terms(weights, [word for _count, _index, word in rare[:QUERY_TERMS]])


def query_terms(text: str) -> list[str]:
    return terms_of(text).query


def shared_weight(terms: Terms, other: frozenset[str]) -> float:
    """The share of the text's weight (by inverse document frequency) that the other
    report's words carry too: 1 when it holds all of them."""
    whole = sum(terms.weights.values())
    if whole <= 0:
        return 0.0
    return sum(weight for word, weight in terms.weights.items() if word in other) / whole


def matching_ids(
    reports: QuerySet[Report], terms: Sequence[str], *, limit: int, few: bool = False
) -> list[int]:
    """The ids of ``reports`` that share any of ``terms``, at most ``limit``: the best
    ranked, first. ``few``: ``reports`` are few by their own index (a window of days
    near a place); on SQLite they are then read and looked up among the matches,
    and ranked only when more than ``limit`` match (fewer come in no particular
    order: the finder scores each)."""
    if not terms:
        return []
    if connection.vendor == "postgresql" or not few:
        return _ranked(reports, terms, limit=limit)
    expression = " OR ".join(f'"{stem(term)}"' for term in terms)
    # SQLite: the reports of the window (its date index) looked up in the set of
    # matches, not each match looked up among the reports (thousands of reads of
    # a wide row for a few common words: 6 ms → 3 ms at 100,000 reports); then
    # ranked only when more than ``limit`` are left, and only those.
    matches = RawSQL(  # noqa: S611 - the table's name is a constant
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        (expression,),
    )
    unindexed = Unindexed(F("id"), output_field=BigIntegerField())
    found = list(
        reports.alias(_id_unindexed=unindexed)
        .filter(_id_unindexed__in=matches)
        .values_list("pk", flat=True)[: RANKED_AMONG + 1]
    )
    if len(found) <= limit:
        return found
    # Ranked among those found (among all the reports when too many to list).
    kept = reports if len(found) > RANKED_AMONG else Report.objects.filter(pk__in=found)
    return _ranked(kept, terms, limit=limit)


def _ranked(reports: QuerySet[Report], terms: Sequence[str], *, limit: int) -> list[int]:
    """The ids of the ``limit`` best ranked ``reports`` that share any of ``terms``,
    the text index finding the matches."""
    if connection.vendor == "postgresql":
        # Letters and digits only (see words), so nothing in the query is syntax.
        query = "to_tsquery('indonesian'::regconfig, %s)"
        ranked = reports.extra(  # noqa: S610
            tables=[SEARCH_TABLE],
            where=[f"{SEARCH_TABLE}.report_id = reports_report.id", f"document @@ {query}"],
            params=[" | ".join(terms)],
            select={"text_rank": f"ts_rank(document, {query})"},
            select_params=[" | ".join(terms)],
        )
    else:
        expression = " OR ".join(f'"{stem(term)}"' for term in terms)
        ranked = reports.extra(  # noqa: S610
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = reports_report.id", f"{FTS_TABLE} MATCH %s"],
            params=[expression],
            # bm25 is lower for a better match; column weights: title, body, places.
            select={"text_rank": f"-bm25({FTS_TABLE}, 2.0, 1.0, 0.0)"},
        )
    return list(ranked.order_by("-text_rank", "-id").values_list("pk", flat=True)[:limit])


def _decided(report_id: int | None) -> Q:
    """The reports an admin said are not the same case as this one (either way)."""
    if report_id is None:
        return Q(pk__in=[])
    pairs = DuplicatePair.objects.filter(label=PairLabel.NOT_DUPLICATE)
    return Q(pk__in=pairs.filter(report_id=report_id).values("other_id")) | Q(
        pk__in=pairs.filter(other_id=report_id).values("report_id")
    )


def _found(
    reports: QuerySet[Report], probe: Probe, *, days: int, min_score: float, limit: int
) -> list[Candidate]:
    window = timedelta(days=days)
    reports = reports.filter(
        _near_q(probe.region_id),
        submitted_at__gte=probe.at - window,
        submitted_at__lte=probe.at + window,
    ).exclude(_decided(probe.report_id))
    if probe.report_id is not None:
        reports = reports.exclude(pk=probe.report_id)
    terms = terms_of(f"{probe.title} {probe.body}")
    ids = matching_ids(reports, terms.query, limit=POOL, few=True)
    if not ids:
        return []
    rows = Report.objects.filter(pk__in=ids).select_related("region", "category")
    mine = stems(f"{probe.title} {probe.body}")
    scored = [
        candidate
        for other in rows
        # The index also matches a report by its place's and category's names: one
        # that shares none of the words written is no duplicate by text, whatever
        # its score.
        if (candidate := _candidate(probe, mine, terms, other)).score >= min_score
        and candidate.shares_words
    ]
    scored.sort(key=lambda c: (-c.score, -c.report.submitted_at.timestamp(), -c.report.pk))
    return scored[:limit]


def duplicate_candidates(
    *, actor: Actor, report: Report, limit: int = 5, min_score: float | None = None
) -> list[Candidate]:
    """Reports that may be the same case as ``report``, best first, scored at least
    ``min_score`` (the deployment's shown threshold when None): any state but
    archived, within the window, near it, and only what the actor may see. Not one
    an admin already said is not a duplicate of it."""
    if min_score is None:
        min_score = settings.TRIAGE_DUPLICATE_MIN_SCORE / 100
    reports = Report.objects.filter(visible_q(actor)).exclude(state=State.ARCHIVED)
    return _found(
        reports,
        Probe.of(report),
        days=settings.TRIAGE_DUPLICATE_DAYS,
        min_score=min_score,
        limit=limit,
    )


def similar_open_reports(
    *,
    title: str,
    body: str,
    region_id: str | None,
    category_id: int | None,
    latitude: float | None = None,
    longitude: float | None = None,
    now: datetime | None = None,
    limit: int = 3,
) -> list[Candidate]:
    """For a citizen about to send a report: public reports still being handled
    (never a confidential one, never one not yet verified) that are probably the
    same case, from the deployment's threshold; they may support one instead."""
    if not settings.TRIAGE_SIMILAR_BEFORE_SUBMIT:
        return []
    probe = Probe(
        title=title,
        body=body,
        region_id=region_id,
        category_id=category_id,
        latitude=latitude,
        longitude=longitude,
        at=now or timezone.now(),
    )
    reports = Report.objects.filter(visible_q(PUBLIC), state__in=SUPPORTABLE_STATES)
    return _found(
        reports,
        probe,
        days=settings.TRIAGE_DUPLICATE_DAYS,
        min_score=settings.TRIAGE_SIMILAR_MIN_SCORE / 100,
        limit=limit,
    )


def duplicate_score(*, report: Report, other: Report) -> float:
    """The finder's score for two reports, as the case page would show it."""
    text = f"{report.title} {report.body}"
    return _candidate(Probe.of(report), stems(text), terms_of(text), other).score


def duplicate_score_of(*, actor: Actor, report: Report, number: str) -> float | None:
    """The score of ``report`` and the report with tracking number ``number``, to keep
    with an admin's decision about them; None when the number names no report the
    actor may see (the service then says what is wrong with it)."""
    try:
        parsed = tracking_number_parse(number)
    except InvalidInput:
        return None
    other = Report.objects.filter(visible_q(actor), tracking_number=parsed).first()
    if other is None or other.pk == report.pk:
        return None
    return duplicate_score(report=report, other=other)


# -- measured by the admins' decisions ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairPrecision:
    """Of the pairs the finder scored at least ``threshold`` and an admin decided,
    how many were merged (the same case) and how many set aside ("bukan duplikat")."""

    threshold: float
    merged: int
    set_aside: int

    @property
    def precision(self) -> float | None:
        decided = self.merged + self.set_aside
        return self.merged / decided if decided else None


def duplicate_precision(*, threshold: float | None = None) -> PairPrecision:
    """The finder's precision by the labelled pairs, from the score they were shown
    with (the deployment's shown threshold when None). Only decided pairs count: a
    candidate shown and left alone says nothing, and a merge by a typed number has no
    score."""
    if threshold is None:
        threshold = settings.TRIAGE_DUPLICATE_MIN_SCORE / 100
    pairs = DuplicatePair.objects.filter(score__gte=threshold)
    merged = pairs.filter(label=PairLabel.DUPLICATE).count()
    set_aside = pairs.filter(label=PairLabel.NOT_DUPLICATE).count()
    return PairPrecision(threshold, merged, set_aside)


# -- scoring ----------------------------------------------------------------------------


def features(probe: Probe, mine: frozenset[str], terms: Terms, other: Report) -> dict[str, float]:
    """What the score weighs, each in [0, 1]."""
    values = dict.fromkeys(WEIGHTS, 0.0)
    theirs = stems(f"{other.title} {other.body}")
    values["text"] = text_similarity(mine, theirs)
    values["rare"] = shared_weight(terms, theirs)
    here, there = probe.region_id or "", other.region_id or ""
    if here and there:
        if here == there and here.count(".") == 3:
            values["village"] = 1.0
        if here[:8] == there[:8] and here.count(".") >= 2 and there.count(".") >= 2:
            values["district"] = 1.0
        if here[:5] == there[:5] and "." in here and "." in there:
            values["regency"] = 1.0
        elif there[:5] in neighbours(here[:5]):
            values["neighbour"] = 1.0
    distance = _distance(probe, other)
    if distance is not None:
        # Within a few hundred metres the same spot; beyond 2 km no longer near.
        values["near"] = math.exp(-distance / 0.5)
    days = abs((other.submitted_at - probe.at).total_seconds()) / 86_400
    values["time"] = math.exp(-days / 7)
    if probe.category_id is not None and other.category_id is not None:
        values["category"] = 1.0 if probe.category_id == other.category_id else 0.0
    else:
        values["category"] = 0.5  # not known yet: neither for nor against
    return values


def score(values: dict[str, float]) -> float:
    z = BIAS + sum(WEIGHTS[name] * value for name, value in values.items())
    return 1 / (1 + math.exp(-z))


def _distance(probe: Probe, other: Report) -> float | None:
    if None in (probe.latitude, probe.longitude, other.latitude, other.longitude):
        return None
    return distance_km(
        probe.latitude,  # type: ignore[arg-type]
        probe.longitude,  # type: ignore[arg-type]
        other.latitude,  # type: ignore[arg-type]
        other.longitude,  # type: ignore[arg-type]
    )


def _candidate(probe: Probe, mine: frozenset[str], terms: Terms, other: Report) -> Candidate:
    values = features(probe, mine, terms, other)
    reasons = tuple(_reasons(values, probe, other))
    return Candidate(other, score(values), reasons, shares_words=values["text"] > 0)


def _reasons(values: dict[str, float], probe: Probe, other: Report) -> Iterable[str]:
    yield _("kata-kata mirip %(percent)s%%") % {"percent": round(values["text"] * 100)}
    if values["village"]:
        yield _("desa/kelurahan yang sama")
    elif values["district"]:
        yield _("kecamatan yang sama")
    elif values["regency"]:
        yield _("kabupaten/kota yang sama")
    elif values["neighbour"]:
        yield _("kabupaten/kota tetangga")
    distance = _distance(probe, other)
    if distance is not None and distance < 2:
        yield _("berjarak %(metres)s m") % {"metres": round(distance * 1000)}
    days = abs((other.submitted_at - probe.at).total_seconds()) / 86_400
    if days < 1:
        yield _("dilaporkan pada hari yang sama")
    else:
        yield _("selisih %(days)s hari") % {"days": round(days)}
    if values["category"] == 1.0:
        yield _("kategori sama")

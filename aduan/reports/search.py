"""The public feed and its full-text search (DESIGN.md §3, §9).

Only what the access policy shows the public is listed (``visible_q(PUBLIC)``):
confidential reports and reports not yet verified are never found, whatever the
filters or the search words. Reports come newest first, 20 a page, by keyset: the
next page is "older than the last row shown", which an index answers as fast on the
thousandth page as on the first, and no page counts the whole table.

Search: PostgreSQL matches ``to_tsvector('indonesian', title || ' ' || body)``
against the words as a web search engine reads them (``websearch_to_tsquery``),
using the expression index of migration 0004. SQLite matches an FTS5 table over the
same two columns, kept in step with the reports by triggers (so rows inserted in
bulk are found too); the visitor's words become a quoted FTS5 query, so no input can
be read as FTS5 syntax.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    Expression,
    ExpressionWrapper,
    F,
    Field,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import OrderBy, RawSQL
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.lib.errors import InvalidInput
from aduan.lib.memo import reference_memo
from aduan.regions.models import Region
from aduan.reports.models import Report
from aduan.reports.policy import PUBLIC, visible_q

PAGE_SIZE = 20
SEARCH_MAX_LENGTH = 200
# More words than this add cost, not precision.
SEARCH_MAX_TERMS = 12
FTS_TABLE = "reports_report_fts"

_CENTRAL_KINDS = (Agency.Kind.MINISTRY, Agency.Kind.INSTITUTION, Agency.Kind.STATE_COMPANY)


# -- reference lists (kept in memory: they change rarely) ---------------------------


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@reference_memo()
def _regions_named() -> dict[str, str]:
    """Provinces and regencies/cities by code: 552 names, used to name a report's
    place and to fill the region selects without a query per page."""
    levels = (Region.Level.PROVINCE, Region.Level.REGENCY)
    return dict(Region.objects.filter(level__in=levels).values_list("code", "name"))


def provinces() -> list[Option]:
    return [Option(code, name) for code, name in _regions_named().items() if "." not in code]


def regencies(province: str) -> list[Option]:
    prefix = f"{province}."
    return [
        Option(code, name)
        for code, name in _regions_named().items()
        if code.startswith(prefix) and code.count(".") == 1
    ]


def is_province(code: str) -> bool:
    return "." not in code and code in _regions_named()


def is_regency(code: str) -> bool:
    return code.count(".") == 1 and code in _regions_named()


def place_name(region: Region | None) -> str:
    """A report's place as people say it: "Kejaksan, Kota Cirebon" (the region, and
    its regency or city when the region is smaller)."""
    if region is None:
        return ""
    regency = region.code[:5]
    if region.code.count(".") < 2 or regency not in _regions_named():
        return region.name
    return f"{region.name}, {_regions_named()[regency]}"


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    code: str
    name: str
    name_en: str
    children: tuple[Option, ...]
    children_en: tuple[Option, ...]


@reference_memo()
def _categories() -> tuple[tuple[CategoryGroup, ...], dict[str, tuple[int, ...]]]:
    """The active two-level tree, and for each code the ids it stands for (a parent
    stands for itself and its children)."""
    rows = list(Category.objects.filter(is_active=True).order_by("position", "code"))
    groups: list[CategoryGroup] = []
    ids: dict[str, tuple[int, ...]] = {}
    for parent in (row for row in rows if row.parent_id is None):
        children = [row for row in rows if row.parent_id == parent.pk]
        groups.append(
            CategoryGroup(
                parent.code,
                parent.name,
                parent.name_en,
                tuple(Option(child.code, child.name) for child in children),
                tuple(Option(child.code, child.name_en) for child in children),
            )
        )
        ids[parent.code] = (parent.pk, *(child.pk for child in children))
        ids.update((child.code, (child.pk,)) for child in children)
    return tuple(groups), ids


def category_groups() -> tuple[CategoryGroup, ...]:
    return _categories()[0]


def is_category(code: str) -> bool:
    return code in _categories()[1]


def category_ids(code: str) -> tuple[int, ...]:
    """The ids a category code stands for: a parent, itself and its children."""
    return _categories()[1].get(code, ())


@reference_memo()
def _agencies() -> dict[str, tuple[int, str, str, str | None]]:
    """Active agencies by code: id, name, kind, region code."""
    rows = Agency.objects.filter(is_active=True).order_by("name")
    return {
        code: (pk, name, kind, region)
        for pk, code, name, kind, region in rows.values_list(
            "pk", "code", "name", "kind", "region_id"
        )
    }


def is_agency(code: str) -> bool:
    return code in _agencies()


def agency_options(*, region: str | None, chosen: str | None = None) -> list[Option]:
    """A short list to choose from: the central agencies, and the local governments
    of the chosen region (a province's own and its regencies' and cities'; a
    regency's own and its province's) — or of every province when none is chosen.
    The chosen agency is always offered."""

    def wanted(code: str, kind: str, agency_region: str | None) -> bool:
        if code == chosen or kind in _CENTRAL_KINDS:
            return True
        if agency_region is None:
            return False
        if region is None:
            return kind == Agency.Kind.PROVINCE
        if "." in region:
            return agency_region in (region, region.split(".")[0])
        return agency_region == region or agency_region.startswith(f"{region}.")

    return [
        Option(code, name)
        for code, (_pk, name, kind, agency_region) in _agencies().items()
        if wanted(code, kind, agency_region)
    ]


# -- the cursor ---------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"^(\d{1,17})-(\d{1,15})$", re.ASCII)


@dataclass(frozen=True, slots=True)
class Cursor:
    """A row's place in the feed: its submission time and id (ids break ties)."""

    submitted_at: datetime
    id: int

    def __str__(self) -> str:
        micros = (self.submitted_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.id}"

    @classmethod
    def of(cls, report: Report) -> "Cursor":
        return cls(report.submitted_at, report.pk)

    @classmethod
    def parse(cls, raw: str, *, field: str) -> "Cursor":
        match = _CURSOR.match(raw.strip())
        if match is None:
            raise InvalidInput(
                _("Alamat halaman ini tidak valid. Mulai lagi dari halaman pertama."),
                code="invalid_cursor",
                field=field,
            )
        # At most 17 digits: before the year 5140, never out of datetime's range.
        return cls(_EPOCH + timedelta(microseconds=int(match[1])), int(match[2]))


# -- the search ---------------------------------------------------------------------


class _Document(Func):
    """``to_tsvector('indonesian', title || ' ' || body)``: written exactly as the
    index of migration 0004 is, so that PostgreSQL uses it."""

    template = "to_tsvector('indonesian'::regconfig, %(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


_PHRASE_OR_WORD = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def _fts_term(text: str) -> str | None:
    """One quoted FTS5 string from what the visitor wrote: only its letters and
    digits, so nothing in it is read as syntax. A single word of three letters or
    more also matches its longer forms ("jalan" finds "jalanan"): SQLite has no
    Indonesian stemmer, and Indonesian adds its suffixes (-an, -kan, -nya) at the
    end."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    quoted = '"' + " ".join(words) + '"'
    return quoted + "*" if len(words) == 1 and len(words[0]) >= 3 else quoted


def fts5_query(text: str) -> str | None:
    """The visitor's words as an FTS5 query read like a web search: words must all
    be there, "a phrase" in quotes, ``or`` between alternatives, ``-word`` to leave
    out. None when nothing searchable is left."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    count = 0
    for match in _PHRASE_OR_WORD.finditer(text[:SEARCH_MAX_LENGTH]):
        negated, phrase, word = match[1] == "-", match[2], match[3]
        if word is not None and word.lower() == "or":
            if groups[-1][0]:
                groups.append(([], []))
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = True, word[1:]
        term = _fts_term(phrase if phrase is not None else word or "")
        if term is None or count >= SEARCH_MAX_TERMS:
            continue
        count += 1
        groups[-1][1 if negated else 0].append(term)
    alternatives = []
    for positive, negative in groups:
        if not positive:  # "-word" alone would match nearly everything
            continue
        expression = "(" + " AND ".join(positive) + ")"
        for term in negative:
            expression = f"({expression} NOT {term})"
        alternatives.append(expression)
    return " OR ".join(alternatives) or None


def reports_matching(reports: QuerySet[Report], text: str) -> QuerySet[Report]:
    """``reports`` narrowed to those whose title or text match ``text`` (the feed's
    and the back office's search, on either database)."""
    text = text.strip()[:SEARCH_MAX_LENGTH]
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="indonesian", search_type="websearch")
        return reports.alias(document=_Document(F("title"), F("body"))).filter(document=query)
    expression = fts5_query(text)
    if expression is None:
        return reports.none()
    # The table's name is a constant and the query a parameter.
    rowids = RawSQL(  # noqa: S611
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        (expression,),
    )
    return reports.filter(pk__in=rowids)


# -- the feed -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedFilters:
    """Already-valid filters (the form checks them against the lists above)."""

    region: str = ""  # a province or regency/city code: it and everything inside it
    category: str = ""  # a category code: a parent stands for its children too
    agency: str = ""  # an agency code
    state: str = ""
    type: str = ""
    q: str = ""


@dataclass(frozen=True, slots=True)
class FeedPage:
    reports: list[Report]
    older: Cursor | None  # pass as ``before`` for the next (older) page
    newer: Cursor | None  # pass as ``after`` for the previous (newer) page


class _Unindexed(Func):
    """SQLite: a column's value through an expression no index provides (a unary
    plus), so that a filter matching many reports leaves the planner walking the
    feed's date index, filtering as it goes, rather than collecting every match by
    the filter's own index and sorting them all (40 ms at 100,000 reports)."""

    template = "+%(expressions)s"


def _broad(
    reports: QuerySet[Report], column: str, output_field: Field[Any, Any], **match: object
) -> QuerySet[Report]:
    """``reports`` filtered on ``column`` (a filter that matches a large share)."""
    if connection.vendor != "sqlite":
        return reports.filter(**{f"{column}__{lookup}": v for lookup, v in match.items()})
    name = f"_{column}_unindexed"
    reports = reports.alias(**{name: _Unindexed(F(column), output_field=output_field)})
    return reports.filter(**{f"{name}__{lookup}": value for lookup, value in match.items()})


def _narrow(filters: FeedFilters) -> bool:
    """Filters that match few reports: their matches are found by their own index,
    then sorted (a search, a regency or city, an agency)."""
    return bool(filters.q.strip()) or "." in filters.region or bool(filters.agency)


def _within(code: str, *, narrow: bool) -> Q:
    """The region ``code`` and every region inside it. For a regency or city on
    SQLite, a range of codes its index can serve (a LIKE cannot use one there;
    codes are dotted digits and "/" sorts right after "."); PostgreSQL compares
    text by locale, so there it is a prefix LIKE, which its pattern index serves."""
    if narrow and connection.vendor == "sqlite":
        return Q(region_id__gte=code, region_id__lt=f"{code}/")
    return Q(region_id=code) | Q(region__code__startswith=f"{code}.")


def _filtered(filters: FeedFilters) -> QuerySet[Report]:
    reports = Report.objects.filter(visible_q(PUBLIC))
    if filters.region:
        reports = reports.filter(_within(filters.region, narrow="." in filters.region))
    if filters.category:
        categories = _categories()[1].get(filters.category, ())
        reports = _broad(reports, "category_id", BigIntegerField(), **{"in": categories})
    if filters.agency:
        agency = _agencies().get(filters.agency)
        reports = reports.filter(agency_id=agency[0]) if agency else reports.none()
    if filters.state:
        reports = _broad(reports, "state", CharField(), exact=filters.state)
    if filters.type:
        reports = reports.filter(type=filters.type)
    if filters.q.strip():
        reports = reports_matching(reports, filters.q)
    return reports


def _order(*, newest_first: bool, narrow: bool) -> tuple[OrderBy, OrderBy]:
    key: F | Expression = F("submitted_at")
    if narrow and connection.vendor == "postgresql":
        # The same order, through an expression no index provides. Otherwise, for a
        # rare word, PostgreSQL may walk the feed's index newest first, computing
        # to_tsvector for row after row until it has a page (seconds, not
        # milliseconds); this way the GIN index finds the matches, then they are
        # sorted: the cost follows the number of matches.
        key = ExpressionWrapper(key + Value(timedelta(0)), output_field=DateTimeField())
    if newest_first:
        return key.desc(), F("id").desc()
    return key.asc(), F("id").asc()


def _page(
    reports: QuerySet[Report], *, newest_first: bool, narrow: bool, limit: int
) -> list[Report]:
    """The rows of one page in one query: the ids are chosen and sorted narrow in a
    subquery, then only those rows are read with their category, region and agency."""
    ids = reports.order_by(*_order(newest_first=newest_first, narrow=narrow))
    rows = (
        Report.objects.filter(pk__in=ids.values("pk")[:limit])
        .select_related("category", "region", "agency")
        .only(
            "tracking_number",
            "type",
            "title",
            "state",
            "submitted_at",
            "support_count",
            "category__name",
            "category__name_en",
            "region__name",
            "agency__name",
            "agency__short_name",
        )
    )
    return list(
        rows.order_by(*(("-submitted_at", "-id") if newest_first else ("submitted_at", "id")))
    )


def report_feed(
    *,
    filters: FeedFilters,
    before: Cursor | None = None,
    after: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> FeedPage:
    """One page of the public feed, newest first, in one query. ``before`` gives the
    page of reports older than that row, ``after`` the page newer than it. Newest
    first rather than by relevance: it pages by keyset, and a citizen looking for a
    case usually knows roughly when it happened."""
    reports = _filtered(filters)
    narrow = _narrow(filters)
    if after is not None:
        # The first condition bounds the index scan; the second breaks ties.
        newer = reports.filter(submitted_at__gte=after.submitted_at).exclude(
            submitted_at=after.submitted_at, id__lte=after.id
        )
        rows = _page(newer, newest_first=False, narrow=narrow, limit=size + 1)
        if len(rows) <= size:
            # Back at the newest: the first page, exactly as it is first shown.
            return report_feed(filters=filters, size=size)
        rows = rows[:size][::-1]
        return FeedPage(reports=rows, older=Cursor.of(rows[-1]), newer=Cursor.of(rows[0]))
    if before is not None:
        reports = reports.filter(submitted_at__lte=before.submitted_at).exclude(
            submitted_at=before.submitted_at, id__gte=before.id
        )
    rows = _page(reports, newest_first=True, narrow=narrow, limit=size + 1)
    more_older = len(rows) > size
    rows = rows[:size]
    return FeedPage(
        reports=rows,
        older=Cursor.of(rows[-1]) if rows and more_older else None,
        newer=Cursor.of(rows[0]) if rows and before is not None else None,
    )

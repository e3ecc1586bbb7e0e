"""The public feed and its full-text search (DESIGN.md §3, §9).

Only what the access policy shows the public is listed (``visible_q(PUBLIC)``):
confidential reports and reports not yet verified are never found, whatever the
filters or the search words. Reports come newest first, 20 a page, by keyset: the
next page is "older than the last row shown", which an index answers as fast on the
thousandth page as on the first, and no page counts the whole table (the number of
results shown stops at COUNT_LIMIT + 1).

Search (below, "the search"): a report's title, text, category and places, stemmed
as Indonesian on both databases, kept in step by triggers; results newest first, or
by relevance on request, with a bounded count.
"""

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
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
#
# What is searched is a report's *document*: its title, its text, and the names of its
# category (and the category's parent) and of its region and the regions above it
# ("Kejaksan Kota Cirebon Jawa Barat"), so that "jalan rusak" finds the reports filed
# under "Jalan rusak / berlubang" and "Cirebon" those placed anywhere in Kota or
# Kabupaten Cirebon. Triggers on reports_report write it (migration 0009) whenever a
# report is inserted, in bulk too, or its title, text, category or region change, so
# nothing needs calling when verification corrects a report; search_document_refresh()
# re-derives it after a category or region is renamed.
#
# PostgreSQL: reports_report_search holds the document as a tsvector, weighted (title
# A, category and places B, text D), stemmed by the ``indonesian`` configuration, plus
# the words as written ('simple'), so that a prefix also finds affixed words
# ("berlub" finds "berlubang"); a GIN index answers the match.
# SQLite: an FTS5 table with the same parts, each word stemmed by Sastrawi through the
# SQL function aduan_search_text (registered on every connection, see
# register_sqlite_functions), followed by the words as written, for prefixes.
#
# The query is read like a web search (words must all be there, "a phrase", ``or``,
# ``-word``), each word stemmed the same way as the documents; stop words are left out
# unless nothing else is left; the last word typed also matches as a prefix; a word
# with common other spellings (SMS abbreviations, frequent slips: SPELLINGS) matches
# any of them.

SEARCH_TABLE = "reports_report_search"
FTS_TABLE = "reports_report_fts"


def index_tables() -> list[str]:
    """The search index's own tables to keep planner statistics of (PostgreSQL's;
    SQLite's FTS5 table has none)."""
    return [SEARCH_TABLE] if connection.vendor == "postgresql" else []


# The feed counts its results up to this, then says "more than".
COUNT_LIMIT = 1000
# Results by relevance are paged by number, up to COUNT_LIMIT results.
RELEVANCE_PAGES = COUNT_LIMIT // PAGE_SIZE
# A prefix shorter than this matches too much to help.
PREFIX_MIN_LENGTH = 3

# Other spellings of a word seen in complaints: SMS abbreviations and frequent slips.
# Documents and queries alike are read with each written as its word ("jln" as
# "jalan"), so that either finds the other and ranks as the word would. Lower case,
# letters only (they go into a regular expression on PostgreSQL). A change here needs
# a migration that recreates the PostgreSQL trigger functions and refreshes the
# documents (search_document_refresh).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "jalan": ("jln", "jl", "jaln"),
    "rusak": ("rsk", "rusaq", "rusk"),
    "lubang": ("lobang",),
    "berlubang": ("berlobang",),
    "sampah": ("smpah",),
    "selokan": ("slokan",),
    "banjir": ("banjr",),
    "jembatan": ("jembtan",),
    "trotoar": ("trotoir",),
    "listrik": ("lstrik",),
    "lampu": ("lmpu",),
    "sekolah": ("sekola",),
    "kabupaten": ("kab",),
    "kecamatan": ("kec",),
    "kelurahan": ("kel",),
    "puskesmas": ("pkm",),
    "pungutan": ("pungli",),
}
_SPELLING: dict[str, str] = {
    variant: word for word, variants in SPELLINGS.items() for variant in variants
}


def as_written(word: str) -> str:
    """A lower-case word with its usual spelling ("jln" → "jalan")."""
    return _SPELLING.get(word, word)


def _spelling_sql(expression: str) -> str:
    """PostgreSQL: ``expression`` with every other spelling replaced by its word."""
    for word, variants in SPELLINGS.items():
        pattern = r"\m(" + "|".join(variants) + r")\M"
        expression = f"regexp_replace({expression}, '{pattern}', '{word}', 'gi')"
    return expression


@functools.cache
def _stemmer() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-untyped]

    return StemmerFactory().create_stemmer()


@functools.cache
def stop_words() -> frozenset[str]:
    """Sastrawi's Indonesian stop words ("yang", "di", "dan", …)."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import (  # type: ignore[import-untyped]
        StopWordRemoverFactory,
    )

    return frozenset(StopWordRemoverFactory().get_stop_words())


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """One lower-case word's stem by Sastrawi ("berlubang" → "lubang"); about 30 µs
    the first time, so kept (a report's words repeat across reports)."""
    stemmed: str = _stemmer().stem(word)
    return stemmed or word


def search_text(text: str | None) -> str:
    """Text as SQLite indexes it: each word stemmed, then the words whose stem
    differs as they were written, so that a prefix of either matches ("lub" and
    "berlub" both find "berlubang") with no column filter in the query (a filter
    costs FTS5 tenfold). Stop words are kept, so that a quoted phrase still
    matches exactly."""
    if not text:
        return ""
    words = _WORD.findall(text.lower())
    stems = [stem(as_written(word)) for word in words]
    written = [word for word, stemmed in zip(words, stems, strict=True) if word != stemmed]
    return " ".join(stems + written)


def register_sqlite_functions(connection: Any, **kwargs: object) -> None:
    """Registers aduan_search_text on a new SQLite connection (connection_created):
    the FTS triggers call it, so every connection that writes reports needs it."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "aduan_search_text", 1, search_text, deterministic=True
        )


# The names a report is also found by: its category and the category's parent, its
# region and the regions above it (codes are dotted: "32", "32.74", "32.74.01", …).
def _places_sql(row: str, *, sqlite: bool) -> str:
    concat = "group_concat(name, ' ')" if sqlite else "string_agg(name, ' ')"
    return f"""
      coalesce((SELECT c.name || ' ' || coalesce(p.name, '')
                FROM categories_category c
                LEFT JOIN categories_category p ON p.id = c.parent_id
                WHERE c.id = {row}.category_id), '')
      || ' ' ||
      coalesce((SELECT {concat} FROM regions_region
                WHERE code IN ({row}.region_id, substr({row}.region_id, 1, 2),
                               substr({row}.region_id, 1, 5),
                               substr({row}.region_id, 1, 8))), '')"""  # noqa: S608


# A region's code as one word of the document ("32.74" → "wilayah32x74"): each report
# holds its region's and every region's above it, so that a search within a province
# or regency is one match of the text index (the words AND the place), not thousands
# of matches each checked against the report's region. Letters and digits only, one
# token for both databases' parsers.
PLACE_WORD_PREFIX = "wilayah"


def place_word(code: str) -> str:
    return PLACE_WORD_PREFIX + code.replace(".", "x")


def _place_words_sql(row: str) -> str:
    levels = [f"substr({row}.region_id, 1, {length})" for length in (2, 5, 8)] + [
        f"{row}.region_id"
    ]
    tokens = " || ' ' || ".join(
        f"'{PLACE_WORD_PREFIX}' || replace({level}, '.', 'x')" for level in levels
    )
    return f"coalesce({tokens}, '')"


def sqlite_document_insert(row: str, source: str = "") -> str:
    """INSERT of the FTS rows of ``row`` (``new`` in a trigger, or a table alias with
    ``source`` its FROM clause)."""
    places = _places_sql(row, sqlite=True)
    return f"""INSERT INTO {FTS_TABLE} (rowid, title, body, places)
       SELECT {row}.id, aduan_search_text({row}.title), aduan_search_text({row}.body),
              aduan_search_text({places}) || ' ' || {_place_words_sql(row)}
       {source}"""


def postgresql_document(row: str) -> str:
    """The tsvector of ``row`` (``NEW`` in the trigger, or a table alias)."""
    places = _places_sql(row, sqlite=False)
    title, body = _spelling_sql(f"{row}.title"), _spelling_sql(f"{row}.body")
    return f"""setweight(to_tsvector('indonesian'::regconfig, {title}), 'A')
      || setweight(to_tsvector('indonesian'::regconfig, {_spelling_sql(places)}), 'B')
      || setweight(to_tsvector('indonesian'::regconfig, {body}), 'D')
      || to_tsvector('simple'::regconfig,
                     {row}.title || ' ' || {row}.body || ' ' || {places})
      || to_tsvector('simple'::regconfig, {_place_words_sql(row)})"""


def search_document_refresh(report_ids: Iterable[int] | None = None) -> None:
    """Re-derives the search documents of these reports (all when None). Not needed
    when a report changes (its triggers do it): after a category or region is
    renamed, or to repair the index."""
    ids = None if report_ids is None else sorted(set(report_ids))
    chunks: list[list[int]] | list[None] = (
        [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    )
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for chunk in chunks:
            params = chunk or []
            marks = ", ".join(["%s"] * len(params))
            if postgresql:
                key, insert = (
                    "report_id",
                    (
                        f"INSERT INTO {SEARCH_TABLE} (report_id, document) "  # noqa: S608
                        f"SELECT r.id, {postgresql_document('r')} FROM reports_report r"
                    ),
                )
            else:
                key, insert = "rowid", sqlite_document_insert("r", "FROM reports_report r")
            table = SEARCH_TABLE if postgresql else FTS_TABLE
            if chunk is None:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
                cursor.execute(insert)
            else:
                cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", params)  # noqa: S608
                cursor.execute(f"{insert} WHERE r.id IN ({marks})", params)


# -- reading the query ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word, or a quoted phrase (several words), of the query."""

    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False

    def word(self) -> str:
        """The single word, with its usual spelling."""
        return as_written(self.words[0])


@dataclass(frozen=True, slots=True)
class Alternative:
    """Terms that must all be there, and terms that must not."""

    required: tuple[Term, ...]
    excluded: tuple[Term, ...]


_PHRASE_OR_WORD = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def parse_query(text: str) -> list[Alternative]:
    """The visitor's words as a web search reads them: words must all be there, "a
    phrase" in quotes, ``or`` between alternatives, ``-word`` to leave out. Only
    letters and digits are kept, so nothing is read as syntax by either database.
    Empty when nothing searchable is left."""
    groups: list[tuple[list[Term], list[Term]]] = [([], [])]
    count = 0
    last: Term | None = None
    for match in _PHRASE_OR_WORD.finditer(text[:SEARCH_MAX_LENGTH]):
        negated, phrase, word = match[1] == "-", match[2], match[3]
        if word is not None and word.lower() == "or":
            if groups[-1][0]:
                groups.append(([], []))
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = True, word[1:]
        words = tuple(_WORD.findall((phrase if phrase is not None else word or "").lower()))
        if not words or count >= SEARCH_MAX_TERMS:
            last = None
            continue
        count += 1
        # "e-KTP" is a phrase of its parts, as both databases split it.
        term = Term(words, phrase=phrase is not None or len(words) > 1)
        groups[-1][1 if negated else 0].append(term)
        last = term if not negated and not term.phrase else None
    alternatives = []
    for required, excluded in groups:
        if last is not None and last in required and len(last.words[0]) >= PREFIX_MIN_LENGTH:
            index = len(required) - 1 - required[::-1].index(last)
            required[index] = Term(last.words, prefix=True)
            last = None
        loose = [t for t in required if not t.phrase and t.words[0] not in stop_words()]
        if any(not t.phrase for t in required) and (loose or any(t.phrase for t in required)):
            # Stop words are left out, unless nothing else is left.
            required = [t for t in required if t.phrase or t.words[0] not in stop_words()]
        if required:  # "-word" alone would match nearly everything
            alternatives.append(Alternative(tuple(required), tuple(excluded)))
    return alternatives


def _fts5_term(term: Term) -> str | None:
    if term.phrase:
        stems = " ".join(stem(as_written(word)) for word in term.words)
        return f'"{stems}"' if stems.strip() else None
    stemmed = stem(term.word())
    if not term.prefix:
        return f'"{stemmed}"'
    # The word as typed so far: a stem it begins, or a word as written it begins.
    return f'("{stemmed}"* OR "{term.words[0]}"*)'


def fts5_query(text: str) -> str | None:
    """The visitor's words as an FTS5 query on the stemmed index. None when nothing
    searchable is left."""
    parts = []
    for alternative in parse_query(text):
        required = [t for t in map(_fts5_term, alternative.required) if t]
        if not required:
            continue
        expression = "(" + " AND ".join(required) + ")"
        for term in filter(None, map(_fts5_term, alternative.excluded)):
            expression = f"({expression} NOT {term})"
        parts.append(expression)
    return " OR ".join(parts) or None


def _tsquery_term(term: Term) -> tuple[str, list[str]]:
    if term.phrase:
        words = " ".join(as_written(word) for word in term.words)
        return "phraseto_tsquery('indonesian'::regconfig, %s)", [words]
    sql = "plainto_tsquery('indonesian'::regconfig, %s)"
    params = [term.word()]
    if term.prefix:
        # Letters and digits only (see parse_query), so nothing here is syntax.
        sql += " || to_tsquery('indonesian'::regconfig, %s) || to_tsquery('simple'::regconfig, %s)"
        params += [f"{term.words[0]}:*"] * 2
    return f"({sql})", params


def tsquery_sql(text: str) -> tuple[str, list[str]] | None:
    """The visitor's words as a PostgreSQL tsquery expression and its parameters.
    None when nothing searchable is left."""
    parts: list[str] = []
    params: list[str] = []
    for alternative in parse_query(text):
        pieces = []
        for term in alternative.required:
            sql, term_params = _tsquery_term(term)
            pieces.append(sql)
            params += term_params
        for term in alternative.excluded:
            sql, term_params = _tsquery_term(term)
            pieces.append(f"!!{sql}")
            params += term_params
        parts.append("(" + " && ".join(pieces) + ")")
    return ("(" + " || ".join(parts) + ")", params) if parts else None


class _Subquery(Expression):
    """PostgreSQL: a SELECT as written (RawSQL wraps it in parentheses)."""

    def __init__(self, sql: str, params: Sequence[str | int]) -> None:
        super().__init__()
        self.sql, self.params = sql, tuple(params)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str | int, ...]]:
        return self.sql, self.params


class _AnyOf(Func):
    """PostgreSQL: ``column = ANY(ARRAY(subquery))``: the subquery runs once and
    each of its values is looked up by the column's index."""

    arg_joiner = " = ANY(ARRAY("
    template = "%(expressions)s))"
    output_field = BooleanField()


def reports_matching(
    reports: QuerySet[Report], text: str, *, broad: bool = False, within: str = ""
) -> QuerySet[Report]:
    """``reports`` narrowed to those whose document matches ``text`` (the feed's and
    the back office's search, on either database). ``broad``: the words match many
    reports, so on SQLite the match is checked row by row along the feed's date
    index rather than used to find the rows (see Unindexed). ``within``: a region's
    code; only reports in it or in a region inside it match (by the document's
    place words: the text index answers both at once)."""
    if connection.vendor == "postgresql":
        query = tsquery_sql(text)
        if query is None:
            return reports.none()
        sql, params = query
        if within:
            sql = f"({sql} && to_tsquery('simple'::regconfig, %s))"
            params = [*params, place_word(within)]
        matching = f"SELECT report_id FROM {SEARCH_TABLE} WHERE document @@ {sql}"  # noqa: S608
        if broad:
            return reports.filter(pk__in=RawSQL(matching, params))  # noqa: S611
        # Not broad: the GIN index finds every match first, then each is read by its
        # key. As ``id IN (subquery)`` the planner hashed the matches and walked
        # every public report's index, or both tables' keys (20–26 ms for the
        # 1,001 places of "jalan rusak" at 100,000 reports).
        return reports.filter(_AnyOf(F("id"), _Subquery(matching, params)))
    expression = fts5_query(text)
    if expression is None:
        return reports.none()
    if within:
        expression = f'({expression}) AND "{place_word(within)}"'
    # The table's name is a constant and the query a parameter.
    rowids = RawSQL(  # noqa: S611
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        (expression,),
    )
    if broad:
        unindexed = Unindexed(F("id"), output_field=BigIntegerField())
        return reports.alias(_id_unindexed=unindexed).filter(_id_unindexed__in=rowids)
    return reports.filter(pk__in=rowids)


def reports_ranked(reports: QuerySet[Report], text: str) -> QuerySet[Report]:
    """``reports`` matching ``text``, with ``search_rank`` (higher is better): a match
    in the title counts most, then in the category or place, then in the text."""
    if connection.vendor == "postgresql":
        query = tsquery_sql(text)
        if query is None:
            return reports.none()
        sql, params = query
        return reports.extra(  # noqa: S610
            tables=[SEARCH_TABLE],
            where=[f"{SEARCH_TABLE}.report_id = reports_report.id", f"document @@ {sql}"],
            params=params,
            select={"search_rank": f"ts_rank(document, {sql})"},
            select_params=params,
        )
    expression = fts5_query(text)
    if expression is None:
        return reports.none()
    return reports.extra(  # noqa: S610
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = reports_report.id", f"{FTS_TABLE} MATCH %s"],
        params=[expression],
        # bm25 is lower for a better match; column weights: title, body, places.
        select={"search_rank": f"-bm25({FTS_TABLE}, 10.0, 1.0, 4.0)"},
    )


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


class Unindexed(Func):
    """SQLite: a column's value through an expression no index provides (a unary
    plus), so that a filter matching many reports leaves the planner walking the
    feed's date index, filtering as it goes, rather than collecting every match by
    the filter's own index and sorting them all (40 ms at 100,000 reports)."""

    template = "+%(expressions)s"


def _broad(
    reports: QuerySet[Report],
    column: str,
    output_field: Field[Any, Any],
    *,
    indexed: bool,
    **match: object,
) -> QuerySet[Report]:
    """``reports`` filtered on ``column`` (a filter that matches a large share);
    through its index only when ``indexed`` (for a count, which reads no order)."""
    if indexed or connection.vendor != "sqlite":
        return reports.filter(**{f"{column}__{lookup}": v for lookup, v in match.items()})
    name = f"_{column}_unindexed"
    reports = reports.alias(**{name: Unindexed(F(column), output_field=output_field)})
    return reports.filter(**{f"{name}__{lookup}": value for lookup, value in match.items()})


def _narrow(filters: FeedFilters, *, broad_search: bool = False) -> bool:
    """Filters that match few reports: their matches are found by their own index,
    then sorted (a search, a regency or city, an agency)."""
    searching = bool(filters.q.strip()) and not broad_search
    return searching or "." in filters.region or bool(filters.agency)


def _within(code: str, *, narrow: bool) -> Q:
    """The region ``code`` and every region inside it. For a regency or city on
    SQLite, a range of codes its index can serve (a LIKE cannot use one there;
    codes are dotted digits and "/" sorts right after "."); PostgreSQL compares
    text by locale, so there it is a prefix LIKE, which its pattern index serves."""
    if narrow and connection.vendor == "sqlite":
        return Q(region_id__gte=code, region_id__lt=f"{code}/")
    return Q(region_id=code) | Q(region__code__startswith=f"{code}.")


def _filtered(
    filters: FeedFilters, *, broad_search: bool = False, indexed: bool = False
) -> QuerySet[Report]:
    """The public reports the filters find. For a page (``indexed`` False) a filter
    that matches many reports is read along the feed's date index on SQLite (see
    Unindexed); a count or a set of matches, which needs no order, lets each filter
    use its own index (a closed infrastructure count: 15 ms → 2 ms at 100,000)."""
    reports = Report.objects.filter(visible_q(PUBLIC))
    searching = bool(filters.q.strip())
    if filters.region and not searching:
        # (Searching, the region is part of the text match: below.)
        reports = reports.filter(_within(filters.region, narrow="." in filters.region))
    if filters.category:
        categories = _categories()[1].get(filters.category, ())
        reports = _broad(
            reports, "category_id", BigIntegerField(), indexed=indexed, **{"in": categories}
        )
    if filters.agency:
        agency = _agencies().get(filters.agency)
        reports = reports.filter(agency_id=agency[0]) if agency else reports.none()
    if filters.state:
        reports = _broad(reports, "state", CharField(), indexed=indexed, exact=filters.state)
    if filters.type:
        reports = reports.filter(type=filters.type)
    if searching:
        reports = reports_matching(
            reports, filters.q, broad=broad_search and not indexed, within=filters.region
        )
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


def _rows(ids: Any) -> QuerySet[Report]:
    """The rows shown for these ids, with their category, region and agency."""
    return (
        Report.objects.filter(pk__in=ids)
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


def _page(
    reports: QuerySet[Report], *, newest_first: bool, narrow: bool, limit: int
) -> list[Report]:
    """The rows of one page in one query: the ids are chosen and sorted narrow in a
    subquery, then only those rows are read with their category, region and agency."""
    ids = reports.order_by(*_order(newest_first=newest_first, narrow=narrow))
    rows = _rows(ids.values("pk")[:limit])
    return list(
        rows.order_by(*(("-submitted_at", "-id") if newest_first else ("submitted_at", "id")))
    )


def result_count(filters: FeedFilters) -> int:
    """How many reports the filters find, counted up to COUNT_LIMIT + 1 only (the page
    says "more than 1,000" beyond): a broad filter costs no more than reading that
    many ids from an index."""
    return _filtered(filters, indexed=True).values("pk")[: COUNT_LIMIT + 1].count()


@dataclass(frozen=True, slots=True)
class Matches:
    """What a search found, read once for both the count and the page: ``count`` up to
    COUNT_LIMIT + 1, and for a search that found no more than COUNT_LIMIT reports
    their places in the feed (``keys``, newest first), from which any page of it is
    cut without asking the text index again."""

    count: int
    keys: tuple[Cursor, ...] | None = None


def search_matches(filters: FeedFilters) -> Matches:
    """The count for the result line and, for a search of at most COUNT_LIMIT
    matches, every match's place: one reading of the text index where the count and
    the page each read it before (a search within a province matched a few hundred
    reports twice)."""
    if not filters.q.strip():
        return Matches(result_count(filters))
    keys = list(
        _filtered(filters, indexed=True).values_list("submitted_at", "pk")[
            : COUNT_LIMIT + 1
        ]  # unordered
    )
    if len(keys) > COUNT_LIMIT:
        return Matches(len(keys))
    ordered = sorted((Cursor(at, pk) for at, pk in keys), key=_key, reverse=True)
    return Matches(len(keys), tuple(ordered))


def _key(cursor: Cursor) -> tuple[datetime, int]:
    return cursor.submitted_at, cursor.id


def _page_of_matches(
    keys: Sequence[Cursor], *, before: Cursor | None, after: Cursor | None, size: int
) -> FeedPage:
    """report_feed's page, cut from the matches' places (newest first)."""
    if after is not None:
        newer = [key for key in keys if _key(key) > _key(after)]
        if len(newer) <= size:
            return _page_of_matches(keys, before=None, after=None, size=size)
        chosen = newer[-size:]
        return FeedPage(reports=_shown(chosen), older=chosen[-1], newer=chosen[0])
    if before is not None:
        keys = [key for key in keys if _key(key) < _key(before)]
    chosen = list(keys[:size])
    return FeedPage(
        reports=_shown(chosen),
        older=chosen[-1] if chosen and len(keys) > size else None,
        newer=chosen[0] if chosen and before is not None else None,
    )


def _shown(keys: Sequence[Cursor]) -> list[Report]:
    rows = {report.pk: report for report in _rows([key.id for key in keys])}
    return [rows[key.id] for key in keys if key.id in rows]


@dataclass(frozen=True, slots=True)
class RankedPage:
    reports: list[Report]
    number: int  # 1 for the best matches
    has_next: bool


def report_feed_ranked(*, filters: FeedFilters, page: int = 1, size: int = PAGE_SIZE) -> RankedPage:
    """One page of search results by relevance, best first (newest first among equal
    ranks), in two queries. Paged by number, up to RELEVANCE_PAGES pages: ranking
    sorts every match, and nobody reads the 51st page of a ranking; newest first
    (report_feed) pages through them all."""
    page = max(1, min(page, RELEVANCE_PAGES))
    if not filters.q.strip():
        return RankedPage(report_feed(filters=filters, size=size).reports, 1, False)
    unsearched = FeedFilters(**{**_fields(filters), "q": ""})
    ranked = reports_ranked(_filtered(unsearched), filters.q).order_by(
        "-search_rank",  # type: ignore[misc]  # an extra() column
        "-submitted_at",
        "-id",
    )
    start = (page - 1) * size
    page_rows = ranked.values_list("pk", "search_rank")  # type: ignore[misc]
    ids = [pk for pk, _rank in page_rows[start : start + size + 1]]
    has_next = len(ids) > size and page < RELEVANCE_PAGES
    ids = ids[:size]
    rows = {report.pk: report for report in _rows(ids)}
    return RankedPage([rows[pk] for pk in ids if pk in rows], page, has_next)


def _fields(filters: FeedFilters) -> dict[str, str]:
    return {name: getattr(filters, name) for name in FeedFilters.__dataclass_fields__}


def report_feed(
    *,
    filters: FeedFilters,
    before: Cursor | None = None,
    after: Cursor | None = None,
    size: int = PAGE_SIZE,
    found: int | None = None,
    matches: Matches | None = None,
) -> FeedPage:
    """One page of the public feed, newest first, in one query. ``before`` gives the
    page of reports older than that row, ``after`` the page newer than it. Newest
    first rather than by relevance: it pages by keyset, and a citizen looking for a
    case usually knows roughly when it happened. ``found``: result_count's answer,
    when known; a search matching more than COUNT_LIMIT reports is then read along
    the date index (a page is found within the first rows), not sorted whole.
    ``matches``: search_matches' answer, when known; a page is then cut from it."""
    if matches is not None and matches.keys is not None:
        return _page_of_matches(matches.keys, before=before, after=after, size=size)
    broad_search = found is not None and found > COUNT_LIMIT
    reports = _filtered(filters, broad_search=broad_search)
    narrow = _narrow(filters, broad_search=broad_search)
    if after is not None:
        # The first condition bounds the index scan; the second breaks ties.
        newer = reports.filter(submitted_at__gte=after.submitted_at).exclude(
            submitted_at=after.submitted_at, id__lte=after.id
        )
        rows = _page(newer, newest_first=False, narrow=narrow, limit=size + 1)
        if len(rows) <= size:
            # Back at the newest: the first page, exactly as it is first shown.
            return report_feed(filters=filters, size=size, found=found)
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

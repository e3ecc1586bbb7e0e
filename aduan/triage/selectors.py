"""Suggestions where people decide (DESIGN.md §7, "Triage learns"): for a report
being verified, the likeliest categories and agencies with their confidence and the
words that weighed most, beside the citizen's own choice, the routing table's and
the place read from the text. Below ``settings.TRIAGE_MIN_CONFIDENCE`` nothing is
suggested. Without an active model (too little history yet) the routing table's
suggestion stands alone, and the page says so.

Only whoever may verify the report asks: a national admin (and the system, for the
automatic disposition). Anyone else gets nothing — not even that a model exists.

Each process holds the active models in memory; it looks at most every
``settings.REFERENCE_TTL`` seconds whether a newer version became active, and loads
only a version it does not hold."""

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import EllipsisType

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.lib.memo import reference_memo
from aduan.reports import policy
from aduan.reports.models import Action, Report, State
from aduan.reports.policy import Actor
from aduan.routing.selectors import Suggestion, report_bounces, report_routing_suggest
from aduan.triage.classifier import Scored, TextClassifier
from aduan.triage.models import ROUTING_TABLE, Kind, TriageModel
from aduan.triage.places import PlaceReading, report_place_read
from aduan.triage.training import (
    CATEGORY_WORD_PREFIX,
    LOCAL_PROVINCE,
    LOCAL_REGENCY,
    agency_code_for_label,
    agency_facts,
    agency_label,
    report_text,
)

logger = logging.getLogger("aduan.triage")

SHOWN = 3
# What the category classifier reads of a citizen's draft, at most.
DRAFT_MAX = 4000


# -- the models each process holds -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActiveModel:
    pk: int
    kind: str
    version: str
    classifier: TextClassifier


_held: dict[str, ActiveModel] = {}
# Stored versions this process could not use (pk, version): not tried again. (The
# version too: a test database gives a rolled-back row's pk to the next one.)
_unusable: set[tuple[int, str]] = set()
_loading = threading.Lock()


@reference_memo()
def _active_rows() -> tuple[tuple[int, str, str], ...]:
    """(pk, kind, version) of the active models: one small query a while per process."""
    rows = TriageModel.objects.filter(is_active=True).order_by("kind")
    return tuple(rows.values_list("pk", "kind", "version"))


def active_model(kind: str) -> ActiveModel | None:
    """The active model of ``kind``, loaded once per version and process. One this
    code cannot use (signed with another SECRET_KEY, or stored by a release whose
    classifier read texts differently) counts as none: the routing table suggests
    alone until the worker trains a new version."""
    rows = {row_kind: (pk, version) for pk, row_kind, version in _active_rows()}
    if kind not in rows or rows[kind] in _unusable:
        _held.pop(kind, None)
        return None
    pk, version = rows[kind]
    held = _held.get(kind)
    if held is not None and (held.pk, held.version) == (pk, version):
        return held
    with _loading:
        held = _held.get(kind)
        if held is None or (held.pk, held.version) != (pk, version):
            data = TriageModel.objects.filter(pk=pk).values_list("data", flat=True).first()
            classifier = _usable(pk, version, kind, data) if data is not None else None
            if classifier is None:
                _held.pop(kind, None)
                return None
            held = ActiveModel(pk, kind, version, classifier)
            _held[kind] = held
    return held


def _usable(pk: int, version: str, kind: str, data: bytes | memoryview) -> TextClassifier | None:
    """The stored classifier, if it loads and reads a text."""
    try:
        classifier = TextClassifier.from_bytes(data)
        classifier.top("uji")
    except Exception:
        # Never a broken case page for a model: people verify without it.
        logger.exception("triage: the active %s model (id %s) cannot be used", kind, pk)
        _unusable.add((pk, version))
        return None
    return classifier


def active_models_forget() -> None:
    """Drop the models held (a test that trains a new one, a benchmark)."""
    _held.clear()
    _unusable.clear()
    _active_rows.cache_clear()  # type: ignore[attr-defined]


# -- what is shown ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggested:
    """One suggestion: a category (``code``) or an agency (``agency``), its name, the
    model's confidence and the words of the text that weighed most."""

    code: str
    name: str
    confidence: float
    words: tuple[str, ...]
    agency: Agency | None = None
    # A category's parent group, "Infrastruktur" for "Jalan rusak".
    group: str = ""

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)

    def as_json(self) -> dict[str, object]:
        return {"label": self.code, "confidence": round(self.confidence, 4), "words": self.words}


@dataclass(frozen=True, slots=True)
class TriageSuggestion:
    """Everything the verification page shows to help decide."""

    categories: tuple[Suggested, ...]
    agencies: tuple[Suggested, ...]
    # The version of the model each list came from ("" when none is active).
    category_version: str
    agency_version: str
    category_model_id: int | None
    agency_model_id: int | None
    routing: Suggestion | None
    citizen_category: Category | None
    citizen_agency: Agency | None
    place: PlaceReading | None
    min_confidence: float
    # Agencies left out because they bounced this report.
    bounced: tuple[int, ...] = field(default=())

    @property
    def learned(self) -> bool:
        """A model is active (else only the routing table suggests)."""
        return bool(self.category_version or self.agency_version)

    def completion(self, report: Report) -> dict[str, str]:
        """What the report lacks (one from SMS, e-mail, X or the counter), from these
        suggestions, for the admin to check before anything is set: the likeliest
        category's code and the code of the place read from the text."""
        found: dict[str, str] = {}
        if report.category_id is None and self.categories:
            found["category"] = self.categories[0].code
        if report.region_id is None and self.place is not None:
            found["region"] = self.place.code
        return found

    def record_version(self, kind: str) -> str:
        version = self.category_version if kind == Kind.CATEGORY else self.agency_version
        return version or ROUTING_TABLE


def may_see_suggestions(actor: Actor, report: Report) -> bool:
    """Suggestions are for whoever verifies the report, while it waits for it."""
    return report.state == State.SUBMITTED and policy.can(actor, Action.DISPOSE, report)


def triage_suggest(
    *, actor: Actor, report: Report, routing: Suggestion | EllipsisType | None = ...
) -> TriageSuggestion | None:
    """The suggestions for ``report``, or None for an actor who may not verify it.
    ``routing``: the routing table's suggestion when the caller has it already (the
    case page shows it), else it is looked up here."""
    if not settings.TRIAGE_SUGGEST or not may_see_suggestions(actor, report):
        return None
    minimum = settings.TRIAGE_MIN_CONFIDENCE
    place = _place(actor, report)
    region = report.region_id or (place.code if place is not None else None)
    category_model = active_model(Kind.CATEGORY)
    agency_model = active_model(Kind.AGENCY)
    categories: list[Suggested] = []
    if category_model is not None:
        scored = category_model.classifier.top(report_text(title=report.title, body=report.body))
        categories = _categories(scored, minimum)
    bounced = tuple(bounce.agency_id for bounce in report_bounces(report))
    agencies: list[Suggested] = []
    if agency_model is not None:
        category = report.category.code if report.category is not None else ""
        if not category and categories:
            category = categories[0].code
        text = report_text(title=report.title, body=report.body, category=category, target="agency")
        excluded = _bounced_labels(bounced, region)
        scored = agency_model.classifier.top(text, k=SHOWN + len(excluded), excluded=excluded)
        agencies = _agencies(scored, region, minimum, bounced)
    return TriageSuggestion(
        categories=tuple(categories),
        agencies=tuple(agencies),
        category_version=category_model.version if category_model else "",
        agency_version=agency_model.version if agency_model else "",
        category_model_id=category_model.pk if category_model else None,
        agency_model_id=agency_model.pk if agency_model else None,
        routing=(
            report_routing_suggest(report=report) if isinstance(routing, EllipsisType) else routing
        ),
        citizen_category=report.category,
        citizen_agency=report.agency_hint,
        place=place,
        min_confidence=minimum,
        bounced=bounced,
    )


def _place(actor: Actor, report: Report) -> PlaceReading | None:
    """The place read from the text, with the hints ``actor`` may see (the sender's
    earlier reports among them)."""
    return report_place_read(report, actor=actor)


@reference_memo()
def _categories_by_code() -> dict[str, Category]:
    return {c.code: c for c in Category.objects.filter(is_active=True).select_related("parent")}


def _categories(scored: Sequence[Scored], minimum: float) -> list[Suggested]:
    known = _categories_by_code()
    found: list[Suggested] = []
    for item in scored:
        category = known.get(item.label)
        if category is None or item.confidence < minimum:
            continue  # retired since the model learned it, or too unsure
        group = category.parent.label if category.parent is not None else ""
        found.append(
            Suggested(item.label, category.label, item.confidence, item.words, group=group)
        )
    return found[:SHOWN]


@reference_memo(maxsize=1024)
def _agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code, is_active=True).first()


def _bounced_labels(bounced: Sequence[int], region: str | None) -> set[str]:
    if not bounced:
        return set()
    agencies = agency_facts(set(bounced))
    return {agency_label(pk, region, agencies) for pk in bounced if pk in agencies}


def _agencies(
    scored: Sequence[Scored], region: str | None, minimum: float, bounced: Sequence[int]
) -> list[Suggested]:
    """The classes as agencies: "the regency's own government" becomes the
    government of the report's regency. A class that needs a place the report
    does not have yet is named for what it is, without an agency to pick."""
    found: list[Suggested] = []
    for item in scored:
        if item.confidence < minimum:
            continue
        code = agency_code_for_label(item.label, region)
        agency = _agency_by_code(code) if code else None
        if agency is not None and agency.pk in bounced:
            continue
        if agency is not None:
            name = agency.name
        elif item.label == LOCAL_REGENCY:
            name = str(_("Pemerintah kabupaten/kota tempat kejadian (wilayah belum diketahui)"))
        elif item.label == LOCAL_PROVINCE:
            name = str(_("Pemerintah provinsi tempat kejadian (wilayah belum diketahui)"))
        else:
            continue  # an agency dropped from the data since
        # The category's made-up word weighs, but it is no word of the text.
        words = tuple(word for word in item.words if not word.startswith(CATEGORY_WORD_PREFIX))
        found.append(Suggested(code or item.label, name, item.confidence, words, agency))
    return found[:SHOWN]


# -- the portal's form ----------------------------------------------------------------------


def category_suggest_for_draft(*, title: str, body: str) -> list[Suggested]:
    """Categories for what a citizen is writing, before any report exists: the
    model reads only that text and answers only category names (it never shows a
    report). Empty without an active model or below the confidence floor."""
    if not settings.TRIAGE_SUGGEST_PORTAL:
        return []
    model = active_model(Kind.CATEGORY)
    text = f"{title[:300]}\n{body[:DRAFT_MAX]}".strip()
    if model is None or len(text) < 12:
        return []
    scored = model.classifier.top(text)
    return _categories(scored, settings.TRIAGE_MIN_CONFIDENCE)

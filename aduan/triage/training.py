"""What triage learns from: the verified history (DESIGN.md §7, "Triage learns").

A report is verified once it was disposed (a DISPOSE event). It teaches its
**final** category (as the report now reads: corrections at verification included)
and its **final** agency: the agency of the last disposition or re-disposition that
was not bounced. A report still bounced back to the national admin has no final
agency yet. Every bounce is a negative example: the text, and the agency that said
"bukan wewenang".

Agencies are learned relative to the report's place: "the regency's or city's own
government" and "the province's" are one class each, whatever the region, and are
read back with the report's region (``agency_for_label``). So a complaint about a
road in a regency never seen before is still the regency's, and 514 regencies are
not 514 classes with a handful of examples each. Central agencies (PLN, BPJS, a
ministry) are themselves.

The history is read in batches of plain values, never as model instances.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from aduan.agencies.codes import local_government_code
from aduan.agencies.models import Agency
from aduan.categories.models import Category
from aduan.reports.models import Action, Report, ReportEvent

TARGETS = ("category", "agency")
BATCH = 5000

# The agency classes that stand for the report's own local government.
LOCAL_REGENCY = "local:regency"
LOCAL_PROVINCE = "local:province"
_LOCAL_KINDS = {Agency.Kind.REGENCY, Agency.Kind.CITY}


@dataclass(slots=True)
class Examples:
    """Parallel lists, oldest report first: what each verified report says
    (``texts``), what it teaches (``labels``), when it was submitted (``times``),
    and its id and region. ``negatives`` are (text, a label it is not), with the
    submission time of their report in ``negative_times``."""

    target: str
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    regions: list[str | None] = field(default_factory=list)
    negatives: list[tuple[str, str]] = field(default_factory=list)
    negative_times: list[datetime] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True, slots=True)
class AgencyFacts:
    code: str
    kind: str
    region: str | None


def report_text(
    *, title: str, body: str, category: str | None = None, target: str = "category"
) -> str:
    """What the model reads of a report. For the category: title and body. For the
    agency also the category, as one made-up word (letters only, so that the text
    normaliser keeps it whole): the category decides most of the routing, and it
    is known when the agency is suggested (measured: bench/triage.py)."""
    text = f"{title}\n{body}"
    if target == "agency" and category:
        text += "\n" + category_word(category)
    return text


CATEGORY_WORD_PREFIX = "xkat"


def category_word(code: str) -> str:
    letters = "".join(ch for ch in code.lower() if "a" <= ch <= "z")
    return f"{CATEGORY_WORD_PREFIX}{letters}x"


def agency_label(agency_id: int, region_code: str | None, agencies: dict[int, AgencyFacts]) -> str:
    """The class an agency is for a report in ``region_code``."""
    facts = agencies[agency_id]
    if region_code and facts.region:
        if facts.kind in _LOCAL_KINDS and facts.region == region_code[:5]:
            return LOCAL_REGENCY
        if facts.kind == Agency.Kind.PROVINCE and facts.region == region_code[:2]:
            return LOCAL_PROVINCE
    return facts.code


def agency_code_for_label(label: str, region_code: str | None) -> str | None:
    """The agency's code a class stands for, for a report in ``region_code``; None
    when the class needs a place the report does not have."""
    if label == LOCAL_REGENCY:
        parts = (region_code or "").split(".")
        return local_government_code(".".join(parts[:2])) if len(parts) >= 2 else None
    if label == LOCAL_PROVINCE:
        return local_government_code(region_code[:2]) if region_code else None
    return label


def agency_facts(ids: Collection[int] | None = None) -> dict[int, AgencyFacts]:
    """What ``agency_label`` needs of each agency (of ``ids``, or of all 658)."""
    agencies = Agency.objects.all() if ids is None else Agency.objects.filter(pk__in=ids)
    rows = agencies.values_list("pk", "code", "kind", "region_id")
    return {pk: AgencyFacts(code, kind, region) for pk, code, kind, region in rows}


@dataclass(slots=True)
class _Fate:
    """What the disposition events say of one report."""

    holder: int | None = None
    bounced: list[int] = field(default_factory=list)


def _fates(until: datetime | None) -> dict[int, _Fate]:
    """Per verified report: the agency it is with (None when bounced back) and the
    agencies that bounced it, from the events in order."""
    events = ReportEvent.objects.filter(
        action__in=(Action.DISPOSE, Action.REDISPOSE, Action.BOUNCE)
    )
    if until is not None:
        events = events.filter(created_at__lte=until)
    rows = events.order_by("report_id", "created_at", "id").values_list(
        "report_id", "action", "agency_id"
    )
    fates: dict[int, _Fate] = {}
    for report_id, action, agency_id in rows.iterator(chunk_size=BATCH):
        fate = fates.get(report_id)
        if fate is None:
            if action != Action.DISPOSE:
                continue  # not verified (cannot happen by the transition table)
            fate = fates[report_id] = _Fate()
        if action == Action.BOUNCE:
            if fate.holder is not None:
                fate.bounced.append(fate.holder)
            fate.holder = None
        else:
            fate.holder = agency_id
    return fates


def _reports(ids: set[int]) -> Iterator[tuple[int, str, str, int | None, str | None, datetime]]:
    """The verified reports' values, oldest first, a batch at a time (keyset paging
    on the submission time and id: no OFFSET)."""
    if not ids:
        return
    last: tuple[datetime, int] | None = None
    base = Report.objects.order_by("submitted_at", "pk").values_list(
        "pk", "title", "body", "category_id", "region_id", "submitted_at"
    )
    while True:
        page = base
        if last is not None:
            page = page.filter(
                Q(submitted_at__gt=last[0]) | Q(submitted_at=last[0], pk__gt=last[1])
            )
        rows = list(page[:BATCH])
        for row in rows:
            if row[0] in ids:
                yield row
        if len(rows) < BATCH:
            return
        last = (rows[-1][5], rows[-1][0])


def history_examples(
    *, target: str, until: datetime | None = None, latest: int | None = None
) -> Examples:
    """The examples the verified history gives for ``target`` ("category" or
    "agency"), oldest first; ``until`` leaves out what happened after it, and
    ``latest`` keeps only the reports submitted last (that many, with their bounces):
    training time grows with the history, and routing changes over the years."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; expected one of {TARGETS}")
    fates = _fates(until)
    categories = dict(Category.objects.values_list("pk", "code"))
    agencies = agency_facts() if target == "agency" else {}
    examples = Examples(target=target)
    for pk, title, body, category_id, region, submitted_at in _reports(set(fates)):
        if until is not None and submitted_at > until:
            continue
        category = categories.get(category_id) if category_id is not None else None
        text = report_text(title=title, body=body, category=category, target=target)
        fate = fates[pk]
        if target == "category":
            label = category
        else:
            label = agency_label(fate.holder, region, agencies) if fate.holder else None
            for bounced in fate.bounced:
                examples.negatives.append((text, agency_label(bounced, region, agencies)))
                examples.negative_times.append(submitted_at)
        if label is None:
            continue
        examples.texts.append(text)
        examples.labels.append(label)
        examples.times.append(submitted_at)
        examples.report_ids.append(pk)
        examples.regions.append(region)
    return _latest(examples, latest) if latest is not None else examples


def _latest(examples: Examples, count: int) -> Examples:
    """The last ``count`` examples (by submission) and the bounces of reports
    submitted since the first of them."""
    if count < 1:
        raise ValueError("latest must be at least 1")
    if len(examples) <= count:
        return examples
    start = len(examples) - count
    since = examples.times[start]
    kept = [index for index, when in enumerate(examples.negative_times) if when >= since]
    return Examples(
        target=examples.target,
        texts=examples.texts[start:],
        labels=examples.labels[start:],
        times=examples.times[start:],
        report_ids=examples.report_ids[start:],
        regions=examples.regions[start:],
        negatives=[examples.negatives[index] for index in kept],
        negative_times=[examples.negative_times[index] for index in kept],
    )

"""Which agency (and unit) should handle a report: the routing table's suggestion
(DESIGN.md §7). The national admin sees it at disposition and confirms or overrides."""

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.db.models import Q

from aduan.agencies.codes import local_government_code
from aduan.agencies.models import Agency, Unit
from aduan.categories.models import Category
from aduan.lib.memo import reference_memo
from aduan.reports.models import Action, Report, ReportEvent
from aduan.routing.models import RoutingRule
from aduan.workdays.calendar import region_lineage

# How many parts of a region code name the local government of a level:
# "32" the province, "32.74" the regency or city.
_LEVEL_PARTS = {RoutingRule.Level.PROVINCE: 1, RoutingRule.Level.REGENCY: 2}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An agency (and unit) to dispose to, and why: a routing ``rule``, or after a
    bounce an agency the bounce's reason names (``"reason"``) or the supervising
    government of the agency that bounced (``"supervisor"``)."""

    agency: Agency
    unit: Unit | None
    rule: RoutingRule | None
    basis: str = "rule"


def routing_suggest(
    *, category_id: int | None, region_code: str | None, report_type: str
) -> Suggestion | None:
    """The target of the most specific rule that matches the report and can be
    resolved, or None. A rule for the local government of a level needs the report's
    region at least at that level; without one the next rule is tried."""
    if category_id is None:
        return None
    return _first_resolved(
        _rules_for(category_id, region_code, report_type),
        region_code,
        unit_of=_unit_query,
        agency_of=_agency_query,
    )


def _rules_for(category_id: int, region_code: str | None, report_type: str) -> list[RoutingRule]:
    rules = RoutingRule.objects.filter(
        Q(category_id=category_id) | Q(category__children=category_id),
        Q(report_type="") | Q(report_type=report_type),
        _region_q(region_code),
    ).select_related("agency")
    return _ranked(rules, category_id)


class RoutingTable:
    """The whole routing table with every agency and unit it can name, read in four
    queries: suggestions for many reports at once (demo data, imports) without a
    query each. ``suggest`` answers exactly as ``routing_suggest`` does."""

    def __init__(
        self,
        rules: list[RoutingRule],
        parents: dict[int, int | None],
        agencies: dict[str, Agency],
        units: dict[tuple[str, str], Unit],
    ) -> None:
        self._rules: dict[int, list[RoutingRule]] = {}
        for rule in rules:
            self._rules.setdefault(rule.category_id, []).append(rule)
        self._parents, self._agencies, self._units = parents, agencies, units

    @classmethod
    def load(cls) -> "RoutingTable":
        units = Unit.objects.filter(
            agency__is_active=True, is_active=True, unit_type__isnull=False
        ).select_related("agency")
        return cls(
            rules=list(RoutingRule.objects.select_related("agency").order_by("id")),
            parents=dict(Category.objects.values_list("id", "parent_id")),
            agencies={
                a.code: a for a in Agency.objects.filter(is_active=True, region__isnull=False)
            },
            # Lowest id last, so it wins as .first() makes it win in routing_suggest.
            units={(u.agency.code, str(u.unit_type_id)): u for u in units.order_by("-id")},
        )

    def suggest(
        self, *, category_id: int | None, region_code: str | None, report_type: str
    ) -> Suggestion | None:
        if category_id is None:
            return None
        lineage = set(region_lineage(region_code)) if region_code else set()
        parent = self._parents.get(category_id)
        rules = [
            rule
            for category in (category_id, parent)
            if category is not None
            for rule in self._rules.get(category, ())
            if rule.report_type in ("", report_type)
            and (rule.region_id is None or rule.region_id in lineage)
        ]
        return _first_resolved(
            _ranked(rules, category_id),
            region_code,
            unit_of=lambda code, unit_type: self._units.get((code, unit_type)),
            agency_of=self._agencies.get,
        )


def _region_q(region_code: str | None) -> Q:
    regions = Q(region__isnull=True)
    if region_code:
        regions |= Q(region_id__in=region_lineage(region_code))
    return regions


def _ranked(rules: Iterable[RoutingRule], category_id: int) -> list[RoutingRule]:
    """The most specific first; among equals, the oldest rule."""
    in_order = sorted(rules, key=lambda rule: rule.pk)
    return sorted(in_order, key=lambda rule: _specificity(rule, category_id), reverse=True)


def _specificity(rule: RoutingRule, category_id: int) -> tuple[bool, int, bool]:
    # Category before region before type: a rule for road damage anywhere beats a
    # rule for infrastructure in Jakarta. A region's depth is its number of parts.
    depth = 0 if rule.region_id is None else str(rule.region_id).count(".") + 1
    return (rule.category_id == category_id, depth, rule.report_type != "")


def _unit_query(agency_code: str, unit_type: str) -> Unit | None:
    return (
        Unit.objects.select_related("agency")
        .filter(
            agency__code=agency_code,
            agency__is_active=True,
            unit_type_id=unit_type,
            is_active=True,
        )
        .first()
    )


def _agency_query(agency_code: str) -> Agency | None:
    return Agency.objects.filter(code=agency_code, is_active=True).first()


def _first_resolved(
    rules: list[RoutingRule],
    region_code: str | None,
    *,
    unit_of: Callable[[str, str], Unit | None],
    agency_of: Callable[[str], Agency | None],
    excluded: Collection[int] = (),
) -> Suggestion | None:
    for rule in rules:
        suggestion = _resolve(rule, region_code, unit_of=unit_of, agency_of=agency_of)
        if suggestion is not None and suggestion.agency.pk not in excluded:
            return suggestion
    return None


def _resolve(
    rule: RoutingRule,
    region_code: str | None,
    *,
    unit_of: Callable[[str, str], Unit | None],
    agency_of: Callable[[str], Agency | None],
) -> Suggestion | None:
    if rule.agency is not None:
        # An agency dropped from the data file is kept for old reports, not offered.
        return (
            Suggestion(agency=rule.agency, unit=None, rule=rule) if rule.agency.is_active else None
        )
    parts = region_code.split(".") if region_code else []
    needed = _LEVEL_PARTS[RoutingRule.Level(rule.level)]
    if len(parts) < needed:
        return None
    code = local_government_code(".".join(parts[:needed]))
    if rule.unit_type_id:
        unit = unit_of(code, str(rule.unit_type_id))
        if unit is not None:
            return Suggestion(agency=unit.agency, unit=unit, rule=rule)
    agency = agency_of(code)
    return None if agency is None else Suggestion(agency=agency, unit=None, rule=rule)


# -- learning from bounces ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bounce:
    """An agency sent the report back (bukan wewenang), with its reason."""

    agency_id: int
    reason: str


def report_bounces(report: Report) -> list[Bounce]:
    """The report's bounces in order, each with the agency it was with (the last
    disposition or re-disposition before it)."""
    events = (
        ReportEvent.objects.filter(
            report_id=report.pk,
            action__in=(Action.DISPOSE, Action.REDISPOSE, Action.BOUNCE),
        )
        .order_by("created_at", "id")
        .values_list("action", "agency_id", "reason")
    )
    bounces: list[Bounce] = []
    holder: int | None = None
    for action, agency_id, reason in events:
        if action == Action.BOUNCE:
            if holder is not None:
                bounces.append(Bounce(agency_id=holder, reason=reason))
            holder = None
        else:
            holder = agency_id
    return bounces


def report_routing_suggest(*, report: Report) -> Suggestion | None:
    """The suggestion for one report, learning from its bounces: an agency that
    said "bukan wewenang" is not proposed again. Then, in order: the table's rule
    when it names another agency; an agency the last bounce's reason names; the
    next rule of the table; the supervising government of the agency that bounced
    (the province for a regency or city), and its supervisor in turn."""
    bounces = report_bounces(report)
    bounced = {bounce.agency_id for bounce in bounces}
    rules = (
        _rules_for(report.category_id, report.region_id, report.type)
        if report.category_id is not None
        else []
    )
    first = _first_resolved(rules, report.region_id, unit_of=_unit_query, agency_of=_agency_query)
    if first is None or first.agency.pk not in bounced:
        return first
    for bounce in reversed(bounces):
        named = agency_named_in(bounce.reason, excluded=bounced)
        if named is not None:
            return Suggestion(agency=named, unit=None, rule=None, basis="reason")
    after = _first_resolved(
        rules, report.region_id, unit_of=_unit_query, agency_of=_agency_query, excluded=bounced
    )
    if after is not None:
        return after
    agency = Agency.objects.filter(pk=bounces[-1].agency_id).select_related("supervisor").first()
    seen: set[int] = set()
    while agency is not None and agency.supervisor_id is not None and agency.pk not in seen:
        seen.add(agency.pk)
        agency = agency.supervisor
        if agency is not None and agency.is_active and agency.pk not in bounced:
            return Suggestion(agency=agency, unit=None, rule=None, basis="supervisor")
    return None


_WORDS = re.compile(r"[^\w]+")
_LONGEST_NAME = 12  # words


def _words(text: str) -> list[str]:
    return [word for word in _WORDS.split(text.lower()) if word]


@reference_memo()
def _agency_names() -> dict[tuple[str, ...], int]:
    """Each active agency by the ways a reason names it: its name, its short name,
    a local government's name without "Pemerintah" ("Kota Cirebon", "Provinsi Jawa
    Barat"). A name two agencies share names neither."""
    names: dict[tuple[str, ...], int] = {}
    shared: set[tuple[str, ...]] = set()
    agencies = Agency.objects.filter(is_active=True).exclude(kind=Agency.Kind.NATIONAL)
    for pk, name, short_name in agencies.values_list("pk", "name", "short_name"):
        for alias in {name, short_name, name.removeprefix("Pemerintah ")}:
            words = tuple(_words(alias))
            if not words or len("".join(words)) < 3 or len(words) > _LONGEST_NAME:
                continue
            if names.get(words, pk) != pk:
                shared.add(words)
            names[words] = pk
    return {words: pk for words, pk in names.items() if words not in shared}


def agency_named_in(text: str, *, excluded: Collection[int] = ()) -> Agency | None:
    """The agency a text names by one of its names, whole words and any case (the
    longest name found wins: "Kabupaten Cirebon" over "Cirebon"), leaving out
    ``excluded``; None when it names none."""
    words = _words(text)
    names = _agency_names()
    for length in range(min(_LONGEST_NAME, len(words)), 0, -1):
        for start in range(len(words) - length + 1):
            pk = names.get(tuple(words[start : start + length]))
            if pk is not None and pk not in excluded:
                return Agency.objects.filter(pk=pk, is_active=True).first()
    return None


@dataclass(frozen=True, slots=True)
class BouncedRule:
    rule: RoutingRule
    agency: Agency
    bounces: int


def routing_rules_bounced(*, limit: int = 10) -> list[BouncedRule]:
    """The routing rules whose suggestion is bounced most: each bounce counts
    against the rule that, for the report as it now reads, proposes the agency
    that bounced it (a bounce of an agency the admin chose against the table
    counts against no rule)."""
    bounces = (
        ReportEvent.objects.filter(action=Action.BOUNCE)
        .order_by()
        .values_list("report_id", flat=True)
    )
    report_ids = sorted(set(bounces))
    if not report_ids:
        return []
    table = RoutingTable.load()
    counts: Counter[tuple[int, int]] = Counter()
    reports = Report.objects.filter(pk__in=report_ids).only(
        "id", "category_id", "region_id", "type"
    )
    held = _bounced_agencies(report_ids)
    for report in reports.iterator(chunk_size=2000):
        suggestion = table.suggest(
            category_id=report.category_id, region_code=report.region_id, report_type=report.type
        )
        if suggestion is None or suggestion.rule is None:
            continue
        for agency_id in held.get(report.pk, []):
            if agency_id == suggestion.agency.pk:
                counts[(suggestion.rule.pk, agency_id)] += 1
    top = counts.most_common(limit)
    rules = RoutingRule.objects.select_related("category", "region", "agency", "unit_type")
    rules_by_id = rules.in_bulk([rule_id for (rule_id, _agency), _count in top])
    agencies = Agency.objects.in_bulk([agency_id for (_rule, agency_id), _count in top])
    return [
        BouncedRule(rule=rules_by_id[rule_id], agency=agencies[agency_id], bounces=count)
        for (rule_id, agency_id), count in top
        if rule_id in rules_by_id and agency_id in agencies
    ]


def _bounced_agencies(report_ids: list[int]) -> dict[int, list[int]]:
    """Per report, the agency each of its bounces sent it back from."""
    events = (
        ReportEvent.objects.filter(
            report_id__in=report_ids,
            action__in=(Action.DISPOSE, Action.REDISPOSE, Action.BOUNCE),
        )
        .order_by("report_id", "created_at", "id")
        .values_list("report_id", "action", "agency_id")
    )
    held: dict[int, list[int]] = {}
    holder: dict[int, int | None] = {}
    for report_id, action, agency_id in events.iterator(chunk_size=5000):
        if action == Action.BOUNCE:
            previous = holder.get(report_id)
            if previous is not None:
                held.setdefault(report_id, []).append(previous)
            holder[report_id] = None
        else:
            holder[report_id] = agency_id
    return held

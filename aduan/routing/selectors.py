"""Which agency (and unit) should handle a report: the routing table's suggestion
(DESIGN.md §7). The national admin sees it at disposition and confirms or overrides."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

from aduan.agencies.models import Agency, Unit
from aduan.categories.models import Category
from aduan.reference.services import local_government_code
from aduan.routing.models import RoutingRule
from aduan.workdays.calendar import region_lineage

# How many parts of a region code name the local government of a level:
# "32" the province, "32.74" the regency or city.
_LEVEL_PARTS = {RoutingRule.Level.PROVINCE: 1, RoutingRule.Level.REGENCY: 2}


@dataclass(frozen=True, slots=True)
class Suggestion:
    agency: Agency
    unit: Unit | None
    rule: RoutingRule


def routing_suggest(
    *, category_id: int | None, region_code: str | None, report_type: str
) -> Suggestion | None:
    """The target of the most specific rule that matches the report and can be
    resolved, or None. A rule for the local government of a level needs the report's
    region at least at that level; without one the next rule is tried."""
    if category_id is None:
        return None
    rules = RoutingRule.objects.filter(
        Q(category_id=category_id) | Q(category__children=category_id),
        Q(report_type="") | Q(report_type=report_type),
        _region_q(region_code),
    ).select_related("agency")
    return _first_resolved(
        _ranked(rules, category_id), region_code, unit_of=_unit_query, agency_of=_agency_query
    )


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
) -> Suggestion | None:
    for rule in rules:
        suggestion = _resolve(rule, region_code, unit_of=unit_of, agency_of=agency_of)
        if suggestion is not None:
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

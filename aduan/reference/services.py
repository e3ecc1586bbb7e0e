"""Loading reference data: regions, agencies and their units, categories and default
routing rules, in one transaction so a damaged source leaves the database as it was.
Loading again upserts by stable code (no duplicates), and does nothing at all when
the sources have not changed since the last load."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from tqdm import tqdm

from aduan.agencies.codes import NATIONAL_ADMIN_CODE, local_government_code
from aduan.agencies.models import Agency, Unit, UnitType
from aduan.categories.models import Category
from aduan.lib.db import planner_statistics_refresh
from aduan.lib.memo import reference_memo_clear
from aduan.reference.models import DataLoad
from aduan.reference.sources import CENTRAL_KINDS, RegionRow, Sources, read_sources
from aduan.regions import codes
from aduan.regions.models import Region
from aduan.routing.models import RoutingRule

# Bump when the loader's own logic changes, so the next load runs even though the
# source files are the same.
LOADER_VERSION = "1"
BATCH_SIZE = 2000

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class LoadResult:
    loaded: bool
    summary: dict[str, int]


def _upsert[M: models.Model](
    model: type[M],
    objects: Sequence[M],
    *,
    unique: list[str],
    update: list[str],
    bar: "tqdm[Any]",
    among: "models.QuerySet[M] | None" = None,
) -> None:
    """Inserts the new objects and updates the changed ones (by ``unique``); the
    stored rows they may match are ``among``, all of the model's by default."""
    stored = among if among is not None else model._default_manager.all()
    changed = _changed(stored, objects, unique=unique, update=update)
    bar.update(len(objects) - len(changed))
    for start in range(0, len(changed), BATCH_SIZE):
        batch = changed[start : start + BATCH_SIZE]
        model._default_manager.bulk_create(
            batch, update_conflicts=True, unique_fields=unique, update_fields=update
        )
        bar.update(len(batch))


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.attname


def _changed[M: models.Model](
    stored_rows: "models.QuerySet[M]", objects: Sequence[M], *, unique: list[str], update: list[str]
) -> list[M]:
    """The objects that are new or differ from their stored row in a field the load
    updates: a reload of a new edition of the sources writes the rows it changes,
    not all 100,000 of them again."""
    keys = [_column(stored_rows.model, name) for name in unique]
    values = [_column(stored_rows.model, name) for name in update]
    width = len(keys)
    stored = {
        row[:width]: row[width:]
        for row in stored_rows.values_list(*keys, *values).iterator(chunk_size=10_000)
    }
    return [
        obj
        for obj in objects
        if stored.get(tuple(getattr(obj, key) for key in keys))
        != tuple(getattr(obj, value) for value in values)
    ]


def _regions(rows: Iterable[RegionRow]) -> list[Region]:
    return [
        Region(
            code=row.code,
            name=row.name,
            level=row.level,
            parent_id=row.parent,
            time_zone=row.time_zone,
            latitude=row.latitude,
            longitude=row.longitude,
            population=row.population,
            postal_code=row.postal_code,
        )
        for row in rows
    ]


def _local_government(row: RegionRow) -> Agency:
    if row.level == codes.PROVINCE:
        kind, name, short = Agency.Kind.PROVINCE, f"Provinsi {row.name}", f"Pemprov {row.name}"
    elif int(row.code[3:5]) >= 71:
        kind, name = Agency.Kind.CITY, row.name
        short = "Pemkot " + row.name.removeprefix("Kota ")
    else:
        kind, name = Agency.Kind.REGENCY, row.name
        short = "Pemkab " + row.name.removeprefix("Kabupaten ")
    return Agency(
        code=local_government_code(row.code),
        name=f"Pemerintah {name}",
        short_name=short,
        kind=kind,
        region_id=row.code,
    )


def _unit_place(agency: Agency) -> str:
    # "Dinas PUPR" + "Kota Cirebon" / "Provinsi Jawa Barat"
    return agency.name.removeprefix("Pemerintah ")


AGENCY_FIELDS = ["name", "short_name", "kind", "region", "parent", "supervisor", "is_active"]


def _load_agencies(sources: Sources, bar: "tqdm[Any]") -> None:
    national = Agency(
        code=NATIONAL_ADMIN_CODE,
        name="Admin Nasional",
        short_name="Admin Nasional",
        kind=Agency.Kind.NATIONAL,
    )
    central = [
        Agency(code=row.code, name=row.name, short_name=row.short_name, kind=row.kind)
        for row in sources.central_agencies
    ]
    provinces = [_local_government(r) for r in sources.regions if r.level == codes.PROVINCE]
    _upsert(
        Agency, [national, *central, *provinces], unique=["code"], update=AGENCY_FIELDS, bar=bar
    )
    province_ids = dict(
        Agency.objects.filter(kind=Agency.Kind.PROVINCE).values_list("region_id", "id")
    )
    regencies = [_local_government(r) for r in sources.regions if r.level == codes.REGENCY]
    for agency in regencies:
        agency.supervisor_id = province_ids[str(agency.region_id)[:2]]
    _upsert(Agency, regencies, unique=["code"], update=AGENCY_FIELDS, bar=bar)

    # Central agencies dropped from the data file stay (reports refer to them) but
    # are no longer offered.
    Agency.objects.filter(kind__in=CENTRAL_KINDS).exclude(
        code__in=[row.code for row in sources.central_agencies]
    ).update(is_active=False)

    unit_types = [
        UnitType(
            code=row.code,
            name=row.name,
            short_name=row.short_name,
            name_en=row.name_en,
            levels=";".join(row.levels),
        )
        for row in sources.unit_types
    ]
    _upsert(
        UnitType,
        unit_types,
        unique=["code"],
        update=["name", "short_name", "name_en", "levels"],
        bar=bar,
    )

    local = Agency.objects.filter(
        kind__in=[Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY]
    ).only("id", "name", "kind")
    units = [
        Unit(
            agency_id=agency.id,
            unit_type_id=unit_type.code,
            code=unit_type.code,
            name=f"{unit_type.name} {_unit_place(agency)}",
            short_name=f"{unit_type.short_name} {_unit_place(agency)}",
        )
        for agency in local
        for unit_type in sources.unit_types
        if agency.kind in unit_type.levels
    ]
    _upsert(
        Unit,
        units,
        unique=["agency", "code"],
        update=["unit_type", "name", "short_name", "is_active"],
        bar=bar,
    )


def _load_categories(sources: Sources, bar: "tqdm[Any]") -> None:
    fields = ["parent", "name", "name_en", "position", "is_active"]
    parents = [
        Category(code=row.code, name=row.name, name_en=row.name_en, position=row.position)
        for row in sources.categories
        if row.parent is None
    ]
    _upsert(Category, parents, unique=["code"], update=fields, bar=bar)
    parent_ids = dict(Category.objects.filter(parent=None).values_list("code", "id"))
    children = [
        Category(
            code=row.code,
            parent_id=parent_ids[row.parent],
            name=row.name,
            name_en=row.name_en,
            position=row.position,
        )
        for row in sources.categories
        if row.parent is not None
    ]
    _upsert(Category, children, unique=["code"], update=fields, bar=bar)
    Category.objects.exclude(code__in=[row.code for row in sources.categories]).update(
        is_active=False
    )


def _load_routing_rules(sources: Sources, bar: "tqdm[Any]") -> None:
    category_ids = dict(Category.objects.values_list("code", "id"))
    agency_ids = dict(
        Agency.objects.filter(
            code__in={r.agency for r in sources.routing_rules if r.agency}
        ).values_list("code", "id")
    )
    RoutingRule.objects.filter(source=RoutingRule.Source.DEFAULT).delete()
    rules = [
        RoutingRule(
            category_id=category_ids[row.category],
            report_type=row.report_type,
            region_id=row.region,
            agency_id=agency_ids[row.agency] if row.agency else None,
            level=row.level,
            unit_type_id=row.unit_type,
            source=RoutingRule.Source.DEFAULT,
        )
        for row in sources.routing_rules
    ]
    RoutingRule.objects.bulk_create(rules, batch_size=BATCH_SIZE)
    bar.update(len(rules))


def reference_data_load(*, force: bool = False, progress: bool = False) -> LoadResult:
    """Load every reference source. Raises ReferenceDataError (and writes nothing)
    when a source is missing or damaged."""
    sources = read_sources()
    digest = f"{LOADER_VERSION}:{sources.digest}"[:64]
    latest = DataLoad.objects.order_by("-loaded_at", "-id").first()
    if latest is not None and latest.digest == digest and not force:
        return LoadResult(loaded=False, summary=latest.summary)

    local_governments = sum(
        1 for r in sources.regions if r.level in (codes.PROVINCE, codes.REGENCY)
    )
    units = sum(
        1
        for region in sources.regions
        if region.level in (codes.PROVINCE, codes.REGENCY)
        for unit_type in sources.unit_types
        if _local_government(region).kind in unit_type.levels
    )
    summary = {
        **{
            f"regions_{level}": sum(1 for r in sources.regions if r.level == level)
            for level in codes.LEVELS
        },
        "local_governments": local_governments,
        "central_agencies": len(sources.central_agencies),
        "unit_types": len(sources.unit_types),
        "categories": len(sources.categories),
        "routing_rules": len(sources.routing_rules),
        "units": units,
    }
    total = (
        len(sources.regions)
        + 1
        + sum(summary.values())
        - sum(summary[f"regions_{level}"] for level in codes.LEVELS)
    )
    with (
        tqdm(total=total, unit=" rows", desc="Reference data", disable=not progress) as bar,
        transaction.atomic(),
    ):
        for level in codes.LEVELS:  # parents before children
            rows = _regions(r for r in sources.regions if r.level == level)
            _upsert(
                Region,
                rows,
                unique=["code"],
                update=[
                    "name",
                    "level",
                    "parent",
                    "time_zone",
                    "latitude",
                    "longitude",
                    "population",
                    "postal_code",
                ],
                bar=bar,
                among=Region.objects.filter(level=level),
            )
        _load_agencies(sources, bar)
        _load_categories(sources, bar)
        _load_routing_rules(sources, bar)
        DataLoad.objects.create(digest=digest, summary=summary)
    planner_statistics_refresh(Region, Agency, Unit, Category)
    reference_memo_clear()
    return LoadResult(loaded=True, summary=summary)

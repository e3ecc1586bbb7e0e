import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.agencies.models import Agency, Unit, UnitType
from aduan.categories.models import Category
from aduan.reference import services, sources
from aduan.reference.models import DataLoad
from aduan.reference.sources import ReferenceDataError
from aduan.regions.models import Region
from aduan.routing.models import RoutingRule

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "agencies": Agency.objects.count(),
        "units": Unit.objects.count(),
        "categories": Category.objects.count(),
        "rules": RoutingRule.objects.count(),
        "loads": DataLoad.objects.count(),
    }


def test_it_loads_every_region_of_kepmendagri_2025() -> None:
    levels = {level: Region.objects.filter(level=level).count() for level in Region.Level}
    assert levels == {"province": 38, "regency": 514, "district": 7285, "village": 83762}


def test_it_keeps_codes_names_parents_and_time_zones() -> None:
    cirebon = Region.objects.get(code="32.74")
    assert (cirebon.name, cirebon.kind, cirebon.parent_id) == ("Kota Cirebon", "kota", "32")
    assert cirebon.time_zone == "WIB"
    assert Region.objects.get(code="32.09").kind == "kabupaten"
    assert Region.objects.get(code="51").time_zone == "WITA"  # Bali
    assert Region.objects.get(code="94").time_zone == "WIT"  # Papua Tengah
    village = Region.objects.filter(parent__parent_id="32.74").first()
    assert village is not None and village.level == "village"
    assert village.time_zone == "WIB" and village.kind in {"desa", "kelurahan"}
    # Every region below a province sits under the parent its code names.
    assert not Region.objects.exclude(level="province").filter(parent=None).exists()


def test_it_creates_one_local_government_per_province_regency_and_city() -> None:
    local = Agency.objects.filter(kind__in=["province", "regency", "city"])
    assert local.count() == 552
    assert local.filter(kind="city").count() == 98
    kota = Agency.objects.get(region_id="32.74")
    assert kota.name == "Pemerintah Kota Cirebon" and kota.kind == "city"
    assert kota.supervisor is not None
    assert kota.supervisor.name == "Pemerintah Provinsi Jawa Barat"
    assert Agency.objects.get(region_id="32.09").name == "Pemerintah Kabupaten Cirebon"
    # Every regency and city is supervised by its own province.
    for agency in Agency.objects.filter(kind__in=["regency", "city"]).select_related("supervisor"):
        assert agency.supervisor is not None
        assert agency.supervisor.region_id == agency.region_id.split(".")[0]  # type: ignore[union-attr]


def test_local_governments_have_their_common_units() -> None:
    kota = Agency.objects.get(region_id="32.74")
    codes = set(kota.units.values_list("code", flat=True))
    assert {"pupr", "disdukcapil", "dinkes", "disdik", "dishub", "dlh", "satpolpp"} <= codes
    pupr = kota.units.get(code="pupr")
    assert pupr.name.endswith("Kota Cirebon") and pupr.unit_type_id == "pupr"
    # A unit type exists only at the levels its data row names.
    for unit_type in UnitType.objects.all():
        kinds = set(unit_type.levels.split(";"))
        assert not Unit.objects.filter(unit_type=unit_type).exclude(agency__kind__in=kinds).exists()


def test_central_agencies_categories_and_routing_rules_load() -> None:
    assert Agency.objects.filter(code="nasional", kind="national").exists()
    for code in ("pln", "pertamina", "kai", "bpjs_kesehatan"):
        assert Agency.objects.filter(code=code, is_active=True).exists(), code
    assert Agency.objects.filter(kind="ministry").count() >= 30
    tops = Category.objects.filter(parent=None)
    assert tops.count() >= 15
    assert Category.objects.filter(
        code="infrastruktur.jalan", parent__code="infrastruktur"
    ).exists()
    assert RoutingRule.objects.filter(category__code="listrik", agency__code="pln").exists()
    # Each top-level category has at least one routing rule for it or a child.
    for top in tops:
        assert RoutingRule.objects.filter(category__code__startswith=top.code).exists(), top.code


def test_loading_again_changes_nothing() -> None:
    before = _counts()
    result = services.reference_data_load()
    assert result.loaded is False
    assert _counts() == before


def test_forced_reload_updates_in_place_without_duplicates() -> None:
    Region.objects.filter(code="32.74").update(name="Kota Salah")
    before = _counts()
    result = services.reference_data_load(force=True)
    assert result.loaded is True
    after = _counts()
    assert after == {**before, "loads": before["loads"] + 1}
    assert Region.objects.get(code="32.74").name == "Kota Cirebon"


def test_a_forced_reload_writes_only_the_rows_that_changed() -> None:
    Region.objects.filter(code="32.74").update(name="Kota Salah")
    with CaptureQueriesContext(connection) as queries:
        services.reference_data_load(force=True)
    written = [q["sql"] for q in queries if q["sql"].startswith("INSERT INTO")]
    regions = [sql for sql in written if '"regions_region"' in sql]
    # One statement for the one changed region; none for agencies or units.
    assert len(regions) == 1 and "Kota Cirebon" in regions[0] and "Kabupaten" not in regions[0]
    assert not [sql for sql in written if '"agencies_' in sql]
    assert Region.objects.get(code="32.74").name == "Kota Cirebon"


def test_admin_routing_rules_survive_a_reload() -> None:
    rule = RoutingRule.objects.create(
        category=Category.objects.get(code="infrastruktur"),
        agency=Agency.objects.get(code="pln"),
        source=RoutingRule.Source.ADMIN,
    )
    services.reference_data_load(force=True)
    assert RoutingRule.objects.filter(id=rule.id).exists()


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(sources.DATA_DIR, copy)
    monkeypatch.setattr(sources, "DATA_DIR", copy)
    return copy


@pytest.mark.parametrize(
    ("file", "damage", "message"),
    [
        ("categories.csv", None, "categories.csv: cannot read"),
        ("categories.csv", "code,parent_code,name\n", "missing column(s) name_en"),
        ("central_agencies.csv", "code,name,short_name,kind\npln,PLN,PLN,bank\n", "kind must"),
        ("unit_types.csv", b"\xff\xfe broken", "cannot read"),
        (
            "routing_rules.csv",
            "category,report_type,region,agency,level,unit_type\nnope,,,pln,,\n",
            "unknown category",
        ),
        (
            "routing_rules.csv",
            "category,report_type,region,agency,level,unit_type\nlistrik,,99.99.x,pln,,\n",
            "routing_rules.csv",
        ),
    ],
)
def test_a_missing_or_damaged_file_stops_the_load_and_changes_nothing(
    data_copy: Path, file: str, damage: str | bytes | None, message: str
) -> None:
    before = _counts()
    target = data_copy / file
    if damage is None:
        target.unlink()
    elif isinstance(damage, bytes):
        target.write_bytes(damage)
    else:
        target.write_text(damage, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.reference_data_load(force=True)
    assert _counts() == before


def test_a_failure_midway_rolls_back_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    Region.objects.filter(code="32.74").update(name="Kota Salah")
    before = _counts()

    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_load_routing_rules", fail)
    with pytest.raises(RuntimeError):
        services.reference_data_load(force=True)
    assert _counts() == before
    assert Region.objects.get(code="32.74").name == "Kota Salah"  # the region upsert undone


def test_the_command_reports_a_damaged_source_in_one_line(data_copy: Path) -> None:
    (data_copy / "unit_types.csv").write_text("code\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing changed\): unit_types.csv: missing"):
        call_command("load_reference_data", "--force", "--no-progress")

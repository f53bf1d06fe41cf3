"""The Oriental's territories and cells come from the versioned data files, idempotently,
and a broken file loads nothing."""

import csv

import pytest
from django.conf import settings
from django.core.management import call_command

from mouwakaba.core.models import AuditEvent
from mouwakaba.territories import reference
from mouwakaba.territories.models import Cell, Level, Territory

pytestmark = pytest.mark.django_db


def test_the_region_has_its_prefecture_and_seven_provinces():
    assert Territory.objects.get(level=Level.REGION).name_ar == "جهة الشرق"
    provinces = Territory.objects.filter(level=Level.PROVINCE)
    assert provinces.count() == 8
    assert provinces.filter(kind="prefecture").get().code == "MA-OUJ"
    assert set(provinces.values_list("code", flat=True)) == {
        "MA-OUJ",
        "MA-BER",
        "MA-NAD",
        "MA-DRI",
        "MA-TAI",
        "MA-JRA",
        "MA-GUF",
        "MA-FIG",
    }


def test_every_province_has_one_main_commune_with_both_names():
    for province in Territory.objects.filter(level=Level.PROVINCE):
        main = province.children.get(is_main=True)
        assert main.name_ar and main.name_fr


def test_the_reference_deployment_has_its_cells():
    # One MRE cell per prefecture/province, one cell per main commune, the coordination.
    assert Cell.objects.filter(cell_type__code="mre-provincial").count() == 8
    communal = Cell.objects.filter(cell_type__code="communal")
    assert communal.count() == 8
    assert set(communal.values_list("territory__is_main", flat=True)) == {True}
    assert Cell.objects.get(cell_type__code="regional-coordination").territory.level == Level.REGION
    assert Cell.objects.get(code="commune-bouarfa").territory.name_fr == "Bouarfa"


def test_cells_within_a_province_include_its_communes_cells():
    nador = Territory.objects.get(code="MA-NAD")
    assert set(Cell.objects.within(nador).values_list("code", flat=True)) == {
        "mre-nador",
        "commune-nador",
    }


def test_loading_twice_changes_nothing(capsys):
    before = AuditEvent.objects.count()
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "territories.csv: 0 created, 0 updated, 37 unchanged" in out
    assert "cells.csv: 0 created, 0 updated, 17 unchanged" in out
    assert AuditEvent.objects.count() == before


def test_a_changed_name_is_updated_in_place_and_audited(tmp_path):
    for name in ("territories.csv", "cell_types.csv", "cells.csv"):
        (tmp_path / name).write_text(
            (settings.DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    text = (tmp_path / "cells.csv").read_text(encoding="utf-8")
    (tmp_path / "cells.csv").write_text(
        text.replace("Reception cell of the commune of Nador", "Nador cell"), encoding="utf-8"
    )
    pk = Cell.objects.get(code="commune-nador").pk
    report = reference.load(tmp_path)
    assert report["cells.csv"] == {"created": 0, "updated": 1, "unchanged": 16}
    assert Cell.objects.get(pk=pk).name_en == "Nador cell"
    assert AuditEvent.objects.filter(object_type="reference", object_id="cells.csv").exists()


def test_a_file_with_an_unknown_parent_loads_nothing(tmp_path):
    rows = reference.read_csv(settings.DATA_DIR / "territories.csv")
    rows.append({**rows[-1], "code": "TAO-NEW", "parent_code": "MA-NOWHERE"})
    rows.insert(len(rows) - 1, {**rows[-2], "code": "TAO-FIRST", "parent_code": "MA-TAI"})
    with pytest.raises(reference.ReferenceDataError, match="bad parent"):
        reference.load_territories(rows)
    assert not Territory.objects.filter(code__in=["TAO-NEW", "TAO-FIRST"]).exists()


def test_a_cell_at_the_wrong_level_is_refused(tmp_path):
    rows = [
        {
            "code": "x",
            "cell_type": "communal",
            "territory": "MA-NAD",
            "name_ar": "x",
            "name_fr": "x",
            "name_en": "x",
        }
    ]
    with pytest.raises(reference.ReferenceDataError, match="level"):
        reference.load_cells(rows)
    assert not Cell.objects.filter(code="x").exists()


def test_the_data_file_matches_the_programme_facts():
    with (settings.DATA_DIR / "territories.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"level", "code", "parent_code", "name_ar", "name_fr", "name_en", "kind", "main"} <= set(
        rows[0]
    )
    assert sum(1 for row in rows if row["main"] == "yes") == 8

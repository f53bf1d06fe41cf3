"""The Oriental's service directory comes from data/directory/services.json: enough
services for every need and every province, idempotent, audited, all or nothing."""

import json
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.models import AuditEvent
from mouwakaba.directory import reference
from mouwakaba.directory.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
)
from mouwakaba.territories.models import Level, Territory

pytestmark = pytest.mark.django_db


def test_the_directory_has_forty_services_or_more_for_every_need():
    assert Service.objects.count() >= 40
    for domain in NeedDomain:
        assert Service.objects.for_domain(domain).exists(), domain


def test_every_prefecture_and_province_has_services_delivered_in_it():
    for province in Territory.objects.filter(level=Level.PROVINCE):
        at_a_place = Service.objects.filter(
            service_at_locations__location__commune__path__startswith=province.path
        )
        assert at_a_place.count() >= 4, province.code


def test_the_regional_hospital_of_oujda_has_the_demo_focal_points_id(hospital):
    assert hospital.name_fr == "Centre hospitalier régional Al Farabi, Oujda"
    assert hospital.name_ar == "المركز الاستشفائي الجهوي الفارابي بوجدة"
    health = hospital.services.for_domain(NeedDomain.HEALTH)
    assert health.filter(service_at_locations__location__commune__code="OUJ-OUJDA").exists()


def test_the_real_kinds_of_provider_are_there():
    for short_name in ("DGSN", "ANAPEC", "OFPPT", "CNSS", "AREF de l'Oriental"):
        assert Organization.objects.filter(alternate_name=short_name).exists(), short_name
    assert Organization.objects.filter(kind="commune").count() == 8
    assert Organization.objects.filter(kind="justice").exists()
    assert Organization.objects.filter(kind="association").count() >= 3
    assert Service.objects.filter(alternate_name="Marhaba").exists()
    assert Organization.objects.filter(name_fr="Entraide nationale").exists()


def test_names_exist_in_arabic_french_and_english():
    for model in (Organization, Service, Location):
        assert not model.objects.filter(name_ar="").exists()
        assert not model.objects.filter(name_fr="").exists()
        assert not model.objects.filter(name_en="").exists()


def test_unverified_details_are_marked_as_sample_data():
    assert not Location.objects.filter(is_sample_data=False).exists()
    assert not Schedule.objects.filter(is_sample_data=False).exists()
    assert not Phone.objects.filter(is_sample_data=False).exists()
    assert not Service.objects.filter(is_sample_data=False).exists()


def test_loading_again_changes_nothing(capsys):
    before = AuditEvent.objects.count()
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "directory/services.json: 0 created, 0 updated, " in out
    assert AuditEvent.objects.count() == before


def _copy_data(tmp_path):
    shutil.copytree(settings.DATA_DIR / "directory", tmp_path / "directory")
    return tmp_path / "directory" / "services.json"


def test_a_changed_name_is_updated_in_place_and_audited(tmp_path, emergency):
    path = _copy_data(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"Emergency department"', '"Emergencies"'),
        encoding="utf-8",
    )
    before = emergency.updated_at
    report = reference.load(tmp_path)
    assert report[reference.FILENAME]["updated"] == 1
    emergency.refresh_from_db()
    assert emergency.name_en == "Emergencies"
    assert emergency.updated_at > before
    assert AuditEvent.objects.filter(object_type="reference", object_id=reference.FILENAME).exists()


def test_a_removed_document_is_removed_from_the_service(tmp_path, emergency):
    path = _copy_data(tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    hospital = next(o for o in raw["organizations"] if o["id"] == str(emergency.organization_id))
    entry = next(s for s in hospital["services"] if s["id"] == str(emergency.pk))
    entry["documents"] = entry["documents"][:1]
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    reference.load(tmp_path)
    assert emergency.required_documents.count() == 1


def test_a_file_with_a_mistake_loads_nothing_and_says_where(tmp_path):
    path = _copy_data(tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["organizations"][0]["name"]["fr"] = "Renamed first"
    raw["organizations"][3]["services"][0]["needs"] = ["heath"]
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(
        reference.ReferenceDataError, match=r"organizations\[3\]\.services\[0\]\.needs\[0\]"
    ):
        reference.load(tmp_path)
    assert not Organization.objects.filter(name_fr="Renamed first").exists()


def test_a_service_at_an_unknown_place_loads_nothing(tmp_path):
    path = _copy_data(tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["organizations"][0]["name"]["fr"] = "Renamed first"
    raw["organizations"][1]["services"][0]["at"] = ["nowhere"]
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(reference.ReferenceDataError, match="no location 'nowhere'"):
        reference.load(tmp_path)
    assert not Organization.objects.filter(name_fr="Renamed first").exists()


def test_an_unknown_commune_loads_nothing(tmp_path):
    path = _copy_data(tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["organizations"][0]["name"]["fr"] = "Renamed first"
    raw["organizations"][2]["locations"][0]["commune"] = "OUJ-NOWHERE"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(reference.ReferenceDataError, match="OUJ-NOWHERE"):
        reference.load(tmp_path)
    assert not Organization.objects.filter(name_fr="Renamed first").exists()


def test_a_data_folder_without_a_directory_is_skipped(tmp_path):
    assert reference.load(tmp_path) == {}


def test_the_expanded_file_is_valid_hsds():
    from mouwakaba.directory.hsds import importer

    dataset = reference.read(settings.DATA_DIR)
    assert importer.problems(dataset) == []
    assert len(dataset["services"]) == Service.objects.count()


def test_need_terms_are_named_from_the_codes_translations():
    term = TaxonomyTerm.objects.need_domains().get(code="civil_status")
    assert (term.name_ar, term.name_fr, term.name_en) == (
        "الحالة المدنية",
        "état civil",
        "civil status",
    )

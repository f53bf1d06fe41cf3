"""The directory goes out and comes back as HSDS 3.0 JSON: the export conforms, an
import of it changes nothing, and a broken file imports nothing and says where."""

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.directory.hsds import importer
from mouwakaba.directory.models import (
    Language,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

pytestmark = pytest.mark.django_db

EXAMPLES = settings.DATA_DIR / "hsds-3.0" / "examples"


@pytest.fixture
def exported(tmp_path):
    path = tmp_path / "directory.json"
    call_command("export_hsds", str(path), verbosity=0)
    return path


def _counts():
    models = (Organization, Location, Service, ServiceAtLocation, Phone, Schedule, Language)
    return {model.__name__: model.objects.count() for model in (*models, RequiredDocument)}


def test_the_export_conforms_and_holds_everything(exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert importer.problems(document) == []
    assert len(document["services"]) == Service.objects.count()
    assert len(document["organizations"]) == Organization.objects.count()
    assert len(document["taxonomy_terms"]) == TaxonomyTerm.objects.count()
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="directory.export"
    ).exists()


def test_importing_the_export_again_changes_nothing(exported, capsys):
    before = _counts()
    stamps = dict(Service.objects.values_list("pk", "updated_at"))
    call_command("import_hsds", str(exported))
    out = capsys.readouterr().out
    assert "services: 0 created, 0 updated" in out
    assert _counts() == before
    assert dict(Service.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEvent.objects.filter(object_type="directory.import").exists()


def test_an_emptied_directory_comes_back_whole_from_its_export(exported, emergency):
    before = _counts()
    Service.objects.all().delete()
    Organization.objects.all().delete()
    assert Location.objects.count() == 0
    call_command("import_hsds", str(exported), verbosity=0)
    assert _counts() == before
    again = Service.objects.get(pk=emergency.pk)
    assert (again.name_ar, again.name_fr, again.name_en) == (
        emergency.name_ar,
        emergency.name_fr,
        emergency.name_en,
    )
    assert again.description_ar == emergency.description_ar
    assert [d.document_fr for d in again.required_documents.all()] == [
        d.document_fr for d in emergency.required_documents.all()
    ]
    assert set(again.taxonomy_terms.values_list("code", flat=True)) == {"health"}
    assert again.search_key == emergency.search_key
    assert again.is_sample_data and again.answer_delay_days == emergency.answer_delay_days


def _with_hours(document):
    """The index of a service whose first place has its own opening hours."""
    return next(
        index
        for index, service in enumerate(document["services"])
        if service["service_at_locations"] and service["service_at_locations"][0]["schedules"]
    )


def test_a_file_that_breaks_the_schema_imports_nothing_and_says_where(exported, emergency):
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["organizations"][0]["name"] = "Renamed"
    document["organizations"][0]["translations"] = {}
    document["services"][_with_hours(document)]["service_at_locations"][0]["schedules"][0][
        "freq"
    ] = "DAILY"
    document["services"][0]["status"] = "open"
    exported.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported") as raised:
        call_command("import_hsds", str(exported), verbosity=0)
    assert "2 problem(s)" in str(raised.value)
    assert not Organization.objects.filter(name_fr="Renamed").exists()


def test_the_problems_name_their_place(exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    index = _with_hours(document)
    document["services"][index]["service_at_locations"][0]["schedules"][0]["freq"] = "DAILY"
    document["services"][0]["status"] = "open"
    found = importer.problems(document)
    assert (
        f"services[{index}].service_at_locations[0].schedules[0].freq: 'DAILY' is not one of ['WEEKLY', 'MONTHLY']"
        in found
    )
    assert (
        "services[0].status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']"
        in found
    )


def test_a_file_pointing_at_an_unknown_place_imports_nothing(exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["organizations"][0]["translations"]["fr"]["name"] = "Renamed"
    document["services"][3]["service_at_locations"][0]["location_id"] = (
        "00000000-0000-4000-8000-000000000000"
    )
    exported.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"services\[3\]\.service_at_locations\[0\]\.location_id"
    ):
        call_command("import_hsds", str(exported), verbosity=0)
    assert not Organization.objects.filter(name_fr="Renamed").exists()


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"services": [', encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("import_hsds", str(path), verbosity=0)


def _example(latitude=None):
    """The specification's example service, its place moved to Oujda (its latitude of
    100 is impossible: it is kept unless another is given)."""
    service = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    places = [service["service_at_locations"][0]["location"], *service["organization"]["locations"]]
    for place in places:
        place["addresses"][0]["city"] = "Oujda"
        if latitude is not None:
            place["latitude"], place["longitude"] = latitude, -1.9086
    return service


def test_a_service_from_another_hsds_api_is_imported(tmp_path, capsys):
    service = _example(latitude=34.6814)
    path = tmp_path / "service.json"
    path.write_text(json.dumps(service), encoding="utf-8")
    call_command("import_hsds", str(path), "--language", "en")
    imported = Service.objects.get(pk=service["id"])
    assert imported.name_en == "Community Counselling" and imported.name_fr == ""
    assert imported.organization.name_en == "Example Organization Inc."
    place = imported.service_at_locations.get().location
    assert place.commune.code == "OUJ-OUJDA"  # found by the city of its address
    assert Language.objects.filter(service=imported, code="ur").get().label == "Urdu"
    # One phone id is used for the service, its location and its contact: each owner
    # gets its own row.
    assert Phone.objects.filter(service=imported).count() == 1
    assert Phone.objects.filter(location=place).count() == 1
    # Its attribute links a "link_entity" that is not a service: left out.
    assert not imported.taxonomy_terms.exists()
    assert "warning" in capsys.readouterr().err  # the area "MyCity" is not a territory
    before = _counts()
    call_command("import_hsds", str(path), "--language", "en", verbosity=0)
    assert _counts() == before


def test_an_impossible_latitude_is_refused_with_where(tmp_path):
    service = _example()
    path = tmp_path / "service.json"
    path.write_text(json.dumps(service), encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"services\[0\]\.organization\.locations\[0\]: latitude"
    ):
        call_command("import_hsds", str(path), verbosity=0)
    assert not Service.objects.filter(pk=service["id"]).exists()
    assert not Organization.objects.filter(pk=service["organization"]["id"]).exists()


def test_many_records_show_a_progress_bar(exported, capsys):
    call_command("import_hsds", str(exported))
    assert f"{Service.objects.count()}/{Service.objects.count()}" in capsys.readouterr().err


def test_export_to_standard_output(capsys):
    call_command("export_hsds", "-", "--language", "ar")
    document = json.loads(capsys.readouterr().out)
    assert document["language"] == "ar"
    assert document["hsds_version"] == "3.0"

"""The HSDS 3.0 schemas are vendored with the code and resolve among themselves,
without the network."""

import json

import pytest
from django.conf import settings
from referencing.exceptions import Unresolvable

from mouwakaba.directory.hsds import schemas

EXAMPLES = settings.DATA_DIR / "hsds-3.0" / "examples"


def _example(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def test_the_vendored_files_keep_their_licence_and_attribution():
    readme = (settings.DATA_DIR / "hsds-3.0" / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in readme
    assert "Open Referral" in readme


def test_the_specifications_own_examples_conform():
    assert list(schemas.errors("service", _example("service_full.json"))) == []
    assert list(schemas.errors("organization", _example("organization_full.json"))) == []
    for item in _example("service_list.json")["contents"]:
        assert list(schemas.errors("service", item)) == []


def test_errors_say_where_they_are_deep_in_a_document():
    service = _example("service_full.json")
    service["service_at_locations"][0]["location"]["latitude"] = "north"
    service["status"] = "open"
    service["phones"][0]["id"] = "not-a-uuid"
    service["last_modified"] = "yesterday"
    found = list(schemas.errors("service", service, "services[2]"))
    assert (
        "services[2].service_at_locations[0].location.latitude: 'north' is not of type 'number'"
        in found
    )
    assert any(p.startswith("services[2].status:") for p in found)
    assert any(p.startswith("services[2].phones[0].id:") for p in found)
    assert any(p.startswith("services[2].last_modified:") for p in found)


def test_a_reference_outside_the_vendored_schemas_fails_instead_of_fetching_it():
    with pytest.raises(Unresolvable):
        schemas.registry().resolver().lookup("https://example.org/schema/service.json")


def test_the_schemas_are_read_from_the_projects_data_folder():
    assert schemas.schema_dir() == settings.DATA_DIR / "hsds-3.0" / "schema"
    assert "/work/shared" not in str(schemas.schema_dir())

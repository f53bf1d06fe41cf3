import pytest
from rest_framework.test import APIClient

from mouwakaba.territories.models import Cell, CellType, Territory

pytestmark = pytest.mark.django_db


def test_the_cells_page_lists_every_province_and_cell(client, personas):
    client.force_login(personas.agent_a)
    html = client.get("/fr/cells/").content.decode()
    for name in (
        "Province de Figuig",
        "Cellule d&#x27;accueil de la commune de Bouarfa",
        "Coordination régionale",
    ):
        assert name in html


def test_the_cells_page_needs_a_login(client):
    assert client.get("/fr/cells/").status_code == 302


def test_the_cells_page_costs_the_same_queries_with_more_cells(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.agent_a)
    with django_assert_num_queries(7) as before:
        client.get("/ar/cells/")
    communal = CellType.objects.get(code="communal")
    for commune in Territory.objects.filter(level="commune", is_main=False)[:10]:
        Cell.objects.create(
            code=f"extra-{commune.pk}",
            cell_type=communal,
            territory=commune,
            name_ar="خلية",
            name_fr="Cellule",
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/ar/cells/")


@pytest.fixture
def api(personas):
    client = APIClient()
    client.force_authenticate(personas.agent_a)
    return client


def test_territories_are_listed_and_filtered_by_level_and_parent(api):
    provinces = api.get("/api/v1/territories/", {"level": "province"}).json()
    assert provinces["count"] == 8
    nador = Territory.objects.get(code="MA-NAD")
    communes = api.get("/api/v1/territories/", {"parent": nador.pk}).json()["results"]
    assert {c["code"] for c in communes} >= {"NAD-NADOR", "NAD-ZAIO"}
    assert all(c["parent"] == nador.pk for c in communes)


def test_names_follow_accept_language(api):
    nador = Territory.objects.get(code="MA-NAD")
    body = api.get(f"/api/v1/territories/{nador.pk}/", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert body["name"] == "إقليم الناظور"
    body = api.get(f"/api/v1/territories/{nador.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["name"] == "Province de Nador"


def test_cells_are_filtered_by_territory_subtree_and_type(api):
    nador = Territory.objects.get(code="MA-NAD")
    codes = {
        c["code"] for c in api.get("/api/v1/cells/", {"territory": nador.pk}).json()["results"]
    }
    assert codes == {"mre-nador", "commune-nador"}
    communal = api.get("/api/v1/cells/", {"type": "communal"}).json()
    assert communal["count"] == 8
    assert api.get("/api/v1/cells/", {"territory": "nope"}).json()["count"] == 0


def test_reference_endpoints_need_authentication():
    assert APIClient().get("/api/v1/cells/").status_code in (401, 403)

"""The home page tells each role where they work and what they can do."""

import pytest

pytestmark = pytest.mark.django_db


def home(client, user, lang="fr"):
    client.force_login(user)
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/fr/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/")


def test_an_agent_sees_their_cell_in_arabic_and_their_colleagues(client, personas):
    html = home(client, personas.agent_a, "ar")
    assert "خلية الاستقبال بجماعة وجدة" in html
    assert "colleague_a" in html or personas.colleague_a.get_full_name() in html
    assert "agent_b" not in html


def test_a_cell_head_is_told_they_lead_the_cell(client, personas):
    assert "Diriger votre cellule" in home(client, personas.head_a)


def test_a_provincial_coordinator_sees_the_cells_of_the_province(client, personas):
    html = home(client, personas.coordinator_nador)
    assert "Province de Nador" in html
    assert "Cellule d&#x27;accueil de la commune de Nador" in html
    assert "Oujda" not in html.split("<main")[1]


def test_the_regional_coordinator_sees_all_cells(client, personas):
    html = home(client, personas.regional, "en")
    assert "You coordinate 17 cells" in html


def test_a_focal_point_is_told_what_they_will_answer(client, personas):
    assert "adressées à votre organisation" in home(client, personas.focal_point)


def test_the_auditor_sees_the_way_to_the_trail(client, personas):
    assert "/fr/audit/" in home(client, personas.auditor)


def test_an_account_without_role_is_told_so(client, personas):
    assert "aucun rôle" in home(client, personas.no_role)


def test_the_home_page_does_not_query_per_cell(client, personas, django_assert_max_num_queries):
    client.force_login(personas.regional)
    with django_assert_max_num_queries(8):
        client.get("/fr/")

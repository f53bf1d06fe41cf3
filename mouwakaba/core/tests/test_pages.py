"""Every page in three languages, right to left in Arabic, and nothing fetched from
another host."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.IGNORECASE)


def pages_for(client, personas):
    client.force_login(personas.administrator)
    return ["/{lang}/", "/{lang}/cells/", "/{lang}/audit/", "/{lang}/accounts/password/"]


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_pages_carry_language_and_direction(client, personas, lang, direction):
    for page in pages_for(client, personas):
        html = client.get(page.format(lang=lang)).content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in html, page


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_pages_fetch_nothing_from_another_host(client, personas, lang):
    for page in pages_for(client, personas):
        html = client.get(page.format(lang=lang)).content.decode()
        assert not EXTERNAL.search(html), page
    client.logout()
    html = client.get(f"/{lang}/accounts/login/").content.decode()
    assert not EXTERNAL.search(html)


def test_the_stylesheet_uses_logical_properties_only():
    with open(finders.find("core/css/app.css"), encoding="utf-8") as handle:
        css = handle.read()
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)", css
    )
    assert physical == []


def test_the_root_sends_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_the_language_switch_keeps_the_page_and_remembers_the_choice(client, personas):
    client.force_login(personas.agent_a)
    response = client.post(
        "/fr/language/", {"language": "ar", "next": "/fr/cells/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert response["Location"] == "/ar/cells/"
    personas.agent_a.refresh_from_db()
    assert personas.agent_a.language == "ar"


def test_the_api_docs_load_their_assets_from_this_server(client, personas):
    client.force_login(personas.agent_a)
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert not EXTERNAL.search(html)


def test_staff_pages_are_not_offered_in_spanish(client, personas):
    client.force_login(personas.agent_a)
    response = client.get("/es/cells/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/cells/"
    html = client.get("/fr/cells/").content.decode()
    assert 'value="es"' not in html

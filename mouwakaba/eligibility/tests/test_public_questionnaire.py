""" "What could I be entitled to?": anonymous, in four languages, the same rules as a case,
and nothing stored or logged — no audit event, no session, no cookie, no data in the URL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session

from mouwakaba.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/{lang}/directory/entitled/"
RESIDENCE = "585722e0-2f5c-513d-8e37-82d0d2b06c5a"
CNIE = "6326d0a0-363b-5b47-a512-acf0582008f9"
ANSWERS = {
    "population": "foreign",
    "legal_status": "regular",
    "status_valid": "yes",
    "age": "30",
    "sex": "F",
    "documents": ["residence_card", "passport"],
    "commune": "MA-02/MA-OUJ/OUJ-OUJDA/",
    "need": "",
}


@pytest.mark.parametrize("lang", ["ar", "fr", "en", "es"])
def test_questionnaire_is_public_in_four_languages(client, lang):
    response = client.get(URL.format(lang=lang))
    assert response.status_code == 200
    assert f'lang="{lang}"' in response.content.decode()


def test_answers_list_likely_services_with_reasons(client):
    response = client.post(URL.format(lang="en"), ANSWERS)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/en/directory/services/{RESIDENCE}/"' in page
    assert f"/en/directory/services/{CNIE}/" not in page  # for Moroccans only
    assert 'data-testid="reasons"' in page


def test_unknown_answers_give_to_verify_with_what_to_bring(client):
    response = client.post(URL.format(lang="en"), {**ANSWERS, "status_valid": "", "need": "papers"})
    results = response.context["results"]
    residence = next(r for r in results if str(r["service"].pk) == RESIDENCE)
    assert residence["decision"].status == "to_verify"
    assert residence["decision"].missing


def test_need_narrows_the_services(client):
    response = client.post(URL.format(lang="en"), {**ANSWERS, "need": "education"})
    domains = {d for r in response.context["results"] for d in r["service"].need_domains()}
    assert "education" in domains
    assert all("education" in r["service"].need_domains() for r in response.context["results"])


def test_bad_answers_are_refused_clearly(client):
    response = client.post(URL.format(lang="fr"), {**ANSWERS, "age": "300"})
    assert response.status_code == 200
    assert response.context["form"].errors["age"]
    assert response.context["results"] == []


def test_nothing_is_stored_or_logged(client, caplog):
    events = AuditEvent.objects.count()
    sessions = Session.objects.count()
    with caplog.at_level(logging.DEBUG):
        response = client.post(URL.format(lang="es"), ANSWERS)
    assert response.status_code == 200
    assert AuditEvent.objects.count() == events
    assert Session.objects.count() == sessions
    assert "sessionid" not in response.cookies
    assert not client.session.keys()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "residence_card" not in caplog.text and "OUJ-OUJDA" not in caplog.text


def test_page_is_light(client):
    from django.contrib.staticfiles import finders

    page = client.post(URL.format(lang="es"), ANSWERS).content
    assets = [
        "core/css/app.css",
        "core/js/app.js",
        "core/vendor/htmx-2.0.11.min.js",
        "eligibility/eligibility.css",
        "core/favicon.svg",
    ]
    size = len(page) + sum(Path(finders.find(a)).stat().st_size for a in assets)
    assert size < 200 * 1024


def test_directory_links_to_the_questionnaire(client):
    page = client.get("/es/directory/").content.decode()
    assert 'href="/es/directory/entitled/"' in page

"""The public directory: anyone, without an account, in four languages, light enough for
a weak phone connection, and nothing fetched from another host."""

import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mouwakaba.directory.models import Service, ServiceStatus

from .factories import make_organization, make_service

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.IGNORECASE)
ASSET = re.compile(r"""(?:src|href)=["'](/static/[^"'?#]+)""")
LANGUAGES = [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr"), ("es", "ltr")]
BUDGET = 200 * 1024


def public_pages(emergency):
    return [
        "/{lang}/directory/",
        "/{lang}/directory/?need=health&province=MA-OUJ",
        "/{lang}/directory/?q=%D8%A7%D9%84%D9%81%D8%B1%D8%A7%D8%A8%D9%8A",  # الفرابي
        "/{lang}/directory/?commune=NAD-NADOR&page=2",
        f"/{{lang}}/directory/services/{emergency.pk}/",
        f"/{{lang}}/directory/organizations/{emergency.organization_id}/",
    ]


def weight(client, url):
    """The bytes of a page and of every static file it references."""
    html = client.get(url).content
    total = len(html)
    for asset in set(ASSET.findall(html.decode())):
        path = finders.find(asset.removeprefix("/static/"))
        assert path, asset
        with open(path, "rb") as handle:
            total += len(handle.read())
    return total


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_anyone_reads_the_directory_in_four_languages(client, emergency, lang, direction):
    for page in public_pages(emergency):
        response = client.get(page.format(lang=lang))
        assert response.status_code == 200, page
        html = response.content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in html, page
        assert not EXTERNAL.search(html), page
        assert 'href="/' + lang + '/accounts/login/"' in html, page  # staff log in from here


@pytest.mark.parametrize(("lang", "_direction"), LANGUAGES)
def test_no_public_page_weighs_more_than_200_kb_with_its_assets(
    client, emergency, lang, _direction
):
    for page in public_pages(emergency):
        assert weight(client, page.format(lang=lang)) < BUDGET, page


def test_the_language_switch_offers_spanish_on_public_pages(client):
    html = client.get("/fr/directory/").content.decode()
    for code in ("ar", "fr", "en", "es"):
        assert f'name="language" value="{code}"' in html
    response = client.post(
        "/fr/language/", {"language": "es", "next": "/fr/directory/?need=health"}
    )
    assert response["Location"] == "/es/directory/?need=health"


def test_the_directory_is_in_spanish(client, emergency):
    html = client.get("/es/directory/?need=health").content.decode()
    assert "Buscar un servicio" in html
    assert "Salud" in html
    page = client.get(f"/es/directory/services/{emergency.pk}/").content.decode()
    assert "Documentos que hay que llevar" in page
    assert "Urgences" in page  # names are in Arabic, French and English: French for Spanish


def test_browsing_by_need_and_province_lists_only_what_answers(client):
    response = client.get("/fr/directory/", {"need": "health", "province": "MA-OUJ"})
    results = response.context["results"]
    assert results
    for service in results:
        assert "health" in {term.code for term in service.taxonomy_terms.all()}
    expected = (
        Service.objects.listed().for_domain("health").serving(response.context["place"]).count()
    )
    assert response.context["page"].paginator.count == expected


def test_a_commune_narrows_to_services_there_or_for_its_area(client):
    response = client.get("/fr/directory/", {"commune": "NAD-BENIANSAR", "province": "MA-NAD"})
    names = {s.alternate_name for s in response.context["page"].paginator.object_list}
    assert "Marhaba" in names  # at the port of Beni Ansar
    assert "RSU" in names  # online, for the whole region
    assert "CNIE" not in names  # the identity card offices are elsewhere
    assert response.context["place"].code == "NAD-BENIANSAR"


def test_search_forgives_the_spelling_of_names_in_both_scripts(client, hospital):
    for query in ("الفرابي", "farrabi", "hopital farabi"):
        results = client.get("/fr/directory/", {"q": query}).context["results"]
        assert results, query
        assert all(s.organization_id == hospital.pk for s in results), query


@pytest.mark.parametrize(("lang", "query"), [("es", "salud"), ("ar", "الصحه"), ("fr", "santé")])
def test_typing_a_need_in_the_readers_language_finds_its_services(client, lang, query):
    response = client.get(f"/{lang}/directory/", {"q": query})
    expected = Service.objects.listed().for_domain("health").count()
    assert response.context["page"].paginator.count >= expected


def test_search_combines_with_need_and_place(client):
    results = client.get(
        "/ar/directory/", {"q": "مكتب", "need": "employment", "province": "MA-NAD"}
    ).context["results"]
    for service in results:
        assert "employment" in {t.code for t in service.taxonomy_terms.all()}


def test_a_query_of_small_words_only_lists_everything(client):
    response = client.get("/fr/directory/", {"q": "de la"})
    assert response.context["page"].paginator.count == Service.objects.listed().count()


def test_an_unknown_filter_value_is_ignored(client):
    response = client.get("/fr/directory/", {"province": "MA-NOWHERE"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == Service.objects.listed().count()


def test_the_service_page_tells_what_to_bring_where_and_when(client, emergency):
    response = client.get(f"/en/directory/services/{emergency.pk}/")
    html = response.content.decode()
    for document in emergency.required_documents.all():
        assert document.document_en in html
    assert "every day, 24 hours a day" in html
    assert 'href="tel:141"' in html
    assert "Moroccan Arabic (Darija)" in html  # spoken at the hospital
    assert "Centre hospitalier régional Al Farabi, Oujda" in html or "Al Farabi" in html
    assert f'href="/en/directory/organizations/{emergency.organization_id}/"' in html
    assert 'data-testid="sample-notice"' in html  # its details are not verified yet


def test_the_service_page_shows_costs_and_ages(client):
    service = Service.objects.get(alternate_name="CNIE")
    html = client.get(f"/fr/directory/services/{service.pk}/").content.decode()
    assert "75 MAD" in html
    enrolment = Service.objects.get(name_en="School enrolment of migrant and returnee children")
    html = client.get(f"/en/directory/services/{enrolment.pk}/").content.decode()
    assert "from 6 to 18 years old" in html
    assert "free of charge" in html


def test_a_verified_service_carries_no_sample_warning(client):
    service = make_service()
    html = client.get(f"/fr/directory/services/{service.pk}/").content.decode()
    assert 'data-testid="sample-notice"' not in html


def test_a_defunct_service_is_not_listed_but_its_page_says_so(client, emergency):
    Service.objects.filter(pk=emergency.pk).update(status=ServiceStatus.DEFUNCT)
    listed = client.get("/en/directory/", {"need": "health"}).context["page"].paginator.object_list
    assert emergency.pk not in {s.pk for s in listed}
    html = client.get(f"/en/directory/services/{emergency.pk}/").content.decode()
    assert "This service is no longer provided." in html


def test_an_unknown_service_is_not_found(client):
    assert client.get(f"/fr/directory/services/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/fr/directory/organizations/{uuid.uuid4()}/").status_code == 404


def test_the_public_pages_change_nothing(client, emergency):
    assert client.post("/fr/directory/", {"q": "x"}).status_code == 405
    assert client.post(f"/fr/directory/services/{emergency.pk}/").status_code == 405


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/fr/directory/",
        "/ar/directory/?need=health&province=MA-OUJ",
        "/fr/directory/?q=oujda",
        "/es/directory/?commune=OUJ-OUJDA",
    ],
)
def test_the_list_costs_the_same_queries_with_more_services(client, django_assert_num_queries, url):
    before = _queries(client, url)
    organization = make_organization()
    for _ in range(25):
        make_service(organization=organization, places=2, name_fr="Service de plus")
    with django_assert_num_queries(before):
        client.get(url)


def test_the_service_page_costs_the_same_queries_with_more_places(
    client, django_assert_num_queries
):
    small, big = make_service(places=1), make_service(places=8)
    before = _queries(client, f"/fr/directory/services/{small.pk}/")
    with django_assert_num_queries(before):
        client.get(f"/fr/directory/services/{big.pk}/")
    organization = make_organization()
    make_service(organization=organization)
    before = _queries(client, f"/fr/directory/organizations/{organization.pk}/")
    for _ in range(5):
        make_service(organization=organization, places=2)
    with django_assert_num_queries(before):
        client.get(f"/fr/directory/organizations/{organization.pk}/")

"""Registering a person: both scripts, dates exact or approximate, consent; bad input is
refused with a clear message and creates nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.people import actions
from mouwakaba.people.models import Consent, Document, Person, PersonAccess, PersonToken
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def nothing_created():
    return (
        Person.objects.count() == 0
        and Document.objects.count() == 0
        and PersonToken.objects.count() == 0
    )


def test_an_agent_registers_a_person_at_their_cell_with_consent_and_audit(personas):
    person = make_person(personas.agent_a)
    assert person.registered_by_cell == personas.cell_a
    assert person.birth_year == 1990 and not person.birth_date_approximate
    assert person.consent_processing and person.consent_sharing
    assert PersonAccess.objects.filter(person=person, cell=personas.cell_a).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(person.pk)).exists()


def test_an_arabic_only_name_is_enough(personas):
    person = make_person(
        personas.agent_a, given_name_lat="", family_name_lat="", birth_date=None, birth_year=1985
    )
    assert person.display_name == "محمد بن علي"


def test_an_estimated_age_becomes_an_approximate_year(personas):
    person = make_person(personas.agent_a, birth_date=None, estimated_age=30)
    assert person.birth_year == timezone.localdate().year - 30
    assert person.birth_date_approximate


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"birth_date": timezone.localdate() + timedelta(days=1)}, "birth_date", "future"),
        ({"birth_date": date(1899, 12, 31)}, "birth_date", "1900"),
        ({"phone": "call me maybe"}, "phone", "phone"),
        ({"phone": "12"}, "phone", "phone"),
        ({"nationality": "XX"}, "nationality", "XX"),
        ({"given_name_lat": "Moh4med"}, "given_name_lat", "digits"),
        ({"family_name_ar": "علي2"}, "family_name_ar", "digits"),
        (
            {
                "given_name_ar": "",
                "family_name_ar": "",
                "given_name_lat": "",
                "family_name_lat": "",
            },
            "given_name_ar",
            "script",
        ),
        (
            {"population": "returnee", "legal_status": "refugee"},
            "legal_status",
            "migrants from other countries",
        ),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(personas, values, field, message):
    with pytest.raises(ValidationError) as error:
        make_person(personas.agent_a, **values)
    assert field in error.value.message_dict
    assert message.lower() in " ".join(error.value.message_dict[field]).lower()
    assert nothing_created()


def test_a_document_that_expires_before_issue_refuses_the_whole_registration(personas):
    with pytest.raises(ValidationError) as error:
        make_person(
            personas.agent_a,
            documents=[
                actions.DocumentData(
                    doc_type="passport",
                    number="X1",
                    issued_on=date(2020, 1, 1),
                    expires_on=date(2019, 1, 1),
                )
            ],
        )
    assert "expire before" in str(error.value)
    assert nothing_created()


def test_an_error_is_explained_in_the_users_language(personas, settings):
    from django.utils import translation

    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            make_person(personas.agent_a, given_name_lat="R2D2")
        # Messages are lazy: rendered in the language active when they are shown.
        assert "chiffres" in " ".join(error.value.message_dict["given_name_lat"])


@pytest.mark.parametrize(
    "persona", ["coordinator_oujda", "regional", "focal_point", "auditor", "administrator"]
)
def test_only_agents_and_heads_of_a_cell_register(personas, persona):
    with pytest.raises(NotAllowed):
        make_person(getattr(personas, persona))
    assert nothing_created()


def test_consent_can_be_withdrawn_and_the_record_stays(personas):
    person = make_person(personas.agent_a)
    actions.withdraw_consent(person=person, by=personas.agent_a, kind="sharing")
    person = Person.objects.get(pk=person.pk)
    assert not person.consent_sharing
    withdrawn = Consent.objects.get(person=person, kind="sharing")
    assert withdrawn.withdrawn_by == personas.agent_a and withdrawn.recorded_by == personas.agent_a


def test_a_household_links_two_persons_once(personas):
    mother = make_person(personas.agent_a, given_name_lat="Fatima", sex="F")
    child = make_person(personas.agent_a, given_name_lat="Youssef", birth_date=date(2015, 1, 1))
    actions.link_household(person=mother, relative=child, relation="parent", by=personas.agent_a)
    with pytest.raises(ValidationError):
        actions.link_household(
            person=child, relative=mother, relation="parent", by=personas.agent_a
        )

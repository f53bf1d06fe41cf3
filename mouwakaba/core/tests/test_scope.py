"""The one door, on its own: a Scope turned into a condition on a scoped model."""

from uuid import uuid4

import pytest
from django.contrib.auth.models import AnonymousUser

from mouwakaba.core.scope import Scope, scope_condition, scope_of, visible_to
from mouwakaba.core.tests.scoped.models import Copy, Dossier, Unscoped

pytestmark = pytest.mark.django_db


def labels(queryset):
    return sorted(queryset.values_list("label", flat=True))


def restrict(scope):
    condition = scope_condition(Dossier.objects.all(), scope)
    return Dossier.objects.none() if condition is None else Dossier.objects.filter(condition)


@pytest.fixture
def dossiers():
    org = uuid4()
    held_by_1 = Dossier.objects.create(label="held-by-1", cell_id=1)
    Dossier.objects.create(label="held-by-2", cell_id=2)
    copied = Dossier.objects.create(label="held-by-2-copied-to-1-and-3", cell_id=2)
    Copy.objects.create(dossier=copied, cell_id=1)
    Copy.objects.create(dossier=copied, cell_id=3)
    Copy.objects.create(dossier=held_by_1, cell_id=1)
    Dossier.objects.create(label="addressed", cell_id=4, addressed_to=org)
    Dossier.objects.create(label="addressed-elsewhere", cell_id=4, addressed_to=uuid4())
    return org


def test_a_cell_sees_what_it_holds_and_what_was_copied_to_it(dossiers):
    assert labels(restrict(Scope(cell_ids=frozenset({1})))) == [
        "held-by-1",
        "held-by-2-copied-to-1-and-3",
    ]


def test_a_row_reached_by_several_paths_comes_back_once(dossiers):
    rows = list(restrict(Scope(cell_ids=frozenset({1, 2, 3}))))
    assert len(rows) == len({row.pk for row in rows}) == 3


def test_an_organisation_sees_only_what_is_addressed_to_it(dossiers):
    assert labels(restrict(Scope(organization_id=dossiers))) == ["addressed"]


def test_an_empty_scope_sees_nothing(dossiers):
    assert scope_condition(Dossier.objects.all(), Scope.nothing()) is None
    assert labels(restrict(Scope.nothing())) == []


def test_anonymous_users_reach_nothing(dossiers):
    assert scope_of(AnonymousUser()).is_empty
    assert scope_of(None).is_empty
    assert visible_to(AnonymousUser(), Dossier.objects.all()).count() == 0


def test_a_model_that_does_not_declare_its_scope_cannot_be_served():
    with pytest.raises(TypeError, match="does not declare its scope"):
        visible_to(AnonymousUser(), Unscoped.objects.all())

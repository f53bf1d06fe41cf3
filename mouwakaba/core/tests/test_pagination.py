import pytest

from mouwakaba.core.models import AuditAction, AuditEvent
from mouwakaba.core.pagination import COUNT_CAP, CappedPaginator

pytestmark = pytest.mark.django_db


def test_a_long_list_is_counted_up_to_the_cap_only(settings):
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditAction.VIEW, object_type="x.row") for _ in range(COUNT_CAP + 5)
    )
    paginator = CappedPaginator(AuditEvent.objects.filter(object_type="x.row"), 25)
    assert paginator.count == COUNT_CAP + 1 and paginator.capped
    assert len(paginator.get_page(2).object_list) == 25


def test_a_short_list_is_counted_exactly():
    AuditEvent.objects.bulk_create(
        AuditEvent(action=AuditAction.VIEW, object_type="x.row") for _ in range(7)
    )
    paginator = CappedPaginator(AuditEvent.objects.filter(object_type="x.row"), 25)
    assert paginator.count == 7 and not paginator.capped

"""Two people acting on one referral at the same moment — the focal point accepting while
the agent cancels — on real, separate database connections: exactly one wins, the other
is refused with the state it found, and the history holds exactly one of the two moves.

PostgreSQL only: SQLite locks the whole database file and has no row locks
(``select_for_update`` does nothing there), so it cannot show the race this guards."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from mouwakaba.accounts.tests.factories import make_personas
from mouwakaba.referrals import actions
from mouwakaba.referrals.models import Referral, ReferralStatus
from mouwakaba.referrals.tests.factories import make_referral
from mouwakaba.territories.models import Cell

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks, so no concurrent writers to race",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_back(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test empties every table when it ends; the rest of the suite
    expects the reference data loaded once per session, so put it back."""
    yield
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture
def people() -> Any:
    if not Cell.objects.exists():  # emptied by an earlier transactional test
        call_command("load_reference", verbosity=0)
    return make_personas()


def _race(*operations: Callable[[], Any]) -> list[Any]:
    """Run the operations at once, each in its own thread and database connection;
    returns what each returned or raised."""
    barrier = threading.Barrier(len(operations))
    results: list[Any] = [None] * len(operations)

    def run(index: int, operation: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = operation()
        except Exception as error:  # noqa: BLE001 - the refusal is the result
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, operation))
        for index, operation in enumerate(operations)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_accept_and_cancel_at_once_make_exactly_one_winner(people: Any) -> None:
    outcomes = []
    for _round in range(8):
        referral = make_referral(people.agent_a)
        seen = referral.version  # each acts on the referral as their page showed it

        def accept(r: Referral = referral, v: int = seen) -> Referral:
            return actions.accept(referral=r, by=people.focal_point, expected_version=v)

        def cancel(r: Referral = referral, v: int = seen) -> Referral:
            return actions.cancel(referral=r, by=people.agent_a, reason="race", expected_version=v)

        accepted, cancelled = _race(accept, cancel)
        winners = [x for x in (accepted, cancelled) if isinstance(x, Referral)]
        losers = [x for x in (accepted, cancelled) if isinstance(x, actions.IllegalTransition)]
        assert len(winners) == 1 and len(losers) == 1, (accepted, cancelled)
        final = Referral.objects.get(pk=referral.pk)
        assert final.status == winners[0].status
        assert losers[0].current_status == final.status  # the loser is told what won
        moves = list(final.events.values_list("to_status", flat=True))
        assert moves == ["draft", "sent", final.status]
        assert final.version == 3
        outcomes.append(final.status)
    assert set(outcomes) <= {ReferralStatus.ACCEPTED, ReferralStatus.CANCELLED}


def test_two_focal_points_answering_at_once_record_one_answer(people: Any) -> None:
    referral = make_referral(people.agent_a)
    accepted, declined = _race(
        lambda: actions.accept(referral=referral, by=people.focal_point),
        lambda: actions.decline(referral=referral, by=people.focal_point, reason="full"),
    )
    assert sum(isinstance(x, Referral) for x in (accepted, declined)) == 1
    assert sum(isinstance(x, actions.IllegalTransition) for x in (accepted, declined)) == 1
    final = Referral.objects.get(pk=referral.pk)
    assert final.events.count() == 3

from __future__ import annotations

from typing import Any

from mouwakaba.accounts.models import User
from mouwakaba.cases import actions
from mouwakaba.cases.models import Case
from mouwakaba.people.tests.factories import make_person


def make_case(
    agent: User,
    *,
    person: Any = None,
    needs: list[tuple[str, str]] | None = None,
    **person_values: Any,
) -> Case:
    person = person or make_person(agent, **person_values)
    return actions.open_case(
        person=person,
        by=agent,
        needs=needs or [("health", "consultation"), ("papers", "residence card renewal")],
    )

"""Factories written by hand: small, explicit, and shared by every app's tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from mouwakaba.accounts.models import Membership, Role, User
from mouwakaba.territories.models import Cell, Territory

PASSWORD = "correct horse battery staple"
HEALTH_ORG = UUID("7d1f0c6e-2b4a-4f8e-9c1d-0a5b3e6f9a21")
OTHER_ORG = UUID("0b8a8d3c-5d0e-4c1f-8f3a-2c9e7b6d5a40")

_numbers = itertools.count(1)


def make_user(
    *,
    role: Role | None = None,
    cell: Cell | str | None = None,
    territory: Territory | str | None = None,
    organization: UUID | None = None,
    username: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    **fields: object,
) -> User:
    """A user with a password of ``PASSWORD`` and, if a role is given, a membership."""
    username = username or f"user{next(_numbers)}"
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)  # type: ignore[arg-type]
    if role is not None:
        if isinstance(cell, str):
            cell = Cell.objects.get(code=cell)
        if isinstance(territory, str):
            territory = Territory.objects.get(code=territory)
        extra = {"starts_on": starts_on} if starts_on else {}
        Membership.objects.create(
            user=user,
            role=role,
            cell=cell,
            territory=territory,
            organization=organization,
            ends_on=ends_on,
            **extra,
        )
    return user


@dataclass
class Personas:
    agent_a: User  # agent of the Oujda commune cell (cell A)
    colleague_a: User  # another agent of cell A
    head_a: User  # head of cell A
    agent_b: User  # agent of the Nador province MRE cell (cell B): sees nothing of A
    coordinator_oujda: User  # provincial coordinator of Oujda-Angad: sees cell A, not B
    coordinator_nador: User  # provincial coordinator of Nador: sees B, not A
    regional: User  # regional coordinator: sees every cell
    focal_point: User  # focal point of a health provider
    auditor: User
    administrator: User
    no_role: User  # an account without membership
    cell_a: Cell
    cell_b: Cell


def make_personas() -> Personas:
    cell_a = Cell.objects.get(code="commune-oujda")
    cell_b = Cell.objects.get(code="mre-nador")
    return Personas(
        agent_a=make_user(role=Role.CELL_AGENT, cell=cell_a, username="agent_a"),
        colleague_a=make_user(role=Role.CELL_AGENT, cell=cell_a, username="colleague_a"),
        head_a=make_user(role=Role.CELL_HEAD, cell=cell_a, username="head_a"),
        agent_b=make_user(role=Role.CELL_AGENT, cell=cell_b, username="agent_b"),
        coordinator_oujda=make_user(
            role=Role.PROVINCIAL_COORDINATOR, territory="MA-OUJ", username="coord_ouj"
        ),
        coordinator_nador=make_user(
            role=Role.PROVINCIAL_COORDINATOR, territory="MA-NAD", username="coord_nad"
        ),
        regional=make_user(role=Role.REGIONAL_COORDINATOR, territory="MA-02", username="regional"),
        focal_point=make_user(role=Role.FOCAL_POINT, organization=HEALTH_ORG, username="focal"),
        auditor=make_user(role=Role.AUDITOR, username="auditor1"),
        administrator=make_user(
            role=Role.ADMINISTRATOR, username="admin1", is_staff=True, is_superuser=True
        ),
        no_role=make_user(username="nobody"),
        cell_a=cell_a,
        cell_b=cell_b,
    )

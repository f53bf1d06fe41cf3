"""The one door to personal data.

Every query that returns persons, cases or referrals goes through :func:`visible_to`.
A model that holds personal data gives its QuerySet the :class:`ScopedQuerySet` base and
declares the lookups that lead from one of its rows to the cell that holds it and to the
provider organisation it is addressed to. A user's reach is a :class:`Scope`, computed
from their current membership by the user model (``access_scope()``); this module knows
no domain app, only that contract.

Denial is the default: no membership, an inactive account, an auditor or an
administrator reach no personal data at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, TypeVar
from uuid import UUID

from django.db import models
from django.db.models import Exists, OuterRef, Q


@dataclass(frozen=True)
class Scope:
    """What a user may see of personal data: the cells they work for, or the provider
    organisation whose referrals they answer. Empty means nothing."""

    cell_ids: frozenset[int] = field(default_factory=frozenset)
    organization_id: UUID | None = None
    # The cells are every cell there is (a regional coordinator in a one-region
    # deployment): a row that always belongs to some cell is then always visible.
    every_cell: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.cell_ids and self.organization_id is None

    @classmethod
    def nothing(cls) -> Scope:
        return cls()


NO_SCOPE = Scope.nothing()


def scope_of(user: Any) -> Scope:
    """The scope of ``user``; nothing for anonymous, inactive or unscoped users.

    The user model answers ``access_scope()`` (accounts.User); core knows no more of it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    access_scope = getattr(user, "access_scope", None)
    if access_scope is None:
        return NO_SCOPE
    scope = access_scope()
    if not isinstance(scope, Scope):
        raise TypeError("access_scope() must return a Scope")
    return scope


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """Base of the QuerySet of every model that holds personal data.

    ``scope_cell_lookups``: lookups from the model to a cell id (a row is visible to a
    cell if any of them matches). ``scope_organization_lookups``: lookups from the model
    to a provider organisation id (visible to that provider's focal points).
    """

    scope_cell_lookups: ClassVar[tuple[str, ...]] = ()
    scope_organization_lookups: ClassVar[tuple[str, ...]] = ()
    # True when every row belongs to at least one cell through ``scope_cell_lookups``
    # (an invariant the model's app keeps, and tests): a scope of every cell then needs
    # no condition, which spares a join over the whole table on region-wide lists.
    scope_every_row_has_a_cell: ClassVar[bool] = False

    def visible_to(self, user: Any) -> Self:
        return visible_to(user, self)


_Q = TypeVar("_Q", bound=ScopedQuerySet[Any])


def visible_to(user: Any, queryset: _Q) -> _Q:
    """Restrict ``queryset`` to what ``user`` may see. The single scoping function."""
    if not isinstance(queryset, ScopedQuerySet):
        raise TypeError(
            f"{queryset.model.__name__} does not declare its scope: give its QuerySet the "
            "ScopedQuerySet base before serving it."
        )
    scope = scope_of(user)
    condition = scope_condition(queryset, scope)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def scope_condition(queryset: ScopedQuerySet[Any], scope: Scope) -> Q | None:
    """The condition that keeps the rows of ``scope``, or None when it keeps nothing."""
    model = queryset.model
    if scope.every_cell and scope.cell_ids and queryset.scope_every_row_has_a_cell:
        return Q()
    parts: list[Q] = []
    if scope.cell_ids:
        for lookup in queryset.scope_cell_lookups:
            parts.append(_condition(model, lookup, "in", sorted(scope.cell_ids)))
    if scope.organization_id is not None:
        for lookup in queryset.scope_organization_lookups:
            parts.append(_condition(model, lookup, "exact", scope.organization_id))
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def _condition(model: type[models.Model], lookup: str, operator: str, value: object) -> Q:
    """A filter on ``lookup``. Through a to-many relation it becomes a correlated EXISTS:
    a row reached by several paths is returned once (no DISTINCT), and the database
    starts from the query's most selective condition — a search's matches, say — and
    checks the scope of each candidate with an index seek, instead of listing first
    everything the user may see."""
    test = Q(**{f"{lookup}__{operator}": value})
    if not _crosses_to_many(model, lookup):
        return test
    first, _sep, rest = lookup.partition("__")
    relation = model._meta.get_field(first)
    related = relation.related_model
    if (
        rest
        and isinstance(relation, models.ManyToOneRel)
        and isinstance(related, type)
        and not _crosses_to_many(related, rest)
    ):
        # The usual case (a person's access rows): the EXISTS reads the related table
        # alone, correlated on its foreign key, without joining the model to itself.
        return Q(
            Exists(
                related._base_manager.filter(
                    **{f"{rest}__{operator}": value, relation.field.name: OuterRef("pk")}
                )
            )
        )
    return Q(Exists(model._base_manager.filter(test, pk=OuterRef("pk"))))


def _crosses_to_many(model: type[models.Model], lookup: str) -> bool:
    opts = model._meta
    for name in lookup.split("__"):
        try:
            relation = opts.get_field(name)
        except Exception:  # noqa: BLE001 - a transform such as "id" ends the walk
            return False
        if relation.one_to_many or relation.many_to_many:
            return True
        if relation.related_model is None:
            return False
        opts = relation.related_model._meta
    return False

from __future__ import annotations

from datetime import date
from functools import cached_property
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mouwakaba.core.scope import Scope
from mouwakaba.territories.models import Cell, Level, Territory


class Role(models.TextChoices):
    CELL_AGENT = "cell_agent", _("cell agent")
    CELL_HEAD = "cell_head", _("cell head")
    PROVINCIAL_COORDINATOR = "provincial_coordinator", _("provincial coordinator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("regional coordinator")
    FOCAL_POINT = "focal_point", _("service focal point")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")


CELL_ROLES = frozenset({Role.CELL_AGENT, Role.CELL_HEAD})
TERRITORY_ROLES = {
    Role.PROVINCIAL_COORDINATOR: Level.PROVINCE,
    Role.REGIONAL_COORDINATOR: Level.REGION,
}


class User(AbstractUser):
    """A person who uses Mouwakaba. What they may do and see comes from their current
    :class:`Membership`; a user without one sees no personal data."""

    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[(c, n) for c, n in settings.LANGUAGES if c in settings.INTERNAL_LANGUAGES],
        default=settings.LANGUAGE_CODE,
        help_text=_("Used for e-mails and as the default language of the interface."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def membership(self) -> Membership | None:
        """The membership in force today, with what it points to."""
        return (
            Membership.objects.current()
            .filter(user=self)
            .select_related("cell__territory", "cell__cell_type", "territory")
            .first()
        )

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and self.role in roles

    @property
    def can_read_audit(self) -> bool:
        return self.has_role(Role.AUDITOR, Role.ADMINISTRATOR)

    def access_scope(self) -> Scope:
        """The reach of this user over personal data (see ``core.scope``)."""
        membership = self.membership
        if not self.is_active or membership is None:
            return Scope.nothing()
        return membership.scope()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class Membership(models.Model):
    """A user's role and what bounds it: a cell (agents, heads), a province or the region
    (coordinators), or a provider organisation (focal points). Memberships are dated and
    kept when they end, so that who was where, when, can always be answered."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    cell = models.ForeignKey(
        Cell,
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    # The directory (HSDS) identifies organisations by UUID; the directory app sits above
    # accounts, so the link is its id rather than a foreign key.
    organization = models.UUIDField(
        _("provider organisation"),
        null=True,
        blank=True,
        help_text=_("Identifier of the provider organisation in the service directory."),
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ends_on__isnull=True),
                name="one_open_membership",
                violation_error_message=_(
                    "This user already has an open membership: give it an end date first."
                ),
            ),
            models.CheckConstraint(
                name="membership_anchor_fits_role",
                violation_error_message=_(
                    "A cell agent or head needs a cell; a coordinator, a territory; a focal "
                    "point, an organisation; an auditor or administrator, none of these."
                ),
                condition=(
                    Q(
                        role__in=[Role.CELL_AGENT, Role.CELL_HEAD],
                        cell__isnull=False,
                        territory__isnull=True,
                        organization__isnull=True,
                    )
                    | Q(
                        role__in=[Role.PROVINCIAL_COORDINATOR, Role.REGIONAL_COORDINATOR],
                        cell__isnull=True,
                        territory__isnull=False,
                        organization__isnull=True,
                    )
                    | Q(
                        role=Role.FOCAL_POINT,
                        cell__isnull=True,
                        territory__isnull=True,
                        organization__isnull=False,
                    )
                    | Q(
                        role__in=[Role.AUDITOR, Role.ADMINISTRATOR],
                        cell__isnull=True,
                        organization__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def clean(self) -> None:
        level = TERRITORY_ROLES.get(Role(self.role)) if self.role else None
        if level is not None and self.territory is not None and self.territory.level != level:
            message = _("This role needs a territory of level: %(level)s.")
            raise ValidationError({"territory": message % {"level": Level(level).label}})

    @property
    def bound(self) -> Cell | Territory | UUID | None:
        """What bounds this membership, for display."""
        return self.cell or self.territory or self.organization

    def scope(self) -> Scope:
        """What this membership reaches; computed once per instance (a request loads
        the membership afresh, and several parts of a page ask)."""
        cached: Scope | None = getattr(self, "_scope", None)
        if cached is None:
            cached = self._scope = self._reach()
        return cached

    def _reach(self) -> Scope:
        if self.role in CELL_ROLES and self.cell_id is not None:
            return Scope(cell_ids=frozenset({self.cell_id}))
        if self.role in TERRITORY_ROLES and self.territory is not None:
            # Every cell, each marked inside the territory or not: one query tells the
            # scope and whether it is the whole registry.
            inside = Cell.objects.within(self.territory).filter(pk=OuterRef("pk"))
            cells = dict(Cell.objects.annotate(inside=Exists(inside)).values_list("pk", "inside"))
            cell_ids = frozenset(pk for pk, is_inside in cells.items() if is_inside)
            return Scope(cell_ids=cell_ids, every_cell=bool(cells) and len(cell_ids) == len(cells))
        if self.role == Role.FOCAL_POINT and self.organization is not None:
            return Scope(organization_id=self.organization)
        # Auditors read the audit trail, administrators the reference data: neither
        # needs a migrant's file, so neither gets one.
        return Scope.nothing()

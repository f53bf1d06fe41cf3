from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mouwakaba.core.models import NamedInThreeLanguages, TimeStamped


class Level(models.TextChoices):
    REGION = "region", _("region")
    PROVINCE = "province", _("prefecture or province")
    COMMUNE = "commune", _("commune")


class Kind(models.TextChoices):
    REGION = "region", _("region")
    PREFECTURE = "prefecture", _("prefecture")
    PROVINCE = "province", _("province")
    URBAN = "urban", _("urban commune")
    RURAL = "rural", _("rural commune")


PARENT_LEVEL = {Level.PROVINCE: Level.REGION, Level.COMMUNE: Level.PROVINCE}


class TerritoryQuerySet(models.QuerySet["Territory"]):
    def within(self, territory: Territory) -> TerritoryQuerySet:
        """The territory and every territory below it."""
        return self.filter(path__startswith=territory.path)


class Territory(NamedInThreeLanguages, TimeStamped):
    """A region, a prefecture or province, or a commune. ``path`` lists the codes from
    the region down (``MA-02/MA-NAD/NAD-NADOR/``) so that a subtree is one prefix match."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_main = models.BooleanField(
        _("chief town"), default=False, help_text=_("Chief town of its prefecture or province.")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="region", parent__isnull=True)
                | Q(~Q(level="region"), parent__isnull=False),
                name="territory_parent_by_level",
                violation_error_message=_(
                    "A region has no parent; a province or a commune must have one."
                ),
            ),
        ]

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent is not None else ""
        return f"{prefix}{self.code}/"

    @property
    def province(self) -> Territory | None:
        if self.level == Level.PROVINCE:
            return self
        if self.level == Level.COMMUNE:
            return self.parent
        return None


class CellType(NamedInThreeLanguages, TimeStamped):
    """A kind of reception cell in the reference framework, with its mission."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    level = models.CharField(
        _("territorial level"),
        max_length=16,
        choices=Level.choices,
        help_text=_("The level of territory a cell of this type sits at."),
    )
    mission_ar = models.TextField(_("mission in Arabic"), blank=True)
    mission_fr = models.TextField(_("mission in French"), blank=True)
    mission_en = models.TextField(_("mission in English"), blank=True)
    receives_persons = models.BooleanField(
        _("receives persons"),
        default=True,
        help_text=_("Untick for coordination bodies that hold no caseload."),
    )

    class Meta:
        verbose_name = _("cell type")
        verbose_name_plural = _("cell types")
        ordering = ["code"]


class CellQuerySet(models.QuerySet["Cell"]):
    def within(self, territory: Territory) -> CellQuerySet:
        """Cells whose territory is ``territory`` or lies below it."""
        return self.filter(territory__path__startswith=territory.path)

    def active(self) -> CellQuerySet:
        return self.filter(is_active=True)


class Cell(NamedInThreeLanguages, TimeStamped):
    """A reception cell (or the regional coordination) run by a territorial collectivity."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    cell_type = models.ForeignKey(
        CellType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="cells"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="cells"
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CellQuerySet.as_manager()

    class Meta:
        verbose_name = _("cell")
        verbose_name_plural = _("cells")
        ordering = ["territory__path", "code"]

"""A stand-in for personal data, shaped like what the registry will hold: a file held by
one cell, copied to other cells (a to-many path), and addressed to providers."""

from django.db import models

from mouwakaba.core.scope import ScopedQuerySet


class DossierQuerySet(ScopedQuerySet["Dossier"]):
    scope_cell_lookups = ("cell_id", "copies__cell_id")
    scope_organization_lookups = ("addressed_to",)


class Dossier(models.Model):
    label = models.CharField(max_length=50)
    cell_id = models.IntegerField()
    addressed_to = models.UUIDField(null=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        app_label = "scoped"


class Copy(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="copies")
    cell_id = models.IntegerField()

    class Meta:
        app_label = "scoped"


class Unscoped(models.Model):
    label = models.CharField(max_length=50)

    class Meta:
        app_label = "scoped"

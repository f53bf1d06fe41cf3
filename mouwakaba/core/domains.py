"""The domains of need, shared by case needs (cases) and the directory's taxonomy
(directory): one list, so that a need finds the services that answer it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedDomain(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("civil status")
    PAPERS = "papers", _("identity and residence papers")
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education")
    EMPLOYMENT = "employment", _("employment and training")
    SOCIAL_PROTECTION = "social_protection", _("social protection")
    HOUSING = "housing", _("housing")
    LEGAL_AID = "legal_aid", _("legal aid")
    ECONOMIC = "economic", _("investment and economic")
    PSYCHOSOCIAL = "psychosocial", _("psychosocial")
    OTHER = "other", _("other")

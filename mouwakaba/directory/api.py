"""The directory in the staff API (/api/v1/services/, /api/v1/organizations/): what the
cells' tools read to find a service for a need. The public, standard read API is the HSDS
one at /api/hsds/."""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from mouwakaba.territories.models import Territory

from .models import Organization, Service


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    name = serializers.CharField(read_only=True, help_text="Name in the request's language.")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "name_ar",
            "name_fr",
            "name_en",
            "alternate_name",
            "kind",
            "email",
            "website",
            "is_sample_data",
            "updated_at",
        ]


class ServiceSerializer(serializers.ModelSerializer[Service]):
    name = serializers.CharField(read_only=True, help_text="Name in the request's language.")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    needs = serializers.SerializerMethodField(help_text="Need domains the service answers.")
    communes = serializers.SerializerMethodField(help_text="Codes of the communes it is at.")

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "name_ar",
            "name_fr",
            "name_en",
            "organization",
            "organization_name",
            "status",
            "needs",
            "communes",
            "minimum_age",
            "maximum_age",
            "answer_delay_days",
            "is_sample_data",
            "updated_at",
        ]

    def get_needs(self, service: Service) -> list[str]:
        return [domain.value for domain in service.need_domains()]

    def get_communes(self, service: Service) -> list[str]:
        return [commune.code for commune in service.communes()]


class ServiceViewSet(viewsets.ReadOnlyModelViewSet[Service]):
    """Services of the directory. Filters: ``need`` (a need domain), ``territory`` (a
    territory code: services delivered or offered there), ``organization`` (id),
    ``status``, ``search`` (names, forgiving spelling)."""

    serializer_class = ServiceSerializer

    def get_queryset(self) -> Any:
        services = Service.objects.all()
        params = self.request.query_params
        if need := params.get("need"):
            services = services.for_domain(need)
        if code := params.get("territory"):
            territory = Territory.objects.filter(code=code).first()
            services = services.serving(territory) if territory else services.none()
        if organization := params.get("organization"):
            try:
                services = services.filter(organization_id=uuid.UUID(organization))
            except ValueError:
                services = services.none()
        if status := params.get("status"):
            services = services.filter(status=status)
        if query := params.get("search"):
            services = services.search(query)
        return services.order_by_name().for_cards()


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet[Organization]):
    """Provider organisations. Filter: ``kind``."""

    serializer_class = OrganizationSerializer

    def get_queryset(self) -> Any:
        organizations = Organization.objects.order_by("name_fr", "pk")
        if kind := self.request.query_params.get("kind"):
            organizations = organizations.filter(kind=kind)
        return organizations


def register(router: BaseRouter) -> None:
    """Register this app's API resources under /api/v1/."""
    router.register("services", ServiceViewSet, basename="service")
    router.register("organizations", OrganizationViewSet, basename="organization")

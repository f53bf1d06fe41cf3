"""/api/v1/persons/{id}/eligibility/: the person's eligibility for every active service,
with reasons in the language of ``Accept-Language``. A person outside the caller's scope
answers 404; every read is recorded in the audit trail (a read of a person's file)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.directory.models import Service, ServiceStatus
from mouwakaba.people.models import Person
from mouwakaba.people.queries import can_see_vulnerabilities

from .decisions import decide_facts, facts_of


class ReasonSerializer(serializers.Serializer[Any]):
    criterion = serializers.CharField()
    result = serializers.ChoiceField(choices=["true", "false", "unknown"])
    message = serializers.CharField()
    to_obtain = serializers.CharField()


class EligibilitySerializer(serializers.Serializer[Any]):
    service = serializers.UUIDField()
    service_name = serializers.CharField()
    status = serializers.ChoiceField(choices=["eligible", "not_eligible", "to_verify"])
    reasons = ReasonSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField())
    rule_version = serializers.IntegerField(allow_null=True)


HIDDEN = "—"


class PersonEligibilityViewSet(viewsets.ViewSet):
    """The eligibility of one person for every active service."""

    @extend_schema(
        parameters=[
            OpenApiParameter("person_pk", str, OpenApiParameter.PATH, description="Person id"),
            OpenApiParameter(
                "date", date, description="Evaluate as of this date (YYYY-MM-DD); today if absent"
            ),
        ],
        responses=EligibilitySerializer(many=True),
    )
    def list(self, request: Request, person_pk: str | None = None) -> Response:
        try:
            on = date.fromisoformat(request.query_params["date"])
        except KeyError:
            on = timezone.localdate()
        except ValueError as error:
            raise ValidationError({"date": [_("Give the date as YYYY-MM-DD.")]}) from error
        people = Person.objects.visible_to(request.user).select_related("commune")
        people = people.prefetch_related("documents")
        try:
            person_id = uuid.UUID(str(person_pk))
        except ValueError as error:
            raise Http404 from error
        person = get_object_or_404(people, pk=person_id)
        audit.record(
            action=AuditAction.VIEW,
            actor=request.user,
            target=person,
            request=request._request,
            details={"what": "eligibility", "on": on.isoformat()},
        )
        services = list(
            Service.objects.filter(status=ServiceStatus.ACTIVE).order_by("name_fr", "pk")
        )
        decisions = decide_facts(facts_of(person), [s.pk for s in services], on)
        hide = not can_see_vulnerabilities(request.user, person)
        rows = []
        for service in services:
            decision = decisions[service.pk]
            rows.append(
                {
                    "service": service.pk,
                    "service_name": service.name,
                    "status": decision.status,
                    "reasons": [
                        {
                            "criterion": reason.criterion,
                            "result": reason.result,
                            "message": HIDDEN
                            if hide and reason.criterion == "vulnerability"
                            else reason.message,
                            "to_obtain": reason.to_obtain,
                        }
                        for reason in decision.reasons
                    ],
                    "missing": decision.missing,
                    "rule_version": decision.rule_version_id,
                }
            )
        return Response(EligibilitySerializer(rows, many=True).data)


def register(router: BaseRouter) -> None:
    """Adds this app's API endpoints under /api/v1/."""
    router.register(
        r"persons/(?P<person_pk>[^/.]+)/eligibility",
        PersonEligibilityViewSet,
        basename="person-eligibility",
    )

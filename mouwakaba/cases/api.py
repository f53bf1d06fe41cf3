"""/api/v1/cases/: cases the caller may see, with their needs. Changes go through the
case operations; a stale ``version`` answers 409 with who changed what."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from mouwakaba.accounts.models import User
from mouwakaba.core import audit
from mouwakaba.core.domains import NeedDomain
from mouwakaba.core.models import AuditAction
from mouwakaba.core.versioning import check_version
from mouwakaba.people.models import Person

from . import actions
from .models import Case, CaseStatus, Need, NeedStatus, Outcome


class NeedSerializer(serializers.ModelSerializer[Need]):
    id = serializers.IntegerField(required=False)
    domain = serializers.ChoiceField(choices=NeedDomain.choices)
    status = serializers.ChoiceField(choices=NeedStatus.choices, required=False)

    class Meta:
        model = Need
        fields = ["id", "domain", "description", "status", "version"]
        read_only_fields = ["version"]


class CaseSerializer(serializers.ModelSerializer[Case]):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    needs = NeedSerializer(many=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    closure_reason = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False, help_text="Required on update: the version the change starts from."
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "person",
            "cell",
            "status",
            "needs",
            "assigned_to",
            "summary",
            "opened_at",
            "closed_at",
            "outcome",
            "closure_reason",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "reference",
            "cell",
            "assigned_to",
            "opened_at",
            "closed_at",
            "updated_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A case can be opened only for a person the caller sees.
            self.fields["person"].queryset = Person.objects.visible_to(request.user)  # type: ignore[attr-defined]


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Case],
):
    """Cases of the caller's scope. Filters: ``status``, ``person``; ``?q=`` searches the
    reference. Update: ``summary``; ``status`` to in_progress, closed (with ``outcome``
    and ``closure_reason``) or reopened (with ``closure_reason`` as the reason); needs with
    an ``id`` change status, needs without one are added."""

    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        cases = Case.objects.visible_to(self.request.user).prefetch_related("needs")
        params = self.request.query_params
        if status := params.get("status"):
            cases = cases.filter(status=status)
        if person := params.get("person"):
            cases = cases.filter(person_id=person) if _is_uuid(person) else cases.none()
        if query := params.get("q"):
            cases = cases.filter(reference__iexact=query.strip())
        return cases.order_by("-opened_at")

    def _user(self) -> User:
        return cast(User, self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        audit.record(
            action=AuditAction.VIEW, actor=request.user, target=case, request=request._request
        )
        return Response(self.get_serializer(case).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = actions.open_case(
            person=data["person"],
            by=self._user(),
            needs=[(need["domain"], need.get("description", "")) for need in data["needs"]],
            summary=data.get("summary", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        serializer = self.get_serializer(case, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "version" not in data:
            raise ValidationError({"version": [_("Send the version your change starts from.")]})
        version = data["version"]
        check_version(case, version)
        user = self._user()
        if "summary" in data:
            case = actions.update_case(
                case=case, by=user, expected_version=version, summary=data["summary"]
            )
            version = case.version
        for need in data.get("needs", []):
            if need.get("id"):
                found = case.needs.filter(pk=need["id"]).first()
                if found is None:
                    raise ValidationError({"needs": [_("This need is not part of the case.")]})
                actions.change_need(
                    need=found,
                    by=user,
                    status=need.get("status", found.status),
                    description=need.get("description"),
                )
            else:
                actions.add_need(
                    case=case,
                    by=user,
                    domain=need["domain"],
                    description=need.get("description", ""),
                )
        status = data.get("status")
        if status and status != case.status:
            case.refresh_from_db()
            if status == CaseStatus.CLOSED:
                case = actions.close_case(
                    case=case,
                    by=user,
                    outcome=data.get("outcome", ""),
                    reason=data.get("closure_reason", ""),
                    expected_version=version,
                )
            elif status == CaseStatus.REOPENED:
                case = actions.reopen_case(
                    case=case,
                    by=user,
                    reason=data.get("closure_reason", ""),
                    expected_version=version,
                )
            else:
                case = actions.change_status(
                    case=case, by=user, status=status, expected_version=version
                )
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data)


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def register(router: BaseRouter) -> None:
    router.register("cases", CaseViewSet, basename="case")

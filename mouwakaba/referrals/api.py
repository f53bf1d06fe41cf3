"""/api/v1/referrals/: referrals the caller may see (the cell's, or for a focal point
those addressed to their organisation), with their history. Transitions are actions —
``POST /api/v1/referrals/{id}/send/``, ``accept/``, ``decline/``, ``complete/``,
``not-delivered/``, ``cancel/`` — and a move the referral's state does not allow (or no
longer allows: someone else acted first) answers 409 with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from mouwakaba.accounts.models import Role, User
from mouwakaba.cases.models import Case
from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.directory.models import Service, ServiceAtLocation

from . import actions
from .models import Referral, ReferralEvent, normalize_code
from .views import person_for_provider


class ReferralEventSerializer(serializers.ModelSerializer[ReferralEvent]):
    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ReferralEvent
        fields = ["from_status", "to_status", "at", "actor", "note"]


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.none())
    need = serializers.IntegerField(
        source="need_id", help_text="The id of one of the case's needs."
    )
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.listed(),
        required=False,
        help_text="Alone, the location nearest the person's commune is chosen.",
    )
    service_at_location = serializers.PrimaryKeyRelatedField(
        queryset=ServiceAtLocation.objects.all(), required=False
    )
    events = ReferralEventSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "code",
            "case",
            "need",
            "service",
            "service_at_location",
            "cell",
            "status",
            "created_at",
            "sent_at",
            "due_on",
            "answered_at",
            "closed_at",
            "delivered_on",
            "outcome",
            "reason",
            "eligibility_status",
            "eligibility",
            "justification",
            "share_vulnerabilities",
            "version",
            "events",
        ]
        read_only_fields = [
            "code",
            "cell",
            "status",
            "created_at",
            "sent_at",
            "due_on",
            "answered_at",
            "closed_at",
            "delivered_on",
            "outcome",
            "reason",
            "eligibility_status",
            "eligibility",
            "version",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A referral is made only for a case the caller sees.
            self.fields["case"].queryset = Case.objects.visible_to(request.user)  # type: ignore[attr-defined]

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if getattr(user, "role", None) == Role.FOCAL_POINT:
            # The provider sees what it needs to serve the person, nothing of the case:
            # not the rules' facts (they hold the vulnerabilities), not the cell's words.
            del data["eligibility"], data["justification"], data["case"]
            person = person_for_provider(instance)
            data["person"] = {
                "name": person["name"],
                "sex": instance.case.person.sex,
                "age": person["age"],
                "phone": person["phone"],
                "documents": [
                    {
                        "type": str(doc["type"]),
                        "expires_on": doc["expires_on"].isoformat() if doc["expires_on"] else None,
                    }
                    for doc in person["documents"]
                ],
                "vulnerabilities": [str(v) for v in person["vulnerabilities"]]
                if person["vulnerabilities"] is not None
                else None,
                "need": {"domain": instance.need.domain, "description": instance.need.description},
            }
        return data


class ReferralReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReferralCompleteSerializer(serializers.Serializer[Any]):
    delivered_on = serializers.DateField()
    outcome = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReferralViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Referral],
):
    """Referrals of the caller's scope. Filters: ``status``, ``past_delay=1``, ``code``,
    ``case``. Create (a draft) with ``case``, ``need`` and ``service_at_location`` or
    ``service``; then ``send/``. Each action takes an optional ``version`` (the version
    the caller saw: 409 if it moved)."""

    serializer_class = ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        referrals = (
            Referral.objects.visible_to(self.request.user)
            .select_related("case__person", "need")
            .prefetch_related(
                Prefetch("events", ReferralEvent.objects.select_related("actor")),
                "case__person__documents",
            )
        )
        params = self.request.query_params
        if value := params.get("status"):
            referrals = referrals.filter(status=value)
        if params.get("past_delay") in ("1", "true", "on"):
            referrals = referrals.past_delay()
        if value := params.get("code"):
            referrals = referrals.filter(code=normalize_code(value))
        if value := params.get("case"):
            try:
                referrals = referrals.filter(case_id=UUID(value))
            except ValueError:  # not a UUID: nothing matches
                referrals = referrals.none()
        return referrals.order_by("-created_at")

    def _user(self) -> User:
        return cast(User, self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        referral = self.get_object()
        audit.record(
            action=AuditAction.VIEW, actor=request.user, target=referral, request=request._request
        )
        return Response(self.get_serializer(referral).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = data["case"]
        need = case.needs.filter(pk=data["need_id"]).first()
        if need is None:
            raise ValidationError({"need": [_("This need is not part of the case.")]})
        if not data.get("service") and not data.get("service_at_location"):
            raise ValidationError({"service": [_("Choose the service to refer to.")]})
        referral = actions.create_referral(
            case=case,
            need=need,
            by=self._user(),
            service=data.get("service"),
            service_at_location=data.get("service_at_location"),
            justification=data.get("justification", ""),
            share_vulnerabilities=data.get("share_vulnerabilities", False),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=referral.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _transition(
        self,
        request: Request,
        serializer_class: type[serializers.Serializer[Any]],
        operation: Callable[[Referral, dict[str, Any]], Any],
    ) -> Response:
        referral = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        # An illegal transition answers 409 through the shared exception handler.
        operation(referral, dict(serializer.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=referral.pk)).data)

    @extend_schema(request=ReferralReasonSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            ReferralReasonSerializer,
            lambda r, d: actions.send(referral=r, by=self._user(), expected_version=d["version"]),
        )

    @extend_schema(request=ReferralReasonSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            ReferralReasonSerializer,
            lambda r, d: actions.accept(referral=r, by=self._user(), expected_version=d["version"]),
        )

    @extend_schema(request=ReferralReasonSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            ReferralReasonSerializer,
            lambda r, d: actions.decline(
                referral=r, by=self._user(), reason=d["reason"], expected_version=d["version"]
            ),
        )

    @extend_schema(request=ReferralCompleteSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            ReferralCompleteSerializer,
            lambda r, d: actions.complete(
                referral=r,
                by=self._user(),
                delivered_on=d["delivered_on"],
                outcome=d["outcome"],
                expected_version=d["version"],
            ),
        )

    @extend_schema(request=ReferralReasonSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], url_path="not-delivered")
    def not_delivered(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            ReferralReasonSerializer,
            lambda r, d: actions.not_delivered(
                referral=r, by=self._user(), reason=d["reason"], expected_version=d["version"]
            ),
        )

    @extend_schema(request=ReferralReasonSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request,
            ReferralReasonSerializer,
            lambda r, d: actions.cancel(
                referral=r, by=self._user(), reason=d["reason"], expected_version=d["version"]
            ),
        )


def register(router: BaseRouter) -> None:
    router.register("referrals", ReferralViewSet, basename="referral")

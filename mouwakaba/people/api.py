"""/api/v1/persons/: the registry, scoped through the one door. A person outside the
caller's scope answers 404, as if they did not exist."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from mouwakaba.accounts.models import User
from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction
from mouwakaba.core.scope import scope_of

from . import actions, duplicates
from .models import MAX_AGE, VULNERABILITIES, Consent, Document, Language, Person
from .queries import can_see_vulnerabilities, search_persons


class DocumentSerializer(serializers.ModelSerializer[Document]):
    issuing_country = CountryField(required=False, allow_blank=True)  # type: ignore[no-untyped-call]

    class Meta:
        model = Document
        fields = ["id", "doc_type", "number", "issuing_country", "issued_on", "expires_on"]


class PersonSerializer(serializers.ModelSerializer[Person]):
    nationality = CountryField(required=False, allow_blank=True)  # type: ignore[no-untyped-call]
    country_of_residence = CountryField(required=False, allow_blank=True)  # type: ignore[no-untyped-call]
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), required=False
    )
    consent_processing = serializers.BooleanField(required=False)
    consent_sharing = serializers.BooleanField(required=False)
    estimated_age = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text="When neither the date nor the year of birth is known.",
    )
    documents = DocumentSerializer(many=True, required=False)
    vulnerabilities = serializers.SerializerMethodField(
        help_text="Shown only to the cell that holds the case and to its coordinators."
    )
    registered_by_cell: serializers.PrimaryKeyRelatedField[Any] = (
        serializers.PrimaryKeyRelatedField(read_only=True)
    )
    version = serializers.IntegerField(
        required=False, help_text="Required on update: the version the change starts from."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name_ar",
            "family_name_ar",
            "given_name_lat",
            "family_name_lat",
            "sex",
            "birth_date",
            "birth_year",
            "birth_date_approximate",
            "estimated_age",
            "nationality",
            "population",
            "legal_status",
            "legal_status_until",
            "in_morocco_since",
            "country_of_residence",
            "languages",
            "phone",
            "commune",
            "consent_processing",
            "consent_sharing",
            "documents",
            "vulnerabilities",
            "registered_by_cell",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["birth_date_approximate", "created_at", "updated_at"]

    def get_vulnerabilities(self, person: Person) -> dict[str, bool] | None:
        if not self.context.get("show_vulnerabilities"):
            return None
        return {name: bool(getattr(person, name)) for name, _label in VULNERABILITIES}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Model validation (names, dates, phone, countries) runs in the action, once.
        vulnerabilities = self.initial_data.get("vulnerabilities")
        if isinstance(vulnerabilities, dict):
            for name, _label in VULNERABILITIES:
                if name in vulnerabilities:
                    attrs[name] = bool(vulnerabilities[name])
        return attrs


class MatchRequestSerializer(serializers.Serializer[Any]):
    """The fields of the person at the desk, named as in /api/v1/persons/."""

    given_name_ar = serializers.CharField(required=False, allow_blank=True, default="")
    family_name_ar = serializers.CharField(required=False, allow_blank=True, default="")
    given_name_lat = serializers.CharField(required=False, allow_blank=True, default="")
    family_name_lat = serializers.CharField(required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(
        choices=[("F", "F"), ("M", "M"), ("", "")], required=False, default=""
    )
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    birth_year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1900
    )
    birth_date_approximate = serializers.BooleanField(required=False, default=False)
    nationality = serializers.CharField(required=False, allow_blank=True, default="", max_length=2)
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    document_numbers = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        names = ("given_name_ar", "family_name_ar", "given_name_lat", "family_name_lat")
        if not any(attrs[name].strip() for name in names):
            raise ValidationError(_("Give the name in Arabic script, in Latin script, or both."))
        return attrs


class CandidatePersonSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    given_name_ar = serializers.CharField()
    family_name_ar = serializers.CharField()
    given_name_lat = serializers.CharField()
    family_name_lat = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField()
    cell = serializers.CharField(help_text="Name of the cell that holds the person.")


class CandidateSerializer(serializers.Serializer[Any]):
    person = CandidatePersonSerializer()
    score = serializers.FloatField(min_value=0, max_value=1)
    level = serializers.ChoiceField(choices=[("match", "match"), ("possible", "possible")])


def person_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in actions.PERSON_FIELDS}


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Person],
):
    """Persons the caller may see. ``?q=`` searches names in either script, document
    numbers and phones. No delete: a person's file is kept, and corrected."""

    serializer_class = PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        return (
            Person.objects.visible_to(self.request.user)
            .select_related("registered_by_cell")
            .prefetch_related(
                "documents", Prefetch("consents", queryset=Consent.objects.order_by("-recorded_at"))
            )
            .order_by("-created_at")
        )

    def _user(self) -> User:
        return cast(User, self.request.user)

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Search words")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = request.query_params.get("q", "").strip()
        if query:
            results = list(search_persons(request.user, query, limit=50))
            return Response(
                {"count": len(results), "results": self.get_serializer(results, many=True).data}
            )
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=MatchRequestSerializer,
        responses=inline_serializer(
            "MatchResponse", {"candidates": CandidateSerializer(many=True)}
        ),
    )
    @action(detail=False, methods=["post"])
    def match(self, request: Request) -> Response:
        """Persons of the WHOLE registry who may be this person, best first, with the
        minimal fields only (names, year of birth, sex, the cell that holds them)."""
        if not scope_of(request.user).cell_ids:
            raise PermissionDenied(_("Only the cells and their coordinators check for duplicates."))
        data = MatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = duplicates.PersonRecord(
            **data.validated_data
            | {
                "document_numbers": tuple(data.validated_data["document_numbers"]),
            }
        )
        candidates = duplicates.find_candidates(request.user, record, request=request._request)
        return Response({"candidates": [candidate.as_dict() for candidate in candidates]})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        audit.record(
            action=AuditAction.VIEW, actor=request.user, target=person, request=request._request
        )
        context = {
            **self.get_serializer_context(),
            "show_vulnerabilities": can_see_vulnerabilities(request.user, person),
        }
        return Response(PersonSerializer(person, context=context).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        registration = actions.Registration(
            values=person_fields(data),
            estimated_age=data.get("estimated_age"),
            consent_processing=data.get("consent_processing", False),
            consent_sharing=data.get("consent_sharing", False),
            documents=[actions.DocumentData(**doc) for doc in data.get("documents", [])],
        )
        if not registration.consent_processing:
            raise ValidationError(
                {"consent_processing": [_("Without this consent the person cannot be registered.")]}
            )
        person = actions.register_person(by=self._user(), registration=registration)
        person = self.get_queryset().get(pk=person.pk)
        context = {**self.get_serializer_context(), "show_vulnerabilities": True}
        return Response(PersonSerializer(person, context=context).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = self.get_serializer(person, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "version" not in data:
            raise ValidationError({"version": [_("Send the version your change starts from.")]})
        changes = person_fields(data)
        if not can_see_vulnerabilities(request.user, person):
            for name, _label in VULNERABILITIES:
                changes.pop(name, None)
        person = actions.update_person(
            person=person, by=self._user(), changes=changes, expected_version=data["version"]
        )
        person = self.get_queryset().get(pk=person.pk)
        context = {
            **self.get_serializer_context(),
            "show_vulnerabilities": can_see_vulnerabilities(request.user, person),
        }
        return Response(PersonSerializer(person, context=context).data)


def register(router: BaseRouter) -> None:
    router.register("persons", PersonViewSet, basename="person")

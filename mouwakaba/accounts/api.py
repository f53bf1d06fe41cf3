from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction

from .forms import LOCKED_OUT
from .models import User


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class MeSerializer(serializers.Serializer[User]):
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    role = serializers.CharField(allow_null=True)
    cell = serializers.IntegerField(allow_null=True, help_text="Id of the user's cell.")
    territory = serializers.IntegerField(
        allow_null=True, help_text="Id of the province or region of a coordinator."
    )
    organization = serializers.UUIDField(
        allow_null=True, help_text="Id of a focal point's provider organisation."
    )
    language = serializers.CharField()

    def to_representation(self, user: User) -> dict[str, Any]:
        membership = user.membership
        return {
            "username": user.username,
            "full_name": user.get_full_name(),
            "role": membership.role if membership else None,
            "cell": membership.cell_id if membership else None,
            "territory": membership.territory_id if membership else None,
            "organization": str(membership.organization)
            if membership and membership.organization
            else None,
            "language": user.language,
        }


@extend_schema(
    request=TokenRequestSerializer,
    responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def obtain_token(request: Request) -> Response:
    """Exchange a username and password for an API token."""
    data = TokenRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    user = authenticate(
        request._request,
        username=data.validated_data["username"],
        password=data.validated_data["password"],
    )
    if getattr(request._request, "axes_locked_out", False):
        return Response(
            {"detail": str(LOCKED_OUT)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    if user is None or not user.is_active:
        return Response(
            {"detail": _("This username and password do not match.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    token, _created = Token.objects.get_or_create(user=user)
    audit.record(
        action=AuditAction.LOGIN, actor=user, request=request._request, details={"via": "api"}
    )
    return Response({"token": token.key})


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request: Request) -> Response:
    """Who the caller is, and what bounds their scope."""
    return Response(MeSerializer(cast(User, request.user)).data)

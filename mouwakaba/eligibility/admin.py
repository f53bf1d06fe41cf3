"""Rule versions in the Django admin, read only: they are written on the application's
pages (/<lang>/eligibility/rules/), where examples run before publication and every write
is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Example, Parameter, ParameterValue, RuleVersion


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ExampleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Example
    extra = 0
    fields = ["label", "as_of", "expected_status", "expected_failing", "facts"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnly):
    list_display = ["service", "valid_from", "valid_to", "state", "author"]
    list_filter = ["state"]
    search_fields = ["service__name_fr", "service__name_ar", "reference"]
    inlines = [ExampleInline]


class ParameterValueInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ParameterValue
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Parameter)
class ParameterAdmin(ReadOnly):
    list_display = ["code", "name_fr"]
    inlines = [ParameterValueInline]

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["cell", "territory"]
    fields = ["role", "cell", "territory", "organization", "starts_on", "ends_on"]


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "language", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Preferences"), {"fields": ("language",)}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "role", "cell", "territory", "organization", "starts_on", "ends_on"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name"]
    list_select_related = ["user", "cell", "territory"]
    autocomplete_fields = ["user", "cell", "territory"]

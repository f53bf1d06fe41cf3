"""The Open Referral HSDS 3.0 read API, mounted at /api/hsds/."""

from django.urls import URLPattern, URLResolver

app_name = "hsds"

urlpatterns: list[URLPattern | URLResolver] = []

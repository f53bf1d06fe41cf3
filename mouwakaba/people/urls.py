from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "people"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("new/", views.register, name="register"),
    path("duplicates/", views.duplicate_queue, name="duplicates"),
    path("duplicates/<int:pair_pk>/", views.settle_pair, name="settle_pair"),
    path("duplicates/<int:pair_pk>/merge/", views.merge_pair, name="merge"),
    path("merges/<int:merge_pk>/undo/", views.undo_merge, name="undo_merge"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/elsewhere/", views.known_elsewhere, name="known_elsewhere"),
    path("<uuid:pk>/edit/", views.edit, name="edit"),
    path("<uuid:pk>/documents/", views.add_document, name="add_document"),
    path("<uuid:pk>/consent/", views.consent, name="consent"),
    path("<uuid:pk>/household/", views.household, name="household"),
    path(
        "<uuid:pk>/household/candidates/", views.household_candidates, name="household_candidates"
    ),
]

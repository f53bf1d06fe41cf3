from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "eligibility"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.new_version, name="new"),
    path("rules/<int:pk>/", views.edit_version, name="edit"),
    path("rules/<int:pk>/retire/", views.retire_version, name="retire"),
    path("rules/<int:pk>/end/", views.end_version, name="end"),
    path("rules/<int:pk>/copy/", views.copy_version, name="copy"),
    path("parameters/<int:pk>/", views.parameter_value, name="parameter_value"),
    path("caseload/", views.caseload, name="caseload"),
]

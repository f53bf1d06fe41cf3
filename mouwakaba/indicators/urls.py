from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "indicators"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("gender-gap/", views.gender_gap, name="gender_gap"),
    path("report/", views.report, name="report"),
    path("export/", views.export, name="export"),
    path("export/cases/", views.export_cases, name="export_cases"),
]

from django.urls import URLPattern, URLResolver, path

from mouwakaba.eligibility.public import entitled

from . import views

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    # The anonymous "What could I be entitled to?" questionnaire: a public page of the
    # directory, whose logic (the rules) belongs to the eligibility app.
    path("entitled/", entitled, name="entitled"),
    path("services/<uuid:pk>/", views.service, name="service"),
    path("organizations/<uuid:pk>/", views.organization, name="organization"),
]

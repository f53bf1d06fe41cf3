from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "directory"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("services/<uuid:pk>/", views.service, name="service"),
    path("organizations/<uuid:pk>/", views.organization, name="organization"),
]

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "referrals"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.referral_list, name="list"),
    path("new/", views.new, name="new"),
    path("portal/", views.portal, name="portal"),
    path("portal/code/", views.lookup, name="lookup"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/slip/", views.slip, name="slip"),
    path("<uuid:pk>/send/", views.send, name="send"),
    path("<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("<uuid:pk>/accept/", views.accept, name="accept"),
    path("<uuid:pk>/decline/", views.decline, name="decline"),
    path("<uuid:pk>/complete/", views.complete, name="complete"),
    path("<uuid:pk>/not-delivered/", views.not_delivered, name="not_delivered"),
]

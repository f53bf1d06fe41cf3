from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="list"),
    path("overdue/", views.overdue, name="overdue"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_pk>/decide/", views.decide_transfer, name="decide_transfer"),
    path("open/<uuid:person_pk>/", views.open_case, name="open"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/needs/", views.add_need, name="add_need"),
    path("<uuid:pk>/needs/<int:need_pk>/", views.change_need, name="change_need"),
    path("<uuid:pk>/notes/", views.add_note, name="add_note"),
    path("<uuid:pk>/tasks/", views.add_task, name="add_task"),
    path("<uuid:pk>/tasks/<int:task_pk>/done/", views.complete_task, name="complete_task"),
    path("<uuid:pk>/start/", views.start, name="start"),
    path("<uuid:pk>/close/", views.close, name="close"),
    path("<uuid:pk>/reopen/", views.reopen, name="reopen"),
    path("<uuid:pk>/assign/", views.assign, name="assign"),
    path("<uuid:pk>/transfer/", views.request_transfer, name="transfer"),
    path("<uuid:pk>/attachments/", views.add_attachment, name="add_attachment"),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_pk>/",
        views.download_attachment,
        name="attachment",
    ),
]

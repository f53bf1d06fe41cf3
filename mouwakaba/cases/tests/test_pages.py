"""The case pages: lists with filters at a constant query cost, the case file within scope
only, confidential notes, scans served to the holding cell and audited."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mouwakaba.cases import actions
from mouwakaba.cases.models import Attachment
from mouwakaba.cases.tests.factories import make_case
from mouwakaba.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_the_case_file_is_read_by_the_holding_cell_and_audited(client, personas):
    case = make_case(personas.agent_a)
    client.force_login(personas.agent_a)
    response = client.get(f"/ar/cases/{case.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.case", object_id=str(case.pk)
    ).exists()


@pytest.mark.parametrize(
    "persona", ["agent_b", "coordinator_nador", "focal_point", "auditor", "administrator"]
)
def test_who_must_not_see_the_case_gets_404(client, personas, persona):
    case = make_case(personas.agent_a)
    client.force_login(getattr(personas, persona))
    assert client.get(f"/fr/cases/{case.pk}/").status_code == 404
    assert client.post(f"/fr/cases/{case.pk}/notes/", {"text": "x"}).status_code == 404


def test_the_coordinator_reads_but_cannot_write(client, personas):
    case = make_case(personas.agent_a)
    client.force_login(personas.coordinator_oujda)
    assert client.get(f"/fr/cases/{case.pk}/").status_code == 200
    assert client.post(f"/fr/cases/{case.pk}/notes/", {"text": "x"}).status_code == 403


def test_confidential_notes_stay_in_the_cell(client, personas):
    case = make_case(personas.agent_a)
    actions.add_note(case=case, by=personas.agent_a, text="open note")
    actions.add_note(case=case, by=personas.agent_a, text="secret note", confidential=True)
    client.force_login(personas.colleague_a)
    assert "secret note" in client.get(f"/fr/cases/{case.pk}/").content.decode()
    client.force_login(personas.coordinator_oujda)
    html = client.get(f"/fr/cases/{case.pk}/").content.decode()
    assert "open note" in html and "secret note" not in html


def test_a_task_is_added_from_the_page(client, personas):
    case = make_case(personas.agent_a)
    client.force_login(personas.agent_a)
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        f"/fr/cases/{case.pk}/tasks/",
        {"kind": "appointment", "title": "RDV hôpital", "due_on": due},
    )
    assert response.status_code == 302
    assert case.tasks.get().title == "RDV hôpital"


def test_the_caseload_filters(client, personas):
    make_case(
        personas.agent_a,
        given_name_lat="Awa",
        sex="F",
        population="foreign",
        birth_date=date(2010, 1, 1),
        needs=[("education", "school")],
    )
    make_case(
        personas.agent_a,
        given_name_lat="Karim",
        sex="M",
        population="mre",
        birth_date=date(1960, 1, 1),
        needs=[("health", "")],
    )
    late = make_case(
        personas.agent_a,
        given_name_lat="Omar",
        sex="M",
        population="returnee",
        needs=[("housing", "")],
    )
    actions.add_task(
        case=late,
        by=personas.agent_a,
        title="call",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    make_case(personas.agent_b, given_name_lat="Nador", needs=[("health", "")])
    client.force_login(personas.agent_a)

    def shown(**params):
        page = client.get("/fr/cases/", params).context["page"]
        return sorted(case.person.given_name_lat for case in page.object_list)

    assert shown() == ["Awa", "Karim", "Omar"]
    assert shown(sex="F") == ["Awa"]
    assert shown(population="mre") == ["Karim"]
    assert shown(age="0-17") == ["Awa"]
    assert shown(age="60+") == ["Karim"]
    assert shown(domain="health") == ["Karim"]
    assert shown(overdue="on") == ["Omar"]
    assert shown(mine="on") == ["Awa", "Karim", "Omar"]
    client.force_login(personas.colleague_a)
    assert shown(mine="on") == []


def test_the_caseload_costs_the_same_queries_with_more_cases(
    client, personas, django_assert_num_queries
):
    make_case(personas.agent_a)
    client.force_login(personas.agent_a)
    with django_assert_num_queries(7) as before:
        client.get("/fr/cases/")
    for number in range(6):
        make_case(personas.agent_a, given_name_lat="Ali" + "a" * number)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/fr/cases/")


def test_the_overdue_list_shows_late_tasks_of_the_cell(client, personas):
    case = make_case(personas.agent_a)
    actions.add_task(
        case=case,
        by=personas.agent_a,
        title="late call",
        due_on=timezone.localdate() - timedelta(days=1),
    )
    actions.add_task(
        case=case,
        by=personas.agent_a,
        title="future call",
        due_on=timezone.localdate() + timedelta(days=1),
    )
    client.force_login(personas.colleague_a)
    html = client.get("/fr/cases/overdue/").content.decode()
    assert "late call" in html and "future call" not in html
    client.force_login(personas.agent_b)
    assert "late call" not in client.get("/fr/cases/overdue/").content.decode()


def test_a_scan_is_attached_and_downloaded_by_the_cell_with_an_audit(
    client, personas, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    case = make_case(personas.agent_a)
    client.force_login(personas.agent_a)
    upload = SimpleUploadedFile("passport of mohamed.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(
            f"/fr/cases/{case.pk}/attachments/", {"kind": "identity", "file": upload}
        ).status_code
        == 302
    )
    attachment = Attachment.objects.get()
    assert "mohamed" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert str(tmp_path) in attachment.file.path
    response = client.get(f"/fr/cases/{case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(attachment.pk)
    ).exists()
    client.force_login(personas.agent_b)
    assert client.get(f"/fr/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    client.force_login(personas.coordinator_oujda)
    assert client.get(f"/fr/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 403


def test_a_file_that_is_not_a_scan_or_too_large_is_refused(personas, settings, tmp_path):
    from django.core.exceptions import ValidationError

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    case = make_case(personas.agent_a)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF, JPEG or PNG"):
        actions.add_attachment(case=case, by=personas.agent_a, upload=fake, kind="identity")
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="too large"):
        actions.add_attachment(
            case=case, by=personas.agent_a, upload=SimpleUploadedFile("a.pdf", PDF), kind="identity"
        )
    assert Attachment.objects.count() == 0

"""Exports: aggregates suppressed in CSV, XLSX and HXL; case lists for the roles that may
take them, with the columns chosen; every export audited without personal data."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from mouwakaba.core.models import AuditAction, AuditEvent

from .world import build


@pytest.fixture
def world(personas):
    return build(personas)


def download(client, user, path="export/", **params):
    client.force_login(user)
    response = client.get(f"/en/indicators/{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response


def read_csv(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_of_aggregates_suppresses_small_counts(client, personas, world):
    response = download(
        client,
        personas.regional,
        indicator="cases_opened",
        by=["sex", "province"],
        period="2026-Q3",
        territory="MA-02",
        format="csv",
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = read_csv(response)
    assert lines[0][:2] == ["period", "territory"]
    figures = {(line[2], line[4]): line[-1] for line in lines[1:]}
    # 3 women at Oujda, 1 man at Nador, 1 man at Oujda: all under 5.
    assert figures == {("F", "MA-OUJ"): "<5", ("M", "MA-NAD"): "<5", ("M", "MA-OUJ"): "<5"}


def test_a_count_of_five_or_more_and_zero_are_shown(client, personas, world):
    lines = read_csv(
        download(client, personas.regional, indicator="needs", period="2026-Q3", format="csv")
    )
    assert lines[1][-1] == "7"
    lines = read_csv(
        download(client, personas.regional, indicator="needs", period="2025", format="csv")
    )
    assert lines[1][-1] == "0"


def test_xlsx_holds_the_figures_and_what_they_mean(client, personas, world):
    response = download(
        client,
        personas.regional,
        indicator="needs",
        by=["need_domain"],
        period="2026-Q3",
        format="xlsx",
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    strings = archive.read("xl/sharedStrings.xml").decode()
    assert "health" in strings and "&lt;5" in strings
    assert len([n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]) == 2


def test_hxl_has_the_tag_row_and_women_and_men_columns(client, personas, world):
    lines = read_csv(
        download(
            client,
            personas.regional,
            indicator="needs",
            by=["sex", "age_group"],
            period="2026-Q3",
            format="hxl",
        )
    )
    tags = lines[1]
    assert tags[:4] == ["#adm1+code", "#adm1+name", "#adm2+code", "#adm2+name"]
    assert {"#inneed", "#inneed+f", "#inneed+m", "#inneed+age0_17", "#inneed+f+age0_17"} <= set(
        tags
    )
    by_province = {line[2]: dict(zip(tags, line, strict=True)) for line in lines[2:]}
    # Oujda: c1 (2), c2, c3, c7 → 5 needs; 4 of women (c1, c2, c7), 1 of a man (c3).
    assert by_province["MA-OUJ"]["#inneed"] == "5"
    assert by_province["MA-OUJ"]["#inneed+f"] == "<5"
    assert by_province["MA-NAD"]["#inneed+m"] == "<5"
    assert by_province["MA-NAD"]["#inneed+f"] == "0"
    assert by_province["MA-OUJ"]["#adm1+code"] == "MA-02"


def test_every_export_is_audited_without_personal_data(client, personas, world):
    download(
        client, personas.regional, indicator="needs", by=["sex"], period="2026-Q3", format="csv"
    )
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("at")
    assert event.actor == personas.regional
    assert event.object_id == "needs"
    assert event.details == {
        "period": "2026-Q3",
        "territory": "MA-02",
        "by": ["sex"],
        "format": "csv",
        "rows": 2,
    }


def test_a_cell_agent_exports_their_cell_cases_with_the_columns_chosen(client, personas, world):
    response = download(
        client,
        personas.agent_a,
        "export/cases/",
        columns=["reference", "sex", "needs"],
        period="2026-Q3",
        format="csv",
    )
    lines = read_csv(response)
    assert lines[0] == ["reference", "sex", "needs"]
    references = {line[0] for line in lines[1:]}
    assert references == {world.cases[c].reference for c in ("c1", "c2", "c3", "c7")}
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="cases.case").get()
    assert event.details["rows"] == 4 and event.details["columns"] == ["reference", "sex", "needs"]
    assert world.persons["P1"].family_name_lat not in str(event.details)


def test_a_case_list_export_has_a_constant_number_of_queries(
    client, personas, world, django_assert_max_num_queries
):
    client.force_login(personas.regional)
    with django_assert_max_num_queries(20):
        response = client.get(
            "/en/indicators/export/cases/",
            {
                "columns": ["reference", "needs", "name_lat", "nationality"],
                "period": "2026",
                "format": "csv",
            },
        )
        lines = read_csv(response)
    assert len(lines) == 8  # header + c1..c7


def test_auditors_and_focal_points_cannot_export_case_lists(client, personas, world):
    for user in (personas.auditor, personas.focal_point, personas.administrator):
        client.force_login(user)
        response = client.get(
            "/en/indicators/export/cases/", {"columns": ["reference"], "format": "csv"}
        )
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_coordinator_cannot_export_another_province(client, personas, world):
    client.force_login(personas.coordinator_nador)
    response = client.get(
        "/en/indicators/export/", {"indicator": "needs", "territory": "MA-OUJ", "format": "csv"}
    )
    assert response.status_code == 403

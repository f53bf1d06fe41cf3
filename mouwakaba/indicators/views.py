"""Dashboards, the gender-gap view, the programme report and the exports. Every page
reads its period and territory from the query string, so a URL reproduces what it shows."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from mouwakaba.accounts.models import Role, User
from mouwakaba.cases.models import Case
from mouwakaba.core import audit
from mouwakaba.core.models import AuditAction

from . import areas, charts, compute, dashboards, definitions, exports, gender, periods, summaries
from .areas import Area
from .forms import DEFAULT_CASE_COLUMNS, CaseExportForm, ExportForm, FilterForm
from .labels import Labels
from .periods import Period

# Case lists carry personal data: only the roles that work on cases may take one away.
CASE_EXPORT_ROLES = (
    Role.CELL_AGENT,
    Role.CELL_HEAD,
    Role.PROVINCIAL_COORDINATOR,
    Role.REGIONAL_COORDINATOR,
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _filters(request: HttpRequest) -> tuple[FilterForm, Period, Area]:
    """The period and area the query string asks for. A bad period falls back to this
    month with a message; an area outside the user's scope is refused."""
    user = _user(request)
    form = FilterForm(user, request.GET or None)
    try:
        period = periods.from_params(request.GET)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        period = periods.from_params({})
    try:
        area = areas.resolve(user, request.GET.get("territory", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        area = areas.resolve(user, "")
    if not form.is_bound:
        form = FilterForm(user, initial={"period": period.code, "territory": area.code})
    return form, period, area


def _query(period: Period, area: Area, **extra: str) -> str:
    params = {"territory": area.code, **extra}
    if period.is_range:
        params.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
    else:
        params["period"] = period.code
    return urlencode(params)


def _common(request: HttpRequest, period: Period, area: Area, form: FilterForm) -> dict[str, Any]:
    return {
        "form": form,
        "period": period,
        "area": area,
        "query": _query(period, area),
        "can_export_cases": _user(request).has_role(*CASE_EXPORT_ROLES),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The user's own dashboard: their cell, province or region."""
    area = areas.resolve(_user(request), "")
    return redirect(f"{reverse('indicators:dashboard')}?territory={area.code}")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period, area = _filters(request)
    figure = request.GET.get("figure", dashboards.MAP_DEFAULT)
    context = _common(request, period, area, form)
    with summaries.reading(area, [period]) as session:
        context.update(
            dashboards.dashboard(
                _user(request), period, area, figure=figure, rtl=get_language_bidi()
            )
        )
    context["figures_as_of"] = session.oldest
    context["figures"] = [
        (indicator.code, indicator.label) for indicator in definitions.all_indicators()
    ]
    context["figure"] = figure
    context["level"] = area.level
    return render(request, "indicators/dashboard.html", context)


@login_required
def gender_gap(request: HttpRequest) -> HttpResponse:
    form, period, area = _filters(request)
    context = _common(request, period, area, form)
    with summaries.reading(area, [period, period.previous()]) as session:
        context["rows"] = gender.gender_gaps(period, area)
    context["figures_as_of"] = session.oldest
    context["labels"] = labels = Labels()
    # The picture first: women's and men's shares, over the whole territory, at the
    # furthest stage each service type has reached (as the gap column reads them).
    items = [
        (
            labels("service_type", row.service_type),
            {"F": row.headline.women_share, "M": row.headline.men_share},
        )
        for row in context["rows"]
        if row.territory == "all" and row.headline is not None
    ]
    context["chart"] = (
        charts.bar_chart(
            _("Women's and men's shares (in per cent) by service type"),
            items,
            dashboards.series(),
            rtl=get_language_bidi(),
        )
        if items
        else None
    )
    context["previous"] = period.previous()
    context["child"] = area.child_dimension
    context["referrals_available"] = compute.referral_model() is not None
    return render(request, "indicators/gender_gap.html", context)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    form, period, area = _filters(request)
    context = _common(request, period, area, form)
    with summaries.reading(area, [period, period.previous()]) as session:
        context.update(dashboards.report(period, area, rtl=get_language_bidi()))
    context["figures_as_of"] = session.oldest
    context["child"] = area.child_dimension
    return render(request, "indicators/report.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Aggregates of one indicator, split as asked, suppressed, audited."""
    form, period, area = _filters(request)
    export_form = ExportForm(request.GET if "indicator" in request.GET else None)
    if not export_form.is_valid():
        context = _common(request, period, area, form)
        context["export_form"] = export_form
        return render(request, "indicators/export.html", context)
    indicator = definitions.require(export_form.cleaned_data["indicator"])
    by = [d for d in export_form.cleaned_data["by"] if d in indicator.dimensions]
    refused = [d for d in export_form.cleaned_data["by"] if d not in indicator.dimensions]
    if refused:
        messages.warning(
            request,
            _("Some splits do not apply to this indicator and were left out: %(splits)s")
            % {"splits": ", ".join(str(compute.DIMENSION_LABELS[d]) for d in refused)},
        )
    labels = Labels()
    chosen = export_form.cleaned_data["format"]
    name = f"{indicator.code}_{period.code.replace('/', '_')}_{area.code}"
    if chosen == "hxl":
        headers, tags, body = exports.hxl_table(indicator, period, area, by, labels)
        content = exports.csv_bytes([headers, tags, *body])
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        filename, count = f"{name}_hxl.csv", len(body)
    else:
        rows = compute.compute(indicator, period, area, by)
        headers, body = exports.aggregate_table(indicator, period, area, by, rows, labels)
        count = len(body)
        if chosen == "xlsx":
            content = exports.xlsx_bytes(
                [
                    (indicator.code, [headers, *body]),
                    (_("about"), exports.about_sheet(indicator, period, area)),
                ],
                rtl=get_language_bidi(),
            )
            response = HttpResponse(
                content,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            filename = f"{name}.xlsx"
        else:
            response = HttpResponse(
                exports.csv_bytes([headers, *body]), content_type="text/csv; charset=utf-8"
            )
            filename = f"{name}.csv"
    audit.record(
        action=AuditAction.EXPORT,
        actor=request.user,
        object_type="indicators.aggregate",
        object_id=indicator.code,
        request=request,
        details={
            "period": period.code,
            "territory": area.code,
            "by": by,
            "format": chosen,
            "rows": count,
        },
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_cases(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """A list of the cases opened in the period, with the columns chosen: for the roles
    that work on cases, within their scope (core's door), audited."""
    user = _user(request)
    if not user.has_role(*CASE_EXPORT_ROLES):
        raise PermissionDenied(_("Your role does not allow exporting lists of cases."))
    form, period, area = _filters(request)
    export_form = CaseExportForm(request.GET if "columns" in request.GET else None)
    if not export_form.is_valid():
        context = _common(request, period, area, form)
        context["export_form"] = export_form
        context["default_columns"] = DEFAULT_CASE_COLUMNS
        return render(request, "indicators/export_cases.html", context)
    columns = export_form.cleaned_data["columns"]
    start, end = period.bounds()
    cases = Case.objects.visible_to(user).filter(
        cell_id__in=sorted(area.cell_ids), opened_at__gte=start, opened_at__lt=end
    )
    count = cases.count()
    chosen = export_form.cleaned_data["format"]
    audit.record(
        action=AuditAction.EXPORT,
        actor=user,
        object_type="cases.case",
        request=request,
        details={
            "period": period.code,
            "territory": area.code,
            "columns": columns,
            "format": chosen,
            "rows": count,
        },
    )
    lines = exports.case_lines(exports.cases_for_export(cases, columns), columns, period)
    name = f"cases_{period.code.replace('/', '_')}_{area.code}"
    response: HttpResponse | StreamingHttpResponse
    if chosen == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes([("cases", list(lines))], rtl=get_language_bidi()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = StreamingHttpResponse(
        exports.csv_stream(lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response

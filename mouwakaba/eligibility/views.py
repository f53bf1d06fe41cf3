"""Pages of the eligibility app: administrators write and publish rule versions; agents and
coordinators list who in their caseload is eligible for a service and not yet referred."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mouwakaba.accounts.models import Role, User
from mouwakaba.core.errors import NotAllowed
from mouwakaba.core.pagination import KnownCountPaginator
from mouwakaba.core.versioning import StaleVersion
from mouwakaba.directory.models import Service
from mouwakaba.people.models import (
    VULNERABILITIES,
    DocumentType,
    LegalStatus,
    Person,
    Population,
    Sex,
)
from mouwakaba.territories.models import Territory

from . import actions, compile, engine
from .forms import (
    CaseloadForm,
    CopyForm,
    EndForm,
    ExampleForm,
    ExampleFormSet,
    NewVersionForm,
    ParameterValueForm,
    RuleVersionForm,
)
from .models import Parameter, RuleVersion, parameters_on

CASELOAD_ROLES = (
    Role.CELL_AGENT,
    Role.CELL_HEAD,
    Role.PROVINCIAL_COORDINATOR,
    Role.REGIONAL_COORDINATOR,
)
PER_PAGE = 50
# Referral states that count as "referred": in progress or delivered. A person whose
# referral was declined, cancelled, expired or not delivered may be referred again.
REFERRED = ("draft", "sent", "accepted", "completed")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _administrator(request: HttpRequest) -> User:
    user = _user(request)
    if not actions.can_edit_rules(user):
        raise PermissionDenied(_("Only an administrator can change eligibility rules."))
    return user


# --- Rule versions (administrators) ---------------------------------------------------------------


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every service with its rule versions, newest first."""
    _administrator(request)
    query = (request.GET.get("q") or "").strip()
    services = Service.objects.select_related("organization").prefetch_related(
        Prefetch("rule_versions", RuleVersion.objects.order_by("-valid_from", "-pk"))
    )
    if query:
        services = services.search(query)
    services = services.order_by_name()
    only_with_rules = request.GET.get("with_rules") == "on"
    if only_with_rules:
        services = services.filter(rule_versions__isnull=False).distinct()
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    parameters = Parameter.objects.prefetch_related("values").order_by("code")
    return render(
        request,
        "eligibility/rule_list.html",
        {
            "page": page,
            "q": query,
            "with_rules": only_with_rules,
            "parameters": parameters,
            "parameter_form": ParameterValueForm(),
        },
    )


@login_required
@require_POST
def parameter_value(request: HttpRequest, pk: int) -> HttpResponse:
    """A new dated value of a named parameter (or a corrected one for the same day)."""
    user = _administrator(request)
    parameter = get_object_or_404(Parameter, pk=pk)
    form = ParameterValueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and a whole number."))
        return redirect("eligibility:rules")
    actions.set_parameter_value(parameter=parameter, by=user, **form.cleaned_data)
    messages.success(request, _("The value is saved."))
    return redirect("eligibility:rules")


def _vocabulary() -> dict[str, Any]:
    """What the conditions editor offers, with labels in the active language."""
    return {
        "kinds": [[code, str(label)] for code, (label, _check) in engine.CATALOGUE.items()],
        "population": [[v, str(label)] for v, label in Population.choices],
        "legal_status": [[v, str(label)] for v, label in LegalStatus.choices if v != "unknown"],
        "sex": [[v, str(label)] for v, label in Sex.choices],
        "doc_type": [[v, str(label)] for v, label in DocumentType.choices],
        "vulnerability": [[v, str(label)] for v, label in VULNERABILITIES],
        "territory": [
            [code, name]
            for code, name in (
                (t.code, f"{'— ' * ['region', 'province', 'commune'].index(t.level)}{t.name}")
                for t in Territory.objects.order_by("path")
            )
        ],
        "parameters": [[p.code, p.name] for p in Parameter.objects.order_by("code")],
        "text": {
            "all": _("All of these conditions"),
            "any": _("At least one of these conditions"),
            "not": _("None of these conditions"),
            "add": _("Add a condition"),
            "add_group": _("Add a group"),
            "remove": _("Remove"),
            "min": _("from (years)"),
            "max": _("to (years)"),
            "months": _("months"),
            "present": _("must be present"),
            "absent": _("must be absent"),
            "parameter": _("or a named parameter"),
            "empty": _("No condition: everyone is eligible."),
            "codes": _("Country codes, separated by commas (e.g. SN, CI)"),
            "kind": _("Kind of condition"),
            "group": _("Group"),
        },
    }


def _example_formset(request: HttpRequest, version: RuleVersion | None) -> Any:
    if request.method == "POST":
        return ExampleFormSet(request.POST, prefix="examples")
    initial = [ExampleForm.initial_from(e) for e in version.examples.all()] if version else []
    return ExampleFormSet(initial=initial, prefix="examples")


def _editor(
    request: HttpRequest,
    form: RuleVersionForm,
    examples: Any,
    version: RuleVersion | None,
    *,
    service: Service | None = None,
    runs: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "eligibility/rule_edit.html",
        {
            "form": form,
            "examples": examples,
            "version": version,
            "service": service or (version.service if version else None),
            "runs": runs,
            "vocabulary": _vocabulary(),
            "end_form": EndForm(initial={"version": version.version}) if version else None,
            "copy_form": CopyForm(initial={"valid_from": timezone.localdate()}),
            "editable": version is None or version.is_draft,
            # Failing examples are shown open, to be fixed where they are.
            "open_examples": bool(runs) and any(not run.passed for run in runs or []),
        },
        status=status,
    )


def _save(
    request: HttpRequest, form: RuleVersionForm, examples: Any, version: RuleVersion | None
) -> RuleVersion | None:
    """Validate both forms and write the draft; None (with messages) when refused."""
    if not (form.is_valid() and examples.is_valid()):
        messages.error(request, _("Some fields need your attention."))
        return None
    data = form.cleaned_data
    try:
        if version is None:
            return actions.create_draft(
                service=data["service"],
                valid_from=data["valid_from"],
                valid_to=data.get("valid_to"),
                reference=data.get("reference", ""),
                rule=data["rule"],
                examples=examples.examples(),
                by=_user(request),
            )
        return actions.update_draft(
            rule_version=version,
            expected_version=data.get("version"),
            by=_user(request),
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            reference=data.get("reference", ""),
            rule=data["rule"],
            examples=examples.examples(),
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except StaleVersion as stale:
        messages.error(request, stale.message())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return None


@login_required
def new_version(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    service = None
    if request.GET.get("service"):
        service = Service.objects.filter(pk=request.GET["service"]).first()
    if request.method == "POST":
        form = NewVersionForm(request.POST)
        examples = _example_formset(request, None)
        version = _save(request, form, examples, None)
        if version is not None:
            messages.success(request, _("The draft is saved."))
            return redirect("eligibility:edit", pk=version.pk)
        return _editor(request, form, examples, None, status=400)
    form = NewVersionForm(initial={"service": service, "valid_from": timezone.localdate()})
    return _editor(request, form, _example_formset(request, None), None, service=service)


def _form_initial(version: RuleVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "reference": version.reference,
        "rule": json.dumps(version.rule, ensure_ascii=False, indent=1) if version.rule else "",
    }


@login_required
def edit_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A version: its conditions and examples (editable while a draft), and what can be
    done with it. ``intent`` says what the save button pressed was: save, run, publish."""
    _administrator(request)
    version = get_object_or_404(RuleVersion.objects.select_related("service"), pk=pk)
    if request.method == "POST":
        intent = request.POST.get("intent", "save")
        form = RuleVersionForm(request.POST)
        examples = _example_formset(request, version)
        if version.is_draft:
            saved = _save(request, form, examples, version)
            if saved is None:
                return _editor(request, form, examples, version, status=400)
            version = saved
        if intent == "publish":
            try:
                actions.publish(
                    rule_version=version, expected_version=version.version, by=_user(request)
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                runs = actions.run_examples(version)
                return _refresh(request, version, runs, status=400)
            messages.success(request, _("The version is published."))
            return redirect("eligibility:edit", pk=version.pk)
        runs = actions.run_examples(version)
        if intent == "run":
            return _refresh(request, version, runs)
        messages.success(request, _("The draft is saved."))
        return redirect("eligibility:edit", pk=version.pk)
    runs = actions.run_examples(version)
    return _refresh(request, version, runs)


def _refresh(
    request: HttpRequest, version: RuleVersion, runs: list[Any], status: int = 200
) -> HttpResponse:
    version.refresh_from_db()
    form = RuleVersionForm(initial=_form_initial(version))
    examples = ExampleFormSet(
        initial=[ExampleForm.initial_from(e) for e in version.examples.all()], prefix="examples"
    )
    return _editor(request, form, examples, version, runs=runs, status=status)


def _version_action(
    request: HttpRequest, pk: int, operation: Callable[[RuleVersion, User], Any], done: str
) -> HttpResponse:
    user = _administrator(request)
    version = get_object_or_404(RuleVersion, pk=pk)
    try:
        result = operation(version, user)
    except StaleVersion as stale:
        messages.error(request, stale.message())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
        if isinstance(result, RuleVersion):
            return redirect("eligibility:edit", pk=result.pk)
    return redirect("eligibility:edit", pk=version.pk)


@login_required
@require_POST
def retire_version(request: HttpRequest, pk: int) -> HttpResponse:
    expected = request.POST.get("version")
    return _version_action(
        request,
        pk,
        lambda version, user: actions.retire(
            rule_version=version,
            expected_version=int(expected) if expected else None,
            by=user,
        ),
        _("The version is retired: it no longer applies."),
    )


@login_required
@require_POST
def end_version(request: HttpRequest, pk: int) -> HttpResponse:
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day on which the version applies."))
        return redirect("eligibility:edit", pk=pk)
    data = form.cleaned_data
    return _version_action(
        request,
        pk,
        lambda version, user: actions.end_version(
            rule_version=version,
            expected_version=data.get("version"),
            valid_to=data["valid_to"],
            by=user,
        ),
        _("The end date is saved."),
    )


@login_required
@require_POST
def copy_version(request: HttpRequest, pk: int) -> HttpResponse:
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the first day of the new version."))
        return redirect("eligibility:edit", pk=pk)
    return _version_action(
        request,
        pk,
        lambda version, user: actions.copy_as_draft(
            rule_version=version, valid_from=form.cleaned_data["valid_from"], by=user
        ),
        _("A new draft is made from this version."),
    )


# --- Caseload: who is eligible and not yet referred -------------------------------------------------


def _referral_model() -> Any:
    """The referrals app's Referral when it is installed (it sits above this app)."""
    if not apps.is_installed("mouwakaba.referrals"):
        return None
    try:
        return apps.get_model("referrals", "Referral")
    except LookupError:
        return None


def caseload_rows(
    user: User, service: Service, status: str, not_referred: bool, on: Any
) -> tuple[QuerySet[Person], RuleVersion | None]:
    """Persons in the user's scope with ``status`` for ``service`` on ``on``: one query."""
    version = (
        RuleVersion.objects.in_force(on).filter(service=service).order_by("-valid_from").first()
    )
    rule = version.rule if version else {}
    params = parameters_on(on) if engine.parameters_used(rule) else {}
    persons = Person.objects.visible_to(user).filter(
        compile.status_filter(rule, on, params, status)
    )
    referral = _referral_model() if not_referred else None
    if referral is not None:
        persons = persons.exclude(
            Exists(
                referral.objects.filter(
                    case__person=OuterRef("pk"), service=service, status__in=REFERRED
                )
            )
        )
    return persons, version


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """Who in my caseload is eligible for a service (or to verify) and not yet referred,
    with counts of women and men and by province."""
    user = _user(request)
    if not user.has_role(*CASELOAD_ROLES):
        raise PermissionDenied(_("This list is for cells and coordinators."))
    on = timezone.localdate()
    with_rules = Service.objects.filter(
        pk__in=RuleVersion.objects.in_force(on).values("service_id")
    ).order_by_name()
    form = CaseloadForm(request.GET or None, services=with_rules)
    context: dict[str, Any] = {"form": form, "on": on}
    if form.is_valid():
        data = form.cleaned_data
        service = data["service"]
        status = data.get("status") or engine.ELIGIBLE
        persons, version = caseload_rows(user, service, status, data["not_referred"], on)
        # One pass over the caseload gives the counts by sex and by province, and the
        # total the pages need: the list then reads only its page.
        by_sex: dict[str, int] = {}
        by_parent: dict[int | None, int] = {}
        for row in persons.order_by().values("sex", "commune__parent_id").annotate(n=Count("pk")):
            by_sex[row["sex"]] = by_sex.get(row["sex"], 0) + row["n"]
            parent = row["commune__parent_id"]
            by_parent[parent] = by_parent.get(parent, 0) + row["n"]
        names = Territory.objects.in_bulk([pk for pk in by_parent if pk is not None])
        provinces = sorted(
            (
                {
                    "name": names[pk].name if pk in names else _("commune not recorded"),
                    "n": n,
                }
                for pk, n in by_parent.items()
            ),
            key=lambda row: -cast(int, row["n"]),
        )
        page = KnownCountPaginator(
            persons.select_related("commune").order_by("family_name_lat", "given_name_lat", "pk"),
            PER_PAGE,
            count=sum(by_sex.values()),
        ).get_page(request.GET.get("page"))
        context.update(
            {
                "service": service,
                "status": status,
                "status_label": engine.STATUS_LABELS[status],
                "version": version,
                "page": page,
                "women": by_sex.get("F", 0),
                "men": by_sex.get("M", 0),
                "total": sum(by_sex.values()),
                "provinces": provinces,
                "referrals_known": _referral_model() is not None,
            }
        )
    return render(request, "eligibility/caseload.html", context)


def caseload_url(service: Service) -> str:
    return f"{reverse('eligibility:caseload')}?service={service.pk}&status=eligible&not_referred=on"

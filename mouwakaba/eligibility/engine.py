"""The eligibility engine: pure functions over plain values, no database.

A rule is a tree (JSON) of ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": node}`` and
criteria from a closed catalogue, each ``{"type": <code>, ...values}``:

========================  =====================================================================
``population_in``         ``values``: populations (mre, returnee, foreign)
``legal_status_in``       ``values``: legal statuses; valid on the date (see below)
``age_between``           ``min`` and/or ``max`` in whole years, inclusive (numbers or
                          ``{"param": code}``)
``sex_in``                ``values``: F, M
``holds_document``        ``doc_type``: a document type, not expired on the date
``residence_months_min``  ``months``: months in Morocco since ``in_morocco_since`` ≥ N
``lives_in``              ``territories``: territory codes (the commune's path holds one)
``vulnerability``         ``flag`` and ``present`` (true: has it; false: has it not)
``nationality_in``        ``values``: ISO 3166 country codes
========================  =====================================================================

Every criterion is true, false or unknown: a missing fact is never read as "no". ``all``,
``any`` and ``not`` follow Kleene's three-valued logic. Each criterion gives a
:class:`Reason` (what was expected, what was found, in words of the active language, and
what to obtain when it is not met); the result is eligible (true), not eligible (false)
or to verify (unknown).

The same definitions are compiled to SQL in :mod:`.compile`; both paths express every
comparison of dates the same way ("born on or before the date minus N years"), so that
they agree (a property test checks it).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

TRUE = "true"
FALSE = "false"
UNKNOWN = "unknown"

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
TO_VERIFY = "to_verify"

STATUS_OF = {TRUE: ELIGIBLE, FALSE: NOT_ELIGIBLE, UNKNOWN: TO_VERIFY}
STATUS_LABELS: dict[str, Any] = {
    ELIGIBLE: _("eligible"),
    NOT_ELIGIBLE: _("not eligible"),
    TO_VERIFY: _("to verify"),
}
RESULT_LABELS: dict[str, Any] = {
    TRUE: pgettext_lazy("criterion result", "met"),
    FALSE: pgettext_lazy("criterion result", "not met"),
    UNKNOWN: pgettext_lazy("criterion result", "unknown"),
}

# Legal statuses recorded without a title that expires: their validity is not checked.
STATUSES_WITHOUT_EXPIRY = frozenset({"irregular"})

VULNERABILITY_FLAGS = (
    "unaccompanied_minor",
    "disability",
    "pregnancy",
    "survivor_of_violence",
    "victim_of_trafficking",
    "elderly_alone",
)


class RuleError(ValueError):
    """A rule tree that does not follow the catalogue."""


# --- Facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the engine knows of a person; ``None`` means not known."""

    population: str | None = None
    legal_status: str | None = None
    legal_status_until: date | None = None
    sex: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    birth_date_approximate: bool = False
    nationality: str | None = None
    commune_path: str | None = None
    # (document type, expiry or None when it has none recorded)
    documents: tuple[tuple[str, date | None], ...] = ()
    in_morocco_since: date | None = None
    # flag → True/False; a flag absent from the mapping is unknown (the public
    # questionnaire does not ask about them).
    vulnerabilities: Mapping[str, bool] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "population": self.population,
            "legal_status": self.legal_status,
            "legal_status_until": day(self.legal_status_until),
            "sex": self.sex,
            "birth_date": day(self.birth_date),
            "birth_year": self.birth_year,
            "birth_date_approximate": self.birth_date_approximate,
            "nationality": self.nationality,
            "commune_path": self.commune_path,
            "documents": [[kind, day(expiry)] for kind, expiry in self.documents],
            "in_morocco_since": day(self.in_morocco_since),
            "vulnerabilities": dict(self.vulnerabilities),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facts:
        """Facts from their JSON form (examples of a rule version, stored decisions)."""

        def day(key: str) -> date | None:
            value = data.get(key)
            return date.fromisoformat(value) if value else None

        documents = []
        for item in data.get("documents") or []:
            kind, expiry = (item, None) if isinstance(item, str) else (item[0], item[1])
            documents.append((str(kind), date.fromisoformat(expiry) if expiry else None))
        year = data.get("birth_year")
        flags = data.get("vulnerabilities") or {}
        return cls(
            population=data.get("population") or None,
            legal_status=data.get("legal_status") or None,
            legal_status_until=day("legal_status_until"),
            sex=data.get("sex") or None,
            birth_date=day("birth_date"),
            birth_year=int(year) if year is not None and year != "" else None,
            birth_date_approximate=bool(data.get("birth_date_approximate")),
            nationality=data.get("nationality") or None,
            commune_path=data.get("commune_path") or None,
            documents=tuple(documents),
            in_morocco_since=day("in_morocco_since"),
            vulnerabilities={str(k): bool(v) for k, v in flags.items() if v is not None},
        )


# --- Dates ---------------------------------------------------------------------------------------


def minus_months(day: date, months: int) -> date:
    """``day`` moved back ``months`` calendar months, the day clamped to the month's end."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def minus_years(day: date, years: int) -> date:
    return minus_months(day, 12 * years)


def age_bounds(facts: Facts, on: date) -> tuple[int, int] | None:
    """The smallest and largest age the person may have on ``on``, or None."""
    if facts.birth_date is not None and not facts.birth_date_approximate:
        born = facts.birth_date
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return age, age
    year = facts.birth_year if facts.birth_year is not None else None
    if year is None and facts.birth_date is not None:
        year = facts.birth_date.year
    if year is None:
        return None
    # Only the year: the birthday is before or after ``on`` in that year. An estimated
    # year (from an age said at the desk) may be off by one more year either way.
    low, high = on.year - year - 1, on.year - year
    if facts.birth_date_approximate:
        low, high = low - 1, high + 1
    return low, high


# --- Reasons -----------------------------------------------------------------------------------


# Translated labels and templates, per language: a person's reasons render the same few
# dozen messages for every service, and a catalogue lookup per string adds up.
_RENDERED: dict[tuple[Any, ...], str] = {}
LIST_SEPARATOR = pgettext_lazy("list separator", ", ")


def _render(value: Any) -> str:
    """``str(value)``, remembered for lazy translations of a fixed message id."""
    args = getattr(value, "_args", None) if isinstance(value, Promise) else None
    if args is None or not all(isinstance(arg, str) for arg in args):
        return str(value)
    key = (get_language(), type(value), args)
    text = _RENDERED.get(key)
    if text is None:
        text = _RENDERED[key] = str(value)
    return text


def _format(template: Any, params: Mapping[str, Any]) -> str:
    return _render(template) % {key: _text(value) for key, value in params.items()}


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return _render(LIST_SEPARATOR).join(_text(v) for v in value)
    return _render(value)


lazy_format: Callable[[Any, Mapping[str, Any]], Promise] = lazy(_format, str)  # type: ignore[assignment]


@dataclass(frozen=True)
class Reason:
    """One criterion's verdict. ``message`` is in the language active when evaluated;
    ``text`` and ``hint`` are lazy, to render in another (see Decision.as_record)."""

    criterion: str
    result: str
    message: str
    expected: Any
    found: Any
    to_obtain: str = ""
    blocking: bool = False
    text: Any = field(default="", compare=False, repr=False)
    hint: Any = field(default="", compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "result": self.result,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "to_obtain": self.to_obtain,
            "blocking": self.blocking,
        }


@dataclass(frozen=True)
class Result:
    status: str
    reasons: list[Reason]
    missing: list[str]
    failing: list[str]


# --- Catalogue ------------------------------------------------------------------------------------

NOT_RECORDED = _("not recorded")


def _labels(kind: str) -> dict[str, Any]:
    """Code → translated label for the values of a criterion (lazy, no database)."""
    from . import vocabulary

    return vocabulary.labels(kind)


def _label(kind: str, code: Any) -> Any:
    if code is None or code == "":
        return NOT_RECORDED
    return _labels(kind).get(str(code), str(code))


def _number(value: Any, params: Mapping[str, Any], what: str) -> int | None:
    """A threshold: a number or ``{"param": code}`` resolved from ``params``."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        code = str(value.get("param"))
        if code not in params:
            raise RuleError(_format(_("Unknown parameter %(code)s."), {"code": code}))
        return int(params[code])
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RuleError(_format(_("%(what)s must be a number."), {"what": what}))
    try:
        return int(value)
    except ValueError as error:
        raise RuleError(_format(_("%(what)s must be a number."), {"what": what})) from error


@dataclass(frozen=True)
class Verdict:
    result: str
    expected: Any
    found: Any
    text: Any
    hint: Any = ""


def _in(found: str | None, values: list[str]) -> str:
    if found is None:
        return UNKNOWN
    return TRUE if found in values else FALSE


def check_population(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    values = list(node.get("values") or [])
    result = _in(facts.population, values)
    return Verdict(
        result,
        values,
        facts.population,
        lazy_format(
            _("Population is one of: %(expected)s (found: %(found)s)."),
            {
                "expected": [_label("population", v) for v in values],
                "found": _label("population", facts.population),
            },
        ),
        _("Ask which population the person belongs to.") if result == UNKNOWN else "",
    )


def check_legal_status(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    values = list(node.get("values") or [])
    status = facts.legal_status if facts.legal_status not in (None, "unknown") else None
    result = _in(status, values)
    hint: Any = _("Ask about the legal status and see the papers that prove it.")
    if result == TRUE and status not in STATUSES_WITHOUT_EXPIRY:
        until = facts.legal_status_until
        if until is None:
            result = UNKNOWN
            hint = _("Record until when the legal status is valid (see the title or receipt).")
        elif until < on:
            result = FALSE
            hint = _("Renew the residence title or receipt.")
    if result == TRUE or (result == FALSE and status is not None and status not in values):
        hint = ""
    found = {
        "status": status,
        "until": facts.legal_status_until.isoformat() if facts.legal_status_until else None,
    }
    until_text: Any = (
        facts.legal_status_until.isoformat() if facts.legal_status_until else NOT_RECORDED
    )
    return Verdict(
        result,
        values,
        found,
        lazy_format(
            _(
                "Legal status is one of: %(expected)s, valid on %(date)s "
                "(found: %(found)s, valid until %(until)s)."
            ),
            {
                "expected": [_label("legal_status", v) for v in values],
                "found": _label("legal_status", status),
                "until": until_text,
                "date": on.isoformat(),
            },
        ),
        hint,
    )


def check_age(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    low_limit = _number(node.get("min"), params, "min")
    high_limit = _number(node.get("max"), params, "max")
    bounds = age_bounds(facts, on)
    if bounds is None:
        result = UNKNOWN
        found: Any = None
        found_text: Any = NOT_RECORDED
    else:
        low, high = bounds
        fits_low = low_limit is None or low >= low_limit
        fits_high = high_limit is None or high <= high_limit
        misses = (low_limit is not None and high < low_limit) or (
            high_limit is not None and low > high_limit
        )
        result = TRUE if fits_low and fits_high else FALSE if misses else UNKNOWN
        found = [low, high]
        found_text = str(low) if low == high else f"{low}–{high}"
    expected = {"min": low_limit, "max": high_limit}
    if low_limit is not None and high_limit is not None:
        template = _("Age from %(min)s to %(max)s years on %(date)s (found: %(found)s).")
    elif low_limit is not None:
        template = _("Age at least %(min)s years on %(date)s (found: %(found)s).")
    else:
        template = _("Age at most %(max)s years on %(date)s (found: %(found)s).")
    hint: Any = ""
    if result == UNKNOWN:
        hint = _("Bring a document that shows the date of birth (birth certificate, passport).")
    return Verdict(
        result,
        expected,
        found,
        lazy_format(
            template,
            {"min": low_limit, "max": high_limit, "found": found_text, "date": on.isoformat()},
        ),
        hint,
    )


def check_sex(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    values = list(node.get("values") or [])
    result = _in(facts.sex, values)
    return Verdict(
        result,
        values,
        facts.sex,
        lazy_format(
            _("Sex is one of: %(expected)s (found: %(found)s)."),
            {
                "expected": [_label("sex", v) for v in values],
                "found": _label("sex", facts.sex),
            },
        ),
        _("Record the person's sex.") if result == UNKNOWN else "",
    )


def check_document(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    kind = str(node.get("doc_type") or "")
    held = [expiry for doc_type, expiry in facts.documents if doc_type == kind]
    if any(expiry is not None and expiry >= on for expiry in held):
        result, found = TRUE, "valid"
    elif any(expiry is None for expiry in held):
        result, found = UNKNOWN, "expiry_unknown"
    elif held:
        result, found = FALSE, "expired"
    else:
        result, found = FALSE, "none"
    found_labels = {
        "valid": _("held, valid"),
        "expiry_unknown": _("held, expiry date not recorded"),
        "expired": _("held, expired"),
        "none": _("not held"),
    }
    hint: Any = ""
    if result == UNKNOWN:
        hint = lazy_format(
            _("Record the expiry date of the %(document)s."),
            {"document": _label("doc_type", kind)},
        )
    elif result == FALSE:
        hint = lazy_format(_("Bring a valid %(document)s."), {"document": _label("doc_type", kind)})
    return Verdict(
        result,
        kind,
        found,
        lazy_format(
            _("Holds a %(document)s valid on %(date)s (found: %(found)s)."),
            {
                "document": _label("doc_type", kind),
                "date": on.isoformat(),
                "found": found_labels[found],
            },
        ),
        hint,
    )


def check_residence(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    months = _number(node.get("months"), params, "months") or 0
    since = facts.in_morocco_since
    # "N months of residence" is "arrived on or before the date minus N months".
    cutoff = minus_months(on, months)
    result = UNKNOWN if since is None else TRUE if since <= cutoff else FALSE
    hint: Any = ""
    if result == UNKNOWN:
        hint = _("Record since when the person has been in Morocco (a document that shows it).")
    return Verdict(
        result,
        months,
        since.isoformat() if since else None,
        lazy_format(
            _("In Morocco for at least %(months)s months on %(date)s (found: since %(found)s)."),
            {
                "months": months,
                "date": on.isoformat(),
                "found": since.isoformat() if since else NOT_RECORDED,
            },
        ),
        hint,
    )


def lives_in(path: str | None, codes: list[str]) -> str:
    if path is None:
        return UNKNOWN
    segments = path.strip("/").split("/")
    return TRUE if any(code in segments for code in codes) else FALSE


def check_territory(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    codes = [str(code) for code in node.get("territories") or []]
    result = lives_in(facts.commune_path, codes)
    found = facts.commune_path.strip("/").split("/")[-1] if facts.commune_path else None
    return Verdict(
        result,
        codes,
        found,
        lazy_format(
            _("Lives in: %(expected)s (found: %(found)s)."),
            {
                "expected": [_label("territory", c) for c in codes],
                "found": _label("territory", found),
            },
        ),
        _("Record the commune of residence.") if result == UNKNOWN else "",
    )


def check_vulnerability(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    flag = str(node.get("flag") or "")
    present = bool(node.get("present", True))
    value = facts.vulnerabilities.get(flag)
    result = UNKNOWN if value is None else TRUE if value == present else FALSE
    template = (
        _("Situation: %(flag)s (found: %(found)s).")
        if present
        else _("Situation not present: %(flag)s (found: %(found)s).")
    )
    found_text: Any = (
        NOT_RECORDED
        if value is None
        else pgettext_lazy("situation", "yes")
        if value
        else pgettext_lazy("situation", "no")
    )
    return Verdict(
        result,
        {"flag": flag, "present": present},
        value,
        lazy_format(template, {"flag": _label("vulnerability", flag), "found": found_text}),
        _("Ask about the person's situation.") if result == UNKNOWN else "",
    )


def check_nationality(node: Mapping[str, Any], facts: Facts, on: date, params: Any) -> Verdict:
    values = [str(v).upper() for v in node.get("values") or []]
    result = _in(facts.nationality.upper() if facts.nationality else None, values)
    return Verdict(
        result,
        values,
        facts.nationality,
        lazy_format(
            _("Nationality is one of: %(expected)s (found: %(found)s)."),
            {
                "expected": [_label("country", v) for v in values],
                "found": _label("country", facts.nationality),
            },
        ),
        _("Record the nationality (see the passport or consular card).")
        if result == UNKNOWN
        else "",
    )


Check = Callable[[Mapping[str, Any], Facts, date, Mapping[str, Any]], Verdict]

CATALOGUE: dict[str, tuple[Any, Check]] = {
    "population_in": (_("population is one of"), check_population),
    "legal_status_in": (_("legal status is one of, valid on the date"), check_legal_status),
    "age_between": (_("age between"), check_age),
    "sex_in": (_("sex is one of"), check_sex),
    "holds_document": (_("holds a valid document"), check_document),
    "residence_months_min": (_("months of residence in Morocco at least"), check_residence),
    "lives_in": (_("lives in a territory"), check_territory),
    "vulnerability": (_("situation of vulnerability"), check_vulnerability),
    "nationality_in": (_("nationality is one of"), check_nationality),
}


# --- Validation ---------------------------------------------------------------------------------------


def validate(rule: Any, parameters: set[str] | None = None) -> None:
    """Raise :class:`RuleError` (a translated message) unless ``rule`` follows the
    catalogue. ``None`` or ``{}`` is the empty rule: everyone is eligible."""
    if rule in (None, {}):
        return
    _validate(rule, parameters, depth=0)


def _validate(node: Any, parameters: set[str] | None, depth: int) -> None:
    if depth > 20:
        raise RuleError(_format(_("The rule is nested too deeply."), {}))
    if not isinstance(node, Mapping):
        raise RuleError(_format(_("Each part of a rule must be an object."), {}))
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = node[key]
        if not isinstance(children, list) or not children:
            raise RuleError(_format(_("A group needs at least one condition."), {}))
        for child in children:
            _validate(child, parameters, depth + 1)
        return
    if "not" in node:
        _validate(node["not"], parameters, depth + 1)
        return
    kind = node.get("type")
    if kind not in CATALOGUE:
        raise RuleError(_format(_("Unknown kind of condition: %(kind)s."), {"kind": kind}))
    from . import vocabulary

    vocabulary.validate_criterion(node, parameters)


# --- Evaluation -------------------------------------------------------------------------------------


@dataclass
class _Leaf:
    node: Mapping[str, Any]
    verdict: Verdict
    blocking: bool = False


def _evaluate(
    node: Mapping[str, Any],
    facts: Facts,
    on: date,
    params: Mapping[str, Any],
    leaves: list[_Leaf],
) -> tuple[str, Any]:
    """The node's value and a tree of (value, kind, children|leaf) for blame."""
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = [_evaluate(child, facts, on, params, leaves) for child in node[key]]
        values = [value for value, _tree in children]
        if key == "all":
            value = FALSE if FALSE in values else UNKNOWN if UNKNOWN in values else TRUE
        else:
            value = TRUE if TRUE in values else UNKNOWN if UNKNOWN in values else FALSE
        return value, (value, key, [tree for _value, tree in children])
    if "not" in node:
        inner = _evaluate(node["not"], facts, on, params, leaves)
        value = {TRUE: FALSE, FALSE: TRUE, UNKNOWN: UNKNOWN}[inner[0]]
        return value, (value, "not", [inner[1]])
    _label_text, check = CATALOGUE[str(node.get("type"))]
    leaf = _Leaf(node, check(node, facts, on, params))
    leaves.append(leaf)
    return leaf.verdict.result, (leaf.verdict.result, "leaf", leaf)


def _blame(tree: tuple[str, str, Any], want: str) -> None:
    """Mark the criteria that keep ``tree`` from being ``want`` (TRUE or FALSE)."""
    value, kind, children = tree
    if value == want:
        return
    if kind == "leaf":
        children.blocking = True
        return
    if kind == "not":
        _blame(children[0], FALSE if want == TRUE else TRUE)
        return
    # all wanted true / any wanted false: every child that is not so holds it back;
    # all wanted false / any wanted true: no child is so, each could have been.
    for child in children:
        _blame(child, want)


def evaluate(
    rule: Mapping[str, Any] | None,
    facts: Facts,
    on: date,
    params: Mapping[str, Any] | None = None,
) -> Result:
    """Evaluate ``rule`` for ``facts`` as of ``on``: status, reasons, what to obtain,
    and the codes of the criteria that keep the person from being eligible."""
    if not rule:
        return Result(ELIGIBLE, [], [], [])
    leaves: list[_Leaf] = []
    value, tree = _evaluate(rule, facts, on, params or {}, leaves)
    _blame(tree, TRUE)
    reasons = []
    missing: list[str] = []
    failing: list[str] = []
    for leaf in leaves:
        code = str(leaf.node["type"])
        verdict = leaf.verdict
        hint = str(verdict.hint) if leaf.blocking and verdict.hint else ""
        reasons.append(
            Reason(
                criterion=code,
                result=verdict.result,
                message=str(verdict.text),
                expected=verdict.expected,
                found=verdict.found,
                to_obtain=hint,
                blocking=leaf.blocking,
                text=verdict.text,
                hint=verdict.hint if leaf.blocking else "",
            )
        )
        if leaf.blocking:
            failing.append(code)
            if hint and hint not in missing:
                missing.append(hint)
    return Result(STATUS_OF[value], reasons, missing, sorted(set(failing)))


def three_valued(rule: Mapping[str, Any] | None, facts: Facts, on: date, params: Any) -> str:
    """Only the value (true, false, unknown), without reasons (for tests and the SQL path)."""
    if not rule:
        return TRUE
    return _evaluate(rule, facts, on, params or {}, [])[0]


_FIELDS_READ = {
    "population_in": ("population",),
    "legal_status_in": ("legal_status", "legal_status_until"),
    "age_between": ("birth_date", "birth_year", "birth_date_approximate"),
    "sex_in": ("sex",),
    "residence_months_min": ("in_morocco_since",),
    "lives_in": ("commune_path",),
    "nationality_in": ("nationality",),
}


def facts_used(rule: Any, every: Mapping[str, Any]) -> dict[str, Any]:
    """The part of the facts (``Facts.as_json()``) that ``rule`` reads: what a stored
    decision keeps, no more personal data than the decision rests on."""
    used: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, Mapping):
            return
        for key in ("all", "any", "not"):
            if key in node:
                walk(node[key])
        kind = node.get("type")
        for name in _FIELDS_READ.get(str(kind), ()):
            used[name] = every[name]
        if kind == "holds_document":
            documents = used.setdefault("documents", [])
            for item in every["documents"]:
                if item[0] == node.get("doc_type") and item not in documents:
                    documents.append(item)
        if kind == "vulnerability":
            flag = str(node.get("flag"))
            used.setdefault("vulnerabilities", {})[flag] = every["vulnerabilities"].get(flag)

    walk(rule)
    return used


def parameters_used(rule: Any) -> set[str]:
    """The codes of the named parameters a rule refers to."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            if set(node) == {"param"}:
                found.add(str(node["param"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(rule)
    return found

"""What changed between two snapshots: the out-of-date notice of the agreement page
(docs/rules.md §12).

Compares the snapshot of the latest version with a fresh one and lists the differences in
four areas: parties (who takes part, their details, tasks, the penvoerder), amounts (the
contributions and totals of each party, the cofinancing figures, the scheme), signatories
and texts (the clauses). Readiness is not compared: it follows from the rest. Snapshots of
any age are read defensively (a missing key is an empty value).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from sterk.money import format_euro

PARTIES = "parties"
AMOUNTS = "amounts"
SIGNATORIES = "signatories"
TEXTS = "texts"
AREAS = (PARTIES, AMOUNTS, SIGNATORIES, TEXTS)

_PARTY_DETAILS = (
    "name", "kind", "kvk_number", "brin_code", "legal_form", "address", "postal_code", "city",
    "counts_as_business",
)  # fmt: skip


def _label(field: str) -> str:
    """The field's name as the organisation form shows it."""
    from django.core.exceptions import FieldDoesNotExist

    from partners.models import Organisation

    try:
        return str(Organisation._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field of another snapshot schema: show its key
        return field


_SIGNATORY_DETAILS = (
    "name", "job_title", "email", "authority", "proxy_limit", "co_signatory",
    "evidence_source", "evidence_reference", "evidence_date", "checked_by", "checked_at",
)  # fmt: skip
_COFINANCING_FIGURES = ("total_costs", "base_amount", "required", "business_total", "met")
# Whole sentences per figure, so a translation never mixes in a key like "base amount".
_FIGURE_TEXTS = {
    "total_costs": lambda: _("Cofinancing, total costs: %(old)s → %(new)s."),
    "base_amount": lambda: _("Cofinancing, base amount: %(old)s → %(new)s."),
    "required": lambda: _("Cofinancing, amount required: %(old)s → %(new)s."),
    "business_total": lambda: _("Cofinancing, business total: %(old)s → %(new)s."),
}


@dataclass(frozen=True)
class Change:
    area: str
    text: str


def _euro(text) -> str:
    return format_euro(Decimal(text)) if text not in (None, "") else "-"


def _terms(contributions) -> list:
    """What the document says of contributions: everything but their status, which moves on
    (pledged, realised, certified) without changing what was agreed."""
    return [
        {k: v for k, v in row.items() if k not in ("status", "delivered")}
        for row in contributions or []
    ]


def _tasks(party: dict) -> list:
    """The tasks of a party; a snapshot from before the locations names none for a task."""
    return [{"location": "", **task} for task in party.get("tasks") or []]


def _by_key(rows) -> dict:
    return {row.get("key"): row for row in rows or []}


def changes_since(old: dict, new: dict) -> list[Change]:
    """The differences from `old` to `new`, grouped by area in the order of AREAS."""
    old_parties = _by_key(old.get("parties"))
    new_parties = _by_key(new.get("parties"))
    changes = _party_changes(old, new, old_parties, new_parties)
    changes += _amount_changes(old, new, old_parties, new_parties)
    changes += _signatory_changes(old_parties, new_parties)
    changes += _text_changes(old, new)
    return changes


def _party_changes(old, new, old_parties, new_parties) -> list[Change]:
    changes = []
    for key, party in new_parties.items():
        if key not in old_parties:
            changes.append(Change(PARTIES, _("%(name)s joined.") % {"name": party.get("name")}))
    for key, party in old_parties.items():
        if key not in new_parties:
            changes.append(Change(PARTIES, _("%(name)s left.") % {"name": party.get("name")}))
    for key, party in new_parties.items():
        before = old_parties.get(key)
        if before is None:
            continue
        fields = [f for f in _PARTY_DETAILS if before.get(f) != party.get(f)]
        if fields:
            changes.append(
                Change(
                    PARTIES,
                    _("%(name)s: details changed (%(fields)s).")
                    % {"name": party.get("name"), "fields": ", ".join(_label(f) for f in fields)},
                )
            )
        if _tasks(before) != _tasks(party):
            changes.append(
                Change(PARTIES, _("%(name)s: tasks changed.") % {"name": party.get("name")})
            )
        if (before.get("locations") or []) != (party.get("locations") or []):
            changes.append(
                Change(
                    PARTIES,
                    _("%(name)s: the schools or branches listed under it changed.")
                    % {"name": party.get("name")},
                )
            )
    if old.get("penvoerder") != new.get("penvoerder"):
        party = new_parties.get(new.get("penvoerder")) or {}
        changes.append(
            Change(
                PARTIES,
                _("The penvoerder is now %(name)s.") % {"name": party.get("name") or "-"},
            )
        )
    return changes


def _amount_changes(old, new, old_parties, new_parties) -> list[Change]:
    changes = []
    for key, party in new_parties.items():
        before = old_parties.get(key)
        if before is None:
            continue
        if before.get("total") != party.get("total"):
            changes.append(
                Change(
                    AMOUNTS,
                    _("%(name)s: contribution %(old)s → %(new)s.")
                    % {
                        "name": party.get("name"),
                        "old": _euro(before.get("total")),
                        "new": _euro(party.get("total")),
                    },
                )
            )
        elif _terms(before.get("contributions")) != _terms(party.get("contributions")):
            changes.append(
                Change(
                    AMOUNTS,
                    _("%(name)s: contributions changed.") % {"name": party.get("name")},
                )
            )
    if (old.get("scheme") or {}) != (new.get("scheme") or {}):
        changes.append(Change(AMOUNTS, _("The scheme changed.")))
    before = old.get("cofinancing") or {}
    after = new.get("cofinancing") or {}
    for figure in _COFINANCING_FIGURES:
        if before.get(figure) == after.get(figure):
            continue
        if figure == "met":
            text = (
                _("The share is now met.") if after.get("met") else _("The share is no longer met.")
            )
        else:
            text = _FIGURE_TEXTS[figure]() % {
                "old": _euro(before.get(figure)),
                "new": _euro(after.get(figure)),
            }
        changes.append(Change(AMOUNTS, text))
    return changes


def _signatory_changes(old_parties, new_parties) -> list[Change]:
    changes = []
    for key, party in new_parties.items():
        if key not in old_parties:
            continue  # a new party is reported once, under parties
        before = _by_key(old_parties[key].get("signatories"))
        after = _by_key(party.get("signatories"))
        name = party.get("name")
        for signatory_key, signatory in after.items():
            if signatory_key not in before:
                changes.append(
                    Change(
                        SIGNATORIES,
                        _("%(name)s: %(person)s signs.")
                        % {"name": name, "person": signatory.get("name")},
                    )
                )
            elif any(before[signatory_key].get(f) != signatory.get(f) for f in _SIGNATORY_DETAILS):
                changes.append(
                    Change(
                        SIGNATORIES,
                        _("%(name)s: the details of %(person)s changed.")
                        % {"name": name, "person": signatory.get("name")},
                    )
                )
        for signatory_key, signatory in before.items():
            if signatory_key not in after:
                changes.append(
                    Change(
                        SIGNATORIES,
                        _("%(name)s: %(person)s no longer signs.")
                        % {"name": name, "person": signatory.get("name")},
                    )
                )
    return changes


def _text_changes(old, new) -> list[Change]:
    changes = []
    before = _by_key(old.get("clauses"))
    after = _by_key(new.get("clauses"))
    for key, clause in after.items():
        title = clause.get("title") or key
        if key not in before:
            changes.append(Change(TEXTS, _("Clause “%(title)s” added.") % {"title": title}))
        elif before[key].get("text") != clause.get("text") or before[key].get("title") != title:
            changes.append(Change(TEXTS, _("Clause “%(title)s” changed.") % {"title": title}))
    for key, clause in before.items():
        if key not in after:
            changes.append(
                Change(
                    TEXTS,
                    _("Clause “%(title)s” removed.") % {"title": clause.get("title") or key},
                )
            )
    return changes

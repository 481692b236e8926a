"""The clause texts of the cooperation agreement (samenwerkingsovereenkomst).

The default articles are Dutch and written for Sterk Techniekonderwijs (agreements.articles_nl);
a project leader may replace the text of any of them for their partnership (a `ClauseText`
row) and restore the default by deleting that row, add their own articles, move any article
up or down and remove the optional ones (`AgreementArticle` rows; REQUIRED_KEYS stay). Clause texts are plain paragraphs, separated by an empty
line, with placeholders such as {partnership} filled in from the version's snapshot.
Generated parts (the parties, the tasks per party, the contributions table, the signature
blocks) are rendered by the PDF template after the clause with the same key, never by a
placeholder, so a leader cannot remove them by editing a text.
"""

import re
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.articles_nl import (
    BASE_DEFINITIONS,
    DEFAULT_BY_KEY,
    DEFAULT_CLAUSES,
    DEFAULT_STEERING_GROUP,
    LICENCE_TEXTS,
    REQUIRED_KEYS,
)
from agreements.models import AgreementArticle, ClauseText
from sterk.money import format_euro
from sterk.validators import has_line_break

__all__ = ["DEFAULT_BY_KEY", "DEFAULT_CLAUSES", "REQUIRED_KEYS"]

MAX_CLAUSE_LENGTH = 20000
MAX_TITLE_LENGTH = 200
# The preamble ("Overwegende dat …") is printed without an article number.
PREAMBLE_KEY = "considerations"
OWN_PREFIX = "own-"

# The placeholders a clause text may use, with what they become.
PLACEHOLDERS: dict[str, object] = {
    "partnership": gettext_lazy("the name of the partnership"),
    "region": gettext_lazy("the region"),
    "start_year": gettext_lazy("the first year"),
    "end_year": gettext_lazy("the last year"),
    "scheme": gettext_lazy("the name of the scheme"),
    "share": gettext_lazy("the business share, as a percentage"),
    "penvoerder": gettext_lazy("the name of the penvoerder"),
    "party_count": gettext_lazy("the number of parties"),
    "business_total": gettext_lazy("the business cofinancing in total"),
    "required": gettext_lazy("the cofinancing the scheme requires"),
    "percentage": gettext_lazy("the business cofinancing as a percentage of the base"),
    "scheme_start_year": gettext_lazy("the first year of the scheme"),
    "scheme_end_year": gettext_lazy("the last year of the scheme"),
    "base_definition": gettext_lazy(
        "what the business share is calculated over, in words (the scheme's base)"
    ),
    "base_amount": gettext_lazy("the base of the business share, as an amount"),
    "steering_group": gettext_lazy("who steers the partnership (agreement settings)"),
    "licence": gettext_lazy("how the parties may use the results (agreement settings)"),
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class UnknownPlaceholder(ValueError):
    """A clause text names a placeholder that does not exist."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown placeholder {{{name}}}")


def unknown_placeholders(text: str) -> list[str]:
    """The names between braces that are not placeholders, in order of appearance, once."""
    found = []
    for match in _PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def _percent(fraction: str | None) -> str:
    if not fraction:
        return "—"
    value = (Decimal(str(fraction)) * 100).normalize()
    return f"{format(value, 'f').replace('.', ',')}%"


def _euro(value) -> str:
    return format_euro(Decimal(str(value))) if value not in (None, "") else format_euro(0)


def placeholder_values(snapshot: dict) -> dict[str, str]:
    """What every placeholder becomes for this snapshot (amounts Dutch-formatted)."""
    partnership = snapshot.get("partnership") or {}
    scheme = snapshot.get("scheme") or {}
    cofinancing = snapshot.get("cofinancing") or {}
    parties = snapshot.get("parties") or []
    penvoerder = next(
        (party["name"] for party in parties if party["key"] == snapshot.get("penvoerder")),
        "(penvoerder nog niet aangewezen)",
    )
    share = scheme.get("share") or cofinancing.get("rate")
    percentage = cofinancing.get("percentage")
    agreement = snapshot.get("agreement") or {}
    base = scheme.get("base") or cofinancing.get("base") or "eligible_total"
    return {
        "partnership": partnership.get("name", ""),
        "region": partnership.get("region", ""),
        "start_year": str(partnership.get("start_year", "")),
        "end_year": str(partnership.get("end_year", "")),
        "scheme": scheme.get("name") or "Sterk Techniekonderwijs",
        "share": _percent(share),
        "penvoerder": penvoerder,
        "party_count": str(len(parties)),
        "business_total": _euro(cofinancing.get("business_total")),
        "required": _euro(cofinancing.get("required")),
        "percentage": f"{percentage.replace('.', ',')}%" if percentage else "—",
        "scheme_start_year": str(scheme.get("start_year") or partnership.get("start_year", "")),
        "scheme_end_year": str(scheme.get("end_year") or partnership.get("end_year", "")),
        "base_definition": BASE_DEFINITIONS.get(base, BASE_DEFINITIONS["eligible_total"]),
        "base_amount": _euro(cofinancing.get("base_amount")),
        "steering_group": (
            agreement.get("steering_body")
            or agreement.get("steering_group")
            or DEFAULT_STEERING_GROUP
        ),
        "licence": LICENCE_TEXTS.get(agreement.get("licence"), LICENCE_TEXTS["shared"]),
    }


def render_clause(text: str, snapshot: dict) -> list[str]:
    """The clause as paragraphs (split on empty lines) with the placeholders filled in.

    Raises UnknownPlaceholder naming the first placeholder that does not exist. The result
    is plain text: escaping is the template's job.
    """
    values = placeholder_values(snapshot)

    def fill(match):
        name = match.group(1).strip()
        if name not in values:
            raise UnknownPlaceholder(name)
        return values[name]

    filled = _PLACEHOLDER.sub(fill, text.replace("\r\n", "\n").replace("\r", "\n"))
    return [paragraph.strip() for paragraph in re.split(r"\n[ \t]*\n", filled) if paragraph.strip()]


# --- numbering -------------------------------------------------------------------------------


def article_numbers(clauses: list[dict]) -> list[int | None]:
    """The number each article is printed with, in order; the preamble has none."""
    numbers, number = [], 0
    for clause in clauses:
        if clause.get("key") == PREAMBLE_KEY:
            numbers.append(None)
        else:
            number += 1
            numbers.append(number)
    return numbers


# --- reads -----------------------------------------------------------------------------------


def is_own_key(key: str) -> bool:
    return key.startswith(OWN_PREFIX)


def article_outline(*, partnership) -> list[dict]:
    """Every article of the partnership in its order, removed ones included (flagged), with
    the partnership's own text where it has one. Two queries.

    Without AgreementArticle rows the order is the default one. A default article without a
    row (one added to the defaults later) stands right after the default article before it.
    """
    overrides = dict(ClauseText.objects.filter(partnership=partnership).values_list("key", "text"))
    rows = {row.key: row for row in AgreementArticle.objects.filter(partnership=partnership)}
    placed = []
    previous = -1
    for index, (key, title, text) in enumerate(DEFAULT_CLAUSES):
        row = rows.get(key)
        if row is not None:
            previous = row.position
            order = (row.position, 0, index)
        else:
            order = (previous, 1, index)
        item = {
            "key": key,
            "title": title,
            "text": overrides.get(key, text),
            "is_default": key not in overrides,
            "is_own": False,
            "is_required": key in REQUIRED_KEYS,
            "is_removed": bool(row and row.is_removed),
        }
        placed.append((order, item))
    for row in rows.values():
        if not row.is_own:
            continue
        item = {
            "key": row.key,
            "title": row.title,
            "text": row.text,
            "is_default": False,
            "is_own": True,
            "is_required": False,
            "is_removed": row.is_removed,
        }
        placed.append(((row.position, 0, -1), item))
    placed.sort(key=lambda pair: pair[0])
    return [item for _order, item in placed]


def effective_clauses(*, partnership) -> list[dict]:
    """The articles of the agreement in the partnership's order: own articles included,
    removed ones left out. Two queries."""
    return [item for item in article_outline(partnership=partnership) if not item["is_removed"]]


# --- validation ------------------------------------------------------------------------------


def validate_clause_text(text: str) -> None:
    """ValidationError (field "text") for a text that is too long or uses an unknown
    placeholder."""
    if len(text) > MAX_CLAUSE_LENGTH:
        raise ValidationError(
            {"text": _("A clause has at most %(max)d characters.") % {"max": MAX_CLAUSE_LENGTH}}
        )
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            {
                "text": _("Unknown placeholder: %(names)s.")
                % {"names": ", ".join("{" + name + "}" for name in unknown)}
            }
        )


def validate_title(title: str) -> str:
    """The title stripped; ValidationError (field "title") when empty, too long or not one
    line."""
    if has_line_break(title):
        raise ValidationError({"title": _("A title is one line.")})
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("An article needs a title.")})
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            {"title": _("A title has at most %(max)d characters.") % {"max": MAX_TITLE_LENGTH}}
        )
    return title


def _clean_text(text: str, *, title: str, required: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if required:
            raise ValidationError(
                {
                    "text": _("“%(title)s” is a required article: its text cannot be empty.")
                    % {"title": title}
                }
            )
        raise ValidationError({"text": _("An article needs a text; remove the article instead.")})
    validate_clause_text(text)
    return text


# --- writes ----------------------------------------------------------------------------------


def _locked_outline(partnership) -> list[dict]:
    """The outline, with the partnership's article rows locked until the transaction ends,
    so two leaders reordering at once do not interleave."""
    list(AgreementArticle.objects.select_for_update().filter(partnership=partnership))
    return article_outline(partnership=partnership)


def _store_order(partnership, outline: list[dict], user) -> None:
    """Give every article in `outline` a row with its index as position."""
    rows = {row.key: row for row in AgreementArticle.objects.filter(partnership=partnership)}
    new, changed = [], []
    for position, item in enumerate(outline):
        row = rows.get(item["key"])
        if row is None:
            new.append(
                AgreementArticle(
                    partnership=partnership,
                    key=item["key"],
                    position=position,
                    is_removed=item["is_removed"],
                    changed_by=user,
                )
            )
        elif row.position != position:
            row.position = position
            changed.append(row)
    AgreementArticle.objects.bulk_create(new)
    AgreementArticle.objects.bulk_update(changed, ["position"])


def _item(outline: list[dict], key: str) -> dict:
    for item in outline:
        if item["key"] == key:
            return item
    raise ValidationError({"key": _("There is no such clause.")})


@transaction.atomic
def clause_save(*, partnership, key: str, text: str, user, title: str | None = None):
    """Store the partnership's own text of an article. For a default article a text equal
    to the default removes the override (so "changed" always means different); an own
    article also takes a new title."""
    if is_own_key(key):
        return article_save(partnership=partnership, key=key, title=title, text=text, user=user)
    if key not in DEFAULT_BY_KEY:
        raise ValidationError({"key": _("There is no such clause.")})
    default_title, default_text = DEFAULT_BY_KEY[key]
    text = _clean_text(text, title=default_title, required=key in REQUIRED_KEYS)
    if text == default_text:
        clause_restore(partnership=partnership, key=key)
        return None
    clause, _created = ClauseText.objects.update_or_create(
        partnership=partnership, key=key, defaults={"text": text, "changed_by": user}
    )
    return clause


def clause_restore(*, partnership, key: str) -> bool:
    """Go back to the default text; True when there was an override."""
    deleted, _rows = ClauseText.objects.filter(partnership=partnership, key=key).delete()
    return bool(deleted)


@transaction.atomic
def article_add(*, partnership, title: str, text: str, user) -> AgreementArticle:
    """Add an own article, placed before the signatures (or last when they are removed)."""
    title = validate_title(title)
    text = _clean_text(text, title=title, required=False)
    outline = _locked_outline(partnership)
    key = f"{OWN_PREFIX}{uuid.uuid4().hex[:12]}"
    item = {"key": key, "is_removed": False}
    index = next(
        (i for i, other in enumerate(outline) if other["key"] == "signatures"), len(outline)
    )
    outline.insert(index, item)
    article = AgreementArticle.objects.create(
        partnership=partnership,
        key=key,
        is_own=True,
        title=title,
        text=text,
        position=index,
        changed_by=user,
    )
    _store_order(partnership, outline, user)
    return article


@transaction.atomic
def article_save(*, partnership, key: str, title: str | None, text: str, user):
    """Change the title and text of an own article."""
    article = (
        AgreementArticle.objects.select_for_update()
        .filter(partnership=partnership, key=key, is_own=True)
        .first()
    )
    if article is None:
        raise ValidationError({"key": _("There is no such clause.")})
    article.title = validate_title(article.title if title is None else title)
    article.text = _clean_text(text, title=article.title, required=False)
    article.changed_by = user
    article.save(update_fields=["title", "text", "changed_by", "changed_at"])
    return article


@transaction.atomic
def article_move(*, partnership, key: str, direction: str, user) -> bool:
    """Move an article one place up or down among the articles the document shows; False
    when it is already first or last."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move an article up or down.")})
    outline = _locked_outline(partnership)
    item = _item(outline, key)
    index = outline.index(item)
    step = -1 if direction == "up" else 1
    other = index + step
    while 0 <= other < len(outline) and outline[other]["is_removed"]:
        other += step
    if not 0 <= other < len(outline):
        return False
    outline.pop(index)
    outline.insert(other, item)
    _store_order(partnership, outline, user)
    return True


@transaction.atomic
def article_remove(*, partnership, key: str, user) -> dict:
    """Leave an optional default article out of the agreement (it can be reinstated)."""
    outline = _locked_outline(partnership)
    item = _item(outline, key)
    if item["is_own"]:
        raise ValidationError({"key": _("Delete your own article instead.")})
    if item["is_required"]:
        raise ValidationError(
            {
                "key": _("“%(title)s” is a required article and cannot be removed.")
                % {"title": item["title"]}
            }
        )
    _store_order(partnership, outline, user)
    AgreementArticle.objects.filter(partnership=partnership, key=key).update(is_removed=True)
    return item


@transaction.atomic
def article_reinstate(*, partnership, key: str, user) -> dict:
    """Take a removed article back in, at the place it had."""
    outline = _locked_outline(partnership)
    item = _item(outline, key)
    AgreementArticle.objects.filter(partnership=partnership, key=key).update(
        is_removed=False, changed_by=user
    )
    return item


@transaction.atomic
def article_delete(*, partnership, key: str) -> dict:
    """Delete an own article for good."""
    outline = _locked_outline(partnership)
    item = _item(outline, key)
    if not item["is_own"]:
        raise ValidationError({"key": _("Only your own articles can be deleted.")})
    AgreementArticle.objects.filter(partnership=partnership, key=key, is_own=True).delete()
    return item

"""Helpers of tests/test_fuzz.py: the hostile values, reading forms from a page, and a
fingerprint of the database to prove a refused request changed nothing."""

import hashlib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, models
from django_scopes import scopes_disabled

HUGE = "99999999999999999999"
LONG = "x" * 10_000
RTL = "\u202eorpsetnI\u202c شراكة"  # a right-to-left override, then Arabic

# Fixed, so a failure repeats. Every value is sent for every field of every form.
HOSTILE = [
    "",
    LONG,
    "a\x00b",
    RTL,
    "1e309",
    "NaN",
    HUGE,
    "-1",
    "2026-02-30",
    "00000000-0000-0000-0000-000000000000",
    ["1", "2"],
]

# The apps whose rows a refused request must leave alone (accounts holds the users).
CHECKED_APPS = [
    "partners",
    "activities",
    "governance",
    "cofinancing",
    "agreements",
    "signing",
    "accounts",
]


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str | None = None  # what the browser would send; None: nothing
    options: list = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: list = field(default_factory=list)

    def names(self):
        return list(dict.fromkeys(f.name for f in self.fields))

    def baseline(self) -> dict:
        """What a browser sends when the form is submitted unchanged (without the buttons)."""
        data: dict[str, list] = {}
        for item in self.fields:
            if item.kind in ("submit", "button", "image", "reset", "file"):
                continue
            if item.value is not None:
                data.setdefault(item.name, []).append(item.value)
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(
                method=(attrs.get("method") or "get").lower(), action=attrs.get("action") or ""
            )
            self.forms.append(self._form)
            return
        if self._form is None or (tag != "option" and not attrs.get("name")):
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value", "")
            if kind in ("checkbox", "radio"):
                self._form.fields.append(
                    Field(name, kind, value if "checked" in attrs else None, [value])
                )
            else:
                self._form.fields.append(Field(name, kind, value))
        elif tag == "button":
            self._form.fields.append(Field(name, "submit", attrs.get("value", "")))
        elif tag == "select":
            kind = "select-multiple" if "multiple" in attrs else "select"
            self._select = Field(name, kind, None)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select.options.append(value)
            if "selected" in attrs and self._select.kind == "select":
                self._select.value = value
            elif "selected" in attrs:
                self._form.fields.append(Field(self._select.name, "select-multiple", value))
        elif tag == "textarea":
            self._textarea = Field(name, "textarea", "")
            self._form.fields.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if (
                self._select.kind == "select"
                and self._select.value is None
                and self._select.options
            ):
                self._select.value = self._select.options[0]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def _checked_models():
    for label in CHECKED_APPS:
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def _tables() -> list[str]:
    return sorted({model._meta.db_table for model in _checked_models() if not model._meta.proxy})


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def write_count() -> int | None:
    """How many rows this connection has written so far, if the database says so cheaply:
    while it stays the same, nothing changed and `fingerprint` need not run."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.total_changes
    if connection.vendor == "postgresql":  # within the test's transaction
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
            return int(cursor.fetchone()[0])
    return None


def fingerprint() -> str:
    """A hash over every row of the apps' tables: equal before and after means unchanged.
    Plain SQL, as this runs after every post: the ORM would double the file's run time."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest.update(table.encode())
            digest.update("\n".join(rows).encode())
    return digest.hexdigest()


def _has_partnership(model) -> bool:
    try:
        return model._meta.get_field("partnership").is_relation
    except Exception:  # FieldDoesNotExist
        return False


def cross_partnership_links() -> list[str]:
    """Rows of one partnership that point at a row of another: a forged id got through."""
    found = []
    with scopes_disabled():
        for model in _checked_models():
            if model._meta.proxy:
                continue
            links = [
                f
                for f in model._meta.concrete_fields
                if f.many_to_one and f.name != "partnership" and _has_partnership(f.related_model)
            ]
            rows = model._base_manager.all()
            if _has_partnership(model):
                for link in links:
                    bad = rows.filter(**{f"{link.name}__isnull": False}).exclude(
                        **{f"{link.name}__partnership": models.F("partnership")}
                    )
                    if bad.exists():
                        found.append(f"{model._meta.label}.{link.name}")
            elif len(links) == 2:  # a many-to-many table
                first, second = links
                bad = rows.exclude(
                    **{f"{first.name}__partnership": models.F(f"{second.name}__partnership")}
                )
                if bad.exists():
                    found.append(f"{model._meta.label}: {first.name} × {second.name}")
    return found

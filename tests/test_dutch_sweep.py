"""A Dutch user sees Dutch: every page a leader may read, and every admin list, has no English.

The pages of the permission matrix (tests/test_permissions.py) are fetched as the project
leader with Dutch as the language; the visible text (tags, scripts and styles removed) must
not contain the English words and phrases below, an ISO date, or an amount with a decimal
point. The words are chosen to be English only: none is a Dutch word as well.
"""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from tests.test_permissions import MATRIX, _url, context  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("no_scopes")

ENGLISH = re.compile(
    r"\b(?:the|and|with|your|this|which|will|should|from|none|true|false|"
    r"save|delete|cancel|edit|search|add|back|show|change|select|results?|attempts?|"
    r"costs?|amount|total|previous|next|page|task|access|yes|no|not|name|date|"
    r"partnerships?|organisations?|activity|activities|contributions?|agreements?|signed|signatory|"
    r"history|users?|groups?|sign ?in|sign ?out|password|e-mail address|"
    r"created|changed|updated|deleted|first|last|clear|view|"
    r"welcome|documentation|required|optional|choose|enter|unknown|other|year)\b",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
POINT_AMOUNT = re.compile(r"€\s?\d{1,3}(?:,\d{3})*\.\d{2}\b")
INVISIBLE = re.compile(
    r"<(script|style|code|pre|textarea|svg)\b.*?</\1>|<!--.*?-->|<[^>]+>", re.DOTALL
)
# Placeholders a leader types into a text ({organisation}, {required}) are not words.
PLACEHOLDER = re.compile(r"\{\w+\}")
# The import explains which date formats a cell may hold: the ISO one among them.
ALLOWED = ("2026-01-31 of 31-01-2026",)


def visible_text(html: str) -> str:
    text = " ".join(unescape(INVISIBLE.sub(" ", html)).split())
    for allowed in ALLOWED:
        text = text.replace(allowed, " ")
    return PLACEHOLDER.sub(" ", text)


def problems(text: str) -> list[str]:
    found = []
    for pattern in (ENGLISH, ISO_DATE, POINT_AMOUNT):
        for match in pattern.finditer(text):
            start, end = match.span()
            found.append(f"{match.group(0)!r} in …{text[max(0, start - 50) : end + 50]}…")
    return found


# In an admin list the cells and the filter choices hold data (keys such as "agreement:1",
# names typed by people), not labels: only the labels around them are checked.
ADMIN_DATA = re.compile(
    r'<td class="field-[^"]*"[^>]*>.*?</td>|<th class="field-[^"]*"[^>]*>.*?</th>'
    r'|<li[^>]*>\s*<a href="\?[^"]*"[^>]*>.*?</a>\s*</li>',
    re.DOTALL,
)


def _dutch_get(client, url):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="nl")


READ_PAGES = [
    case for case in MATRIX if case.method == "get" and case.expected.get("leader") == 200
]


@pytest.fixture
def dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


@pytest.mark.usefixtures("dutch")
def test_every_page_a_leader_reads_is_dutch(client, context):  # noqa: F811
    client.force_login(context["users"]["leader"])
    report = {}
    for case in READ_PAGES:
        response = _dutch_get(client, _url(case, context))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found = problems(visible_text(response.content.decode()))
        if found:
            report[case.name] = found
    assert not report, "\n".join(f"{name}: {hits}" for name, hits in report.items())


@pytest.mark.usefixtures("dutch")
def test_every_admin_list_is_dutch(client, context, django_user_model):  # noqa: F811
    staff = django_user_model.objects.create_superuser(email="beheer@example.test", password="x")
    client.force_login(staff)
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    report = {}
    for url in urls:
        response = _dutch_get(client, url)
        assert response.status_code == 200, url
        found = problems(visible_text(ADMIN_DATA.sub(" ", response.content.decode())))
        if found:
            report[url] = found
    assert not report, "\n".join(f"{name}: {hits}" for name, hits in report.items())


def test_every_field_without_a_label_of_its_own_is_translated():
    from sterk.admin_labels import FIELD_NAMES, unnamed_fields

    missing = {
        f"{model.__name__}.{field.name}"
        for model, field in unnamed_fields()
        if field.name.replace("_", " ") not in FIELD_NAMES
    }
    assert not missing, f"add their names to sterk/admin_labels.py FIELD_NAMES: {missing}"


def test_a_searchable_select_says_nothing_found_in_the_page_language(leader_client, partnership):
    from tests.factories import BudgetFactory

    BudgetFactory(partnership=partnership)
    url = reverse("cofinancing:contribution-create", kwargs={"slug": partnership.slug})
    with translation.override("en"):
        page = leader_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # tom-select's English default is replaced by this text (static/js/remote-select.js).
    assert 'data-remote-options="' in page
    assert re.search(r'data-no-results="[^"]*\{query\}[^"]*"', page)

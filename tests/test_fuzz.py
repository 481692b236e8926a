"""Hostile input on every page of the permission matrix: never a 500, and a refusal changes
nothing.

For each URL of tests/test_permissions.py's matrix that takes a form, the fields of its forms
(read from the pages themselves, as the leader sees them) and the parameters views read
directly get a fixed hostile set (tests/fuzzing.py) and another partnership's ids and codes:
every value in every field (a Latin square, one request per value) for the most privileged
role allowed, then each field alone on the form's own values; every other role sends one
request with a hostile value in every field. A refused post leaves every row of the apps as
it was, and no row ends up linked to another partnership's. Deterministic: the same requests
every run, one test per URL.
"""

import datetime
from urllib.parse import urlsplit

import pytest
from django.contrib import messages
from django.urls import Resolver404, resolve
from django_scopes import scopes_disabled

from tests.factories import (
    ActivityFactory,
    ContactFactory,
    EvaluationFactory,
    GoalFactory,
    InteractionFactory,
    NetworkFactory,
    OrganisationFactory,
)
from tests.fuzzing import (
    HOSTILE,
    HUGE,
    LONG,
    RTL,
    cross_partnership_links,
    fingerprint,
    parse_forms,
    write_count,
)
from tests.test_permissions import MATRIX, ROLES, _url, context  # noqa: F401

# Parameters views read straight from the query string, not through a form on the page.
DIRECT_GET = {
    "partners:member-list": ["page", "withdraw"],
    "partners:network-member-add": ["member"],
    "cofinancing:overview": ["status"],
    "cofinancing:settlement": ["year"],
    "signing:round-detail": ["compact", "page"],
    "signing:round-document": ["download"],
    "sign:document": ["download"],
    "signing:round-page-image": ["w"],
    "sign:page-image": ["w"],
    "agreements:agreement-list": ["page"],
    "activities:goal-list": ["page"],
    "activities:evaluation-list": ["page"],
    "partners:gone-quiet": ["page"],
}
# Read on every page that has them: `next` (sign-in) and `page` (sterk.lists.paginate).
ALWAYS_GET = ["next", "page"]
# An export takes the filter of its list.
FILTER_OF = {
    "partners:organisation-export": "partners:organisation-list",
    "partners:contact-export": "partners:contact-list",
    "partners:network-export": "partners:network-list",
    "activities:activity-export": "activities:activity-list",
}
# Parameters views read straight from a post, whatever form sent it.
DIRECT_POST = ["next", "confirm", "latest"]
# Pages the crawl skips: files, not HTML with forms.
NOT_HTML = ("export", "download", "pdf", "image", "document", "template", "preview", "scan")

# Tried on each field alone (one per field, in turn) while the others keep what the form showed.
PER_FIELD = [HUGE, "a\x00b", ["1", "2"], LONG, "2026-02-30", "-1", RTL]


def _urls():
    by_name: dict[str, dict] = {}
    for case in MATRIX:
        by_name.setdefault(case.name, {})[case.method] = case
    return by_name


URLS = _urls()

# view name -> method -> field names of the forms that send there; filled once per process
# by reading every page as the leader (or, for public pages, without signing in).
_FORMS: dict[str, dict[str, set]] = {}
# view name -> the page (a matrix URL name) that shows a form posting there.
_SOURCES: dict[str, str] = {}


def _view_name(action: str, page_url: str) -> str | None:
    try:
        return resolve(urlsplit(action or page_url).path).view_name
    except Resolver404:
        return None


def _crawl(client, context):  # noqa: F811
    if _FORMS:
        return
    for name, methods in URLS.items():
        case = methods.get("get")
        if case is None or any(word in name for word in NOT_HTML):
            continue
        client.logout()
        if case.expected["leader"] == 200:
            client.force_login(context["users"]["leader"])
        elif case.expected["anonymous"] != 200:
            continue
        url = _url(case, context)
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for form in parse_forms(response.content.decode()):
            view = _view_name(form.action, url)
            if view is None:
                continue
            _FORMS.setdefault(view, {}).setdefault(form.method, set()).update(form.names())
            if form.method == "post":
                _SOURCES.setdefault(view, name)
    client.logout()


@pytest.fixture
def foreign_ids(other_partnership, outsider):
    """Ids and codes of another partnership's rows and members, to forge into this one's
    forms."""
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=other_partnership)
        contact = ContactFactory(organisation=organisation)
        network = NetworkFactory(partnership=other_partnership)
        goal = GoalFactory(partnership=other_partnership)
        activity = ActivityFactory(partnership=other_partnership, lead_organisation=organisation)
        others = [
            InteractionFactory(organisation=organisation),
            EvaluationFactory(partnership=other_partnership),
        ]
    rows = [organisation, contact, network, goal, activity, *others]
    # Forms offer organisations, contacts, networks, goals, activities and members by id,
    # goals and contacts by code: those alone; all ids and codes together as one list.
    alone = [str(row.pk) for row in rows[:5]] + [
        str(outsider.pk),
        str(goal.code),
        str(contact.code),
    ]
    together = [str(row.pk) for row in rows] + [str(row.code) for row in rows] + [str(outsider.pk)]
    return alone, together


def _baseline(client, context, name, url, role):  # noqa: F811
    """What the form for `url` holds as shown, or the matrix's data for a POST without one."""
    data = {}
    page = name if "get" in URLS[name] else _SOURCES.get(name)
    if page is not None and URLS[page]["get"].expected[role] == 200:
        response = client.get(_url(URLS[page]["get"], context))
        if response.get("Content-Type", "").startswith("text/html"):
            for form in parse_forms(response.content.decode()):
                if form.method == "post" and urlsplit(form.action or url).path == url:
                    data = form.baseline()
                    break
    post = URLS[name].get("post")
    deadline = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    for key, value in (post.data if post else {}).items():
        data[key] = deadline if value == "__deadline__" else value
    return data


def _refused(response) -> bool:
    """A post that changed nothing by design: the form again, a client error, or a redirect
    with an error message."""
    if response.status_code not in (301, 302, 303):
        return True
    queued = getattr(response.wsgi_request, "_messages", None)
    return any(m.level >= messages.WARNING for m in getattr(queued, "_queued_messages", []))


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _latin(fields, values, row):
    """Row `row` of a Latin square: field i gets values[(i + row) % n]. Over all n rows every
    field meets every value once, in n requests instead of fields × values."""
    return {name: values[(index + row) % len(values)] for index, name in enumerate(fields)}


def _fields(name, method):
    found = set(_FORMS.get(name, {}).get(method, set()))
    if method == "get":
        found |= set(_FORMS.get(FILTER_OF.get(name, ""), {}).get("get", set()))
        found |= set(DIRECT_GET.get(name, []))
        return sorted(found | set(ALWAYS_GET))
    post = URLS[name].get("post")
    found |= set(post.data) if post else set()
    return sorted((found | set(DIRECT_POST)) - {"csrfmiddlewaretoken"})


# Public pages whose post is a change anyone with the link may make (the link is the key).
PUBLIC_WRITES = {"update-unsubscribe"}


def _allowed(case, role):
    if case.name in PUBLIC_WRITES:
        return case.expected[role] in (200, 302)
    return case.expected[role] == 200 or (case.expected[role] == 302 and role != "anonymous")


def _plans(name) -> list[str]:
    """GET when the page has a query-string form or a view reads parameters from it; POST
    when a form or the matrix posts there."""
    plans = []
    reads = name in DIRECT_GET or _fields(name, "get") != sorted(ALWAYS_GET)
    if "get" in URLS[name] and reads:
        plans.append("get")
    if "post" in URLS[name] or "post" in _FORMS.get(name, {}):
        plans.append("post")
    return plans


class _Run:
    def __init__(self, client, context, name, foreign):  # noqa: F811
        self.client, self.context, self.name = client, context, name
        alone, together = foreign
        self.values = HOSTILE + [together] + alone
        self.url = _url(next(iter(URLS[name].values())), context)
        self.failures: list[str] = []
        self.writes, self.hash = None, ""
        self.state = self.snapshot()

    def send(self, role, method, data, label, *, may_change):
        label = f"{role} {method.upper()} {label}"
        try:
            response = getattr(self.client, method)(self.url, data)
        except Exception as error:  # the test client re-raises what would have been a 500
            sent = ", ".join(f"{key}={_short(value)}" for key, value in data.items())
            self.failures.append(
                f"{label}: {type(error).__name__}: {str(error)[:300]}\n    sent: {sent[:600]}"
            )
            self.state = self.snapshot()
            return
        if response.status_code >= 500:
            self.failures.append(f"{label}: status {response.status_code}")
        if method == "post":
            after = self.snapshot()
            if after != self.state and (not may_change or _refused(response)):
                self.failures.append(f"{label}: refused ({response.status_code}), yet changed")
            self.state = after

    def snapshot(self) -> str:
        """The fingerprint of the tables, computed again only when rows were written."""
        count = write_count()
        if count is None or count != self.writes:
            self.writes, self.hash = count, fingerprint()
        return self.hash

    def role(self, role, *, first_allowed):
        methods = URLS[self.name]
        for method in _plans(self.name):
            case = methods.get(method) or methods["get"]
            allowed = _allowed(case, role)
            fields = _fields(self.name, method)
            # Every value in every field for the first role allowed; for the others one
            # request with a hostile value in every field.
            rows = range(len(self.values)) if allowed and first_allowed else range(1)
            if method == "post":
                self.state = self.snapshot()  # a page shown may have recorded that it was seen
            for row in rows:
                data = _latin(fields, self.values, row)
                self.send(role, method, data, f"row {row}", may_change=allowed)
            if method == "post" and allowed and first_allowed:
                self.per_field(role, fields)

    def per_field(self, role, fields):
        """Each field alone hostile, the others as the form showed them: past the form's
        validation into the service, for values a field accepts. Only the fields the form
        or the matrix sends (`next` and the like had their turn in the square)."""
        sent = _FORMS.get(self.name, {}).get("post", set())
        if "post" in URLS[self.name]:
            sent = sent | set(URLS[self.name]["post"].data)
        fields = [field for field in fields if field in sent or field not in DIRECT_POST]
        baseline = _baseline(self.client, self.context, self.name, self.url, role)
        self.state = self.snapshot()
        for index, field in enumerate(fields):
            value = PER_FIELD[index % len(PER_FIELD)]
            data = {**baseline, field: value}
            self.send(role, "post", data, f"{field}={_short(value)}", may_change=True)


@pytest.mark.parametrize("name", sorted(URLS))
def test_hostile_input(request, client, db, name):
    if not _FORMS:
        _crawl(client, request.getfixturevalue("context"))
    if not _plans(name):
        pytest.skip("takes no form and reads nothing from the query string")
    context = request.getfixturevalue("context")  # noqa: F811
    run = _Run(client, context, name, request.getfixturevalue("foreign_ids"))
    # The most privileged role that may use the page gets every value in every field.
    first = None
    for role in ["leader", "editor", "viewer", "anonymous", "outsider"]:
        case = URLS[name].get("post") or URLS[name]["get"]
        if first is None and _allowed(case, role):
            first = role
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(context["users"][role])
        run.state = run.snapshot()  # signing in records the time on the user
        run.role(role, first_allowed=role == first)
    links = cross_partnership_links()
    assert not links, f"{name}: rows linked across partnerships: {links}"
    assert not run.failures, f"{name}:\n" + "\n".join(run.failures)


# --- The checks themselves can fail -------------------------------------------------------


def test_the_fingerprint_sees_a_change_and_the_link_check_a_forged_link(
    partnership, other_partnership
):
    before, writes = fingerprint(), write_count()
    assert fingerprint() == before
    with scopes_disabled():
        own = ActivityFactory(partnership=partnership)
        assert fingerprint() != before
        assert write_count() != writes
        assert cross_partnership_links() == []
        own.lead_organisation = OrganisationFactory(partnership=other_partnership)
        own.save()
        own.goals.add(GoalFactory(partnership=other_partnership))
    links = cross_partnership_links()
    assert "activities.Activity.lead_organisation" in links
    assert "activities.Activity_goals: activity × goal" in links


def test_forms_are_read_as_a_browser_would_send_them():
    (form,) = parse_forms(
        '<form method="POST" action="/x/"><input name="csrfmiddlewaretoken" value="t">'
        '<input name="title" value="Gastles &amp; meer"><input type="checkbox" name="a" value="1">'
        '<input type="checkbox" name="a" value="2" checked><select name="s"><option value="">-'
        '<option value="k" selected>K</select><select name="m" multiple><option value="1" selected>'
        '<option value="2" selected></select><textarea name="t">Regel</textarea>'
        '<button name="confirm" value="1">Ja</button></form>'
    )
    assert (form.method, form.action) == ("post", "/x/")
    assert form.names() == ["csrfmiddlewaretoken", "title", "a", "s", "m", "t", "confirm"]
    assert form.baseline() == {
        "csrfmiddlewaretoken": ["t"],
        "title": ["Gastles & meer"],
        "a": ["2"],
        "s": ["k"],
        "m": ["1", "2"],
        "t": ["Regel"],
    }

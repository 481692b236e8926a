"""The approach pack for one organisation in the pipeline: an invitation letter and a
one-page flyer made from the region's own data (docs/rules.md, "The approach pack"). The
documents are Dutch whatever the reader's language. Fixed number of queries."""

from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import timezone, translation

from activities.models import Activity, ActivityStatus, CooperationForm, Goal
from outreach.models import PackTexts
from outreach.texts import DEFAULTS, TEXT_FIELDS, fill
from partners.models import Contact, Membership, Role
from sterk.printing import PDF_DIR, local_fetcher, stylesheets

LETTER_STYLESHEET = PDF_DIR / "outreach.css"
JOINABLE = (ActivityStatus.PLANNED, ActivityStatus.RUNNING)
# The flyer holds one page: it shows at most this many of each list.
FLYER_GOALS, FLYER_ACTIVITIES = 4, 5


def pack_texts(partnership) -> dict[str, str]:
    """The partnership's own texts, or the defaults."""
    stored = PackTexts.objects.filter(partnership=partnership).first()
    if stored is None:
        return dict(DEFAULTS)
    return {name: getattr(stored, name) for name in TEXT_FIELDS}


def _person(user) -> dict:
    if user is None:
        return {"name": "", "email": ""}
    return {"name": user.get_full_name() or user.email, "email": user.email}


def pack_context(*, partnership, organisation, texts: dict[str, str] | None = None) -> dict:
    """Everything the letter and the flyer show."""
    leader = organisation.relationship_owner
    if leader is None:
        first = (
            Membership.objects.filter(partnership=partnership, role=Role.LEADER)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        leader = first.user if first else None
    contact = (
        Contact.objects.filter(partnership=partnership, organisation=organisation)
        .order_by("-is_primary", "name", "pk")
        .first()
    )
    person = _person(leader)
    values = {
        "organisation": organisation.name,
        "contact": contact.name if contact else "heer/mevrouw",
        "region": partnership.region,
        "partnership": partnership.name,
        "leader": person["name"],
    }
    texts = texts if texts is not None else pack_texts(partnership)
    filled = {name: fill(texts[name], values) for name in TEXT_FIELDS}
    goals = list(Goal.objects.filter(partnership=partnership).order_by("title", "pk"))
    examples = defaultdict(list)
    joinable = []
    for activity in Activity.objects.filter(partnership=partnership).order_by("sort_key", "pk"):
        if activity.status in JOINABLE:
            joinable.append(activity)
        if activity.status != ActivityStatus.CANCELLED:
            examples[activity.form].append(activity)
    with translation.override("nl"):
        forms = [
            {"label": str(label), "examples": examples[value]}
            for value, label in CooperationForm.choices
        ]
    return {
        "partnership": partnership,
        "organisation": organisation,
        "contact": contact,
        "leader": person,
        "texts": filled,
        "goals": goals,
        "forms": forms,
        "forms_in_use": [form for form in forms if form["examples"]],
        "joinable": joinable,
        "today": timezone.localdate(),
        "flyer_goals": goals[:FLYER_GOALS],
        "flyer_activities": joinable[:FLYER_ACTIVITIES],
    }


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    with translation.override("nl"):
        html = render_to_string(template, context)
    fetcher = local_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets(CSS, fetcher, LETTER_STYLESHEET))


def letter_pdf(context: dict) -> bytes:
    return render_pdf("pdf/outreach_letter.html", context)


def flyer_pdf(context: dict) -> bytes:
    return render_pdf("pdf/outreach_flyer.html", context)

"""Renewal for the next scheme period (docs/rules.md §26).

A partnership is one region in one scheme period. When its agreement nears the end of the
period, a project leader renews it: a new partnership for the scheme that follows (its own
address), with copies of the organisations, contacts, signatories, networks and their
members, goals, members, the governance bodies with their members, chair and secretary, and
the agreement's own texts and settings. Contact moments, activities, contributions, versions,
signatures and the bodies' meetings, decisions and actions stay with the old one, which becomes
read-only history (partners.tenancy). Copying runs a fixed number of queries whatever the
number of rows (bulk writes), in one transaction: nothing is made half.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled
from simple_history.utils import bulk_create_with_history

from activities.models import Goal
from agreements.models import Agreement, AgreementArticle, ClauseText
from cofinancing.models import Budget, Scheme
from governance.models import Body, BodyMember
from partners.models import (
    Contact,
    Membership,
    Network,
    NetworkMember,
    Organisation,
    Partnership,
    Signatory,
    Stage,
)

NOTICE_DAYS = 90


def period_end(partnership: Partnership) -> date:
    return date(partnership.end_year, 12, 31)


def ending_soon(partnership: Partnership, today: date | None = None) -> int | None:
    """Days left when the period ends within NOTICE_DAYS and it was not renewed, else None."""
    today = today or timezone.localdate()
    left = (period_end(partnership) - today).days
    if partnership.is_history or left < 0 or left > NOTICE_DAYS:
        return None
    return left


def next_schemes(partnership: Partnership):
    """The schemes a renewal may go into: those starting the year after the period ends."""
    return Scheme.objects.filter(start_year=partnership.end_year + 1).order_by("code")


@dataclass(frozen=True)
class RenewalCounts:
    organisations: int
    contacts: int
    signatories: int
    networks: int
    goals: int
    members: int


def _fresh(obj, **changes):
    """An unsaved copy of `obj` (no pk, a new code when it has one) with `changes`."""
    copy = obj.__class__()
    for field in obj._meta.concrete_fields:
        if field.primary_key or getattr(field, "generated", False):
            continue
        setattr(copy, field.attname, getattr(obj, field.attname))
    if hasattr(copy, "code"):
        copy.code = uuid.uuid4()
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def _copy_rows(model, rows, partnership, remap: dict[str, dict], user, *, history=False):
    """Copy `rows` into `partnership`, foreign keys named in `remap` (attname → old pk → new
    pk) pointed at the copies; returns old pk → new pk."""
    copies = []
    for row in rows:
        changes = {"partnership_id": partnership.pk}
        for attname, mapping in remap.items():
            old = getattr(row, attname)
            changes[attname] = mapping.get(old) if old is not None else None
        copies.append(_fresh(row, **changes))
    if history:
        made = bulk_create_with_history(
            copies, model, default_user=user, default_change_reason="renewal"
        )
    else:
        made = model.objects.bulk_create(copies)
    return {row.pk: copy.pk for row, copy in zip(rows, made, strict=True)}


def _self_references(model) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is model
    ]


def _copy_with_self_references(model, rows, partnership, remap, user, *, history=False):
    """As _copy_rows, for a model pointing at itself (a location's legal entity, a
    co-signatory): copied without those links first, then linked to the copies."""
    own = _self_references(model)
    blank = {attname: {} for attname in own}
    mapping = _copy_rows(model, rows, partnership, {**remap, **blank}, user, history=history)
    updates = []
    for row in rows:
        targets = {a: mapping.get(getattr(row, a)) for a in own if getattr(row, a) is not None}
        if targets:
            copy = model(pk=mapping[row.pk], **targets)
            updates.append(copy)
    if updates:
        model.objects.bulk_update(updates, own)
    return mapping


def _check(partnership: Partnership, scheme: Scheme | None, slug: str, name: str) -> dict:
    errors: dict[str, list[str]] = {}
    if partnership.is_history:
        errors.setdefault("__all__", []).append(
            _("This partnership was renewed already; renew its successor instead.")
        )
    if scheme is None:
        errors.setdefault("scheme", []).append(_("Choose the scheme to renew into."))
    elif scheme.start_year != partnership.end_year + 1:
        errors.setdefault("scheme", []).append(
            _(
                "%(scheme)s (%(start)s–%(end)s) does not follow on this period, which ends in "
                "%(last)s: the next scheme starts in %(next)s."
            )
            % {
                "scheme": scheme.name,
                "start": scheme.start_year,
                "end": scheme.end_year,
                "last": partnership.end_year,
                "next": partnership.end_year + 1,
            }
        )
    if not slug or slug != slugify(slug) or len(slug) > 60:
        errors.setdefault("slug", []).append(
            _("Use lower-case letters, digits and hyphens only, at most 60 characters.")
        )
    elif Partnership.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(_("This address is taken; choose another."))
    if not name.strip():
        errors.setdefault("name", []).append(_("Give the new partnership a name."))
    elif len(name) > 200 or any(c in name for c in "\r\n"):
        errors.setdefault("name", []).append(_("A name is one line of at most 200 characters."))
    return errors


@transaction.atomic
def partnership_renew(
    *, partnership: Partnership, scheme: Scheme | None, slug: str, name: str, user
) -> tuple[Partnership, RenewalCounts]:
    """Make the partnership for the next scheme period and make this one read-only history.
    Refuses (ValidationError per field, nothing made) a partnership renewed already, a
    scheme that does not start the year after the period ends, a taken or malformed address,
    an empty or multi-line name."""
    slug = (slug or "").strip()
    name = (name or "").strip()
    with scopes_disabled():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        errors = _check(locked, scheme, slug, name)
        if errors:
            raise ValidationError(errors)
        new = Partnership.objects.create(
            name=name,
            slug=slug,
            region=locked.region,
            start_year=scheme.start_year,
            end_year=scheme.end_year,
            quiet_after_days=locked.quiet_after_days,
            is_demo=locked.is_demo,
        )
        Budget.objects.create(partnership=new, scheme=scheme)
        organisations = list(Organisation.objects.filter(partnership=locked).order_by("pk"))
        now = timezone.now()
        for organisation in organisations:
            # Nobody signed the new period's agreement yet.
            if organisation.stage == Stage.SIGNED:
                organisation.stage = Stage.COMMITTED
            organisation.stage_changed_at = now
        org_map = _copy_with_self_references(
            Organisation, organisations, new, {}, user, history=True
        )
        contacts = list(Contact.objects.filter(partnership=locked).order_by("pk"))
        contact_map = _copy_rows(Contact, contacts, new, {"organisation_id": org_map}, user)
        signatories = list(Signatory.objects.filter(partnership=locked).order_by("pk"))
        _copy_with_self_references(
            Signatory, signatories, new, {"contact_id": contact_map}, user, history=True
        )
        networks = list(Network.objects.filter(partnership=locked).order_by("pk"))
        network_map = _copy_rows(Network, networks, new, {}, user)
        _copy_rows(
            NetworkMember,
            list(NetworkMember.objects.filter(partnership=locked).order_by("pk")),
            new,
            {"network_id": network_map, "organisation_id": org_map},
            user,
        )
        goals = list(Goal.objects.filter(partnership=locked).order_by("pk"))
        _copy_rows(Goal, goals, new, {}, user)
        memberships = list(Membership.objects.filter(partnership=locked).order_by("pk"))
        _copy_rows(Membership, memberships, new, {}, user)
        _copy_bodies(locked, new, contact_map, user)
        agreement = Agreement.objects.filter(partnership=locked).first()
        if agreement is not None:
            Agreement.objects.create(
                partnership=new,
                penvoerder_id=org_map.get(agreement.penvoerder_id),
                **_agreement_settings(agreement),
            )
        for model in _article_models():
            _copy_rows(model, list(model.objects.filter(partnership=locked)), new, {}, user)
        Partnership.objects.filter(pk=locked.pk).update(renewed_into=new)
    return new, RenewalCounts(
        organisations=len(organisations),
        contacts=len(contacts),
        signatories=len(signatories),
        networks=len(networks),
        goals=len(goals),
        members=len(memberships),
    )


def _copy_bodies(old: Partnership, new: Partnership, contact_map: dict, user) -> None:
    """The governance bodies with their members (contacts pointed at their copies; members
    of Sterk are members of the new partnership too, their memberships were copied), then
    the chair and the secretary pointed at the copied members. The decision numbers start
    again at 1: the decisions stay with the old period. Four queries whatever the size."""
    bodies = list(Body.objects.filter(partnership=old).order_by("pk"))
    if not bodies:
        return
    for body in bodies:
        body.last_decision_number = 0
    no_members = {"chair_id": {}, "secretary_id": {}}
    body_map = _copy_rows(Body, bodies, new, no_members, user)
    members = list(BodyMember.objects.filter(partnership=old).order_by("pk"))
    member_map = _copy_rows(
        BodyMember, members, new, {"body_id": body_map, "contact_id": contact_map}, user
    )
    Body.objects.bulk_update(
        [
            Body(
                pk=body_map[body.pk],
                chair_id=member_map.get(body.chair_id),
                secretary_id=member_map.get(body.secretary_id),
            )
            for body in bodies
        ],
        ["chair", "secretary"],
    )


# The agreement's settings that carry over (not its exceptions or acknowledged warnings,
# which were agreed for the period that ends).
CARRIED_SETTINGS = ("licence", "steering_group")


def _agreement_settings(agreement: Agreement) -> dict:
    names = {field.name for field in Agreement._meta.concrete_fields}
    return {name: getattr(agreement, name) for name in CARRIED_SETTINGS if name in names}


def _article_models():
    """The partnership's own texts, articles and their order in the agreement."""
    return [ClauseText, AgreementArticle]


def default_slug(partnership: Partnership, scheme: Scheme | None) -> str:
    years = f"{scheme.start_year}-{scheme.end_year}" if scheme else str(partnership.end_year + 1)
    base = partnership.slug.removesuffix(f"-{partnership.start_year}-{partnership.end_year}")
    return f"{base}-{years}"[:60]


def notice_text(partnership: Partnership, days: int) -> str:
    return ngettext(
        "The agreement of %(name)s runs until 31 December %(year)s: %(days)s day from now. "
        "Renew the partnership for the next scheme period in time.",
        "The agreement of %(name)s runs until 31 December %(year)s: %(days)s days from now. "
        "Renew the partnership for the next scheme period in time.",
        days,
    ) % {"name": partnership.name, "year": partnership.end_year, "days": days}


__all__ = [
    "NOTICE_DAYS",
    "RenewalCounts",
    "default_slug",
    "ending_soon",
    "next_schemes",
    "notice_text",
    "partnership_renew",
    "period_end",
]


NOTICE_KIND = "renewal_notice"


def send_renewal_notices(today: date | None = None) -> int:
    """E-mail the leaders of every partnership whose period ends within NOTICE_DAYS and that
    was not renewed, once per partnership (the queued message is the record). Returns the
    number of messages queued."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from outbox import services as outbox
    from outbox.models import Message
    from partners.models import Role

    today = today or timezone.localdate()
    with scopes_disabled():
        due = Partnership.objects.filter(renewed_into__isnull=True, end_year=today.year).exclude(
            pk__in=Message.objects.filter(kind=NOTICE_KIND, tenant_id__isnull=False).values(
                "tenant_id"
            )
        )
        leaders: dict[int, list[str]] = {}
        for partnership_id, email in Membership.objects.filter(
            partnership__in=due, role=Role.LEADER
        ).values_list("partnership_id", "user__email"):
            leaders.setdefault(partnership_id, []).append(email)
        queued = 0
        for partnership in due:
            days = ending_soon(partnership, today)
            if days is None or not leaders.get(partnership.pk):
                continue
            link = settings.SITE_URL + reverse(
                "agreements:renewal", kwargs={"slug": partnership.slug}
            )
            with translation.override(settings.LANGUAGE_CODE):
                text = render_to_string(
                    "agreements/email/renewal_notice.txt",
                    {"partnership": partnership, "days": days, "link": link},
                ).strip()
            subject, _sep, body = text.partition("\n")
            queued += len(
                outbox.enqueue(
                    leaders[partnership.pk],
                    " ".join(subject.split()),
                    body.strip() + "\n",
                    kind=NOTICE_KIND,
                    tenant_id=partnership.pk,
                )
            )
    return queued

"""Is the agreement ready to be made into a version? (docs/rules.md §11)

Blocking: the share is not met (or there is no budget yet); a school that is a party
without a legal entity (no board, no KvK number of its own); a condition of the scheme's
regulation that is not met (the penvoerder is the board of a vmbo school; the region has a
vmbo, an mbo and, where the scheme says so, a primary school), unless a project leader
recorded an exception with its reason; a party without a valid signatory; a jointly authorised director without a co-signatory; a proxy whose limit is
below its organisation's contribution total; a participant without tasks; a warning of the
cofinancing (a machine depreciated twice) that no project leader acknowledged. Not blocking but listed: parties not
yet committed or signed in the pipeline, contributions only pledged, no penvoerder chosen.

Each item carries a link to the page where it is fixed. Keys are stable (they name the
object), so a later acknowledgement can refer to them.
"""

import hashlib
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.data import AgreementData, PartyData, load_agreement_data
from cofinancing.models import ContributionStatus
from partners.models import SCHOOL_KINDS, Authority, OrganisationKind, Partnership, Stage
from sterk.money import format_euro
from sterk.sorting import natural_key

COMMITTED_STAGES = (Stage.COMMITTED, Stage.SIGNED)


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    blocking: bool
    message: str
    url: str = ""


@dataclass(frozen=True)
class Readiness:
    ready: bool
    items: list[ReadinessItem] = field(default_factory=list)

    @property
    def blocking(self) -> list[ReadinessItem]:
        return [item for item in self.items if item.blocking]

    @property
    def notes(self) -> list[ReadinessItem]:
        return [item for item in self.items if not item.blocking]


def check_readiness(*, partnership: Partnership) -> Readiness:
    """The checklist for this partnership, in a fixed number of queries."""
    return readiness_from_data(load_agreement_data(partnership=partnership))


def warning_key(warning: str) -> str:
    return "warning:" + hashlib.sha256(warning.encode("utf-8")).hexdigest()[:16]


def readiness_from_data(data: AgreementData) -> Readiness:
    slug = data.partnership.slug
    items = [*_share_items(data, slug)]
    for party in data.parties:
        items += _legal_entity_items(party, slug)
    items += _condition_items(data, slug)
    for party in data.parties:
        items += _signatory_items(party, slug)
        items += _task_items(party, slug)
    acknowledged = data.agreement.acknowledged_warnings if data.agreement else {}
    for warning in data.summary.warnings if data.summary else []:
        key = warning_key(str(warning))
        seen = acknowledged.get(key)
        message = str(warning)
        if seen:
            message += " " + _("(Acknowledged by %(who)s on %(when)s.)") % {
                "who": seen.get("by", "—"),
                "when": seen.get("at", "")[:10],
            }
        items.append(
            ReadinessItem(
                key,
                not seen,
                message,
                reverse("cofinancing:contribution-list", kwargs={"slug": slug}),
            )
        )
    if data.penvoerder_id is None:
        items.append(
            ReadinessItem(
                "penvoerder",
                False,
                _("No penvoerder has been chosen."),
                reverse("agreements:agreement-settings", kwargs={"slug": slug}),
            )
        )
    for party in data.parties:
        items += _pipeline_items(party, slug)
    return Readiness(ready=not any(item.blocking for item in items), items=items)


def _organisation_url(party: PartyData, slug: str) -> str:
    return reverse(
        "partners:organisation-detail", kwargs={"slug": slug, "code": party.organisation.code}
    )


def _share_items(data: AgreementData, slug: str) -> list[ReadinessItem]:
    if data.summary is None:
        return [
            ReadinessItem(
                "share",
                True,
                _("There is no budget yet, so the business share cannot be checked."),
                reverse("cofinancing:budget-scheme", kwargs={"slug": slug}),
            )
        ]
    total = data.summary.total
    if total.met:
        return []
    return [
        ReadinessItem(
            "share",
            True,
            _(
                "Business cofinancing is %(business)s of the required %(required)s: "
                "%(shortfall)s short."
            )
            % {
                "business": format_euro(total.business_total),
                "required": format_euro(total.required),
                "shortfall": format_euro(total.shortfall),
            },
            reverse("cofinancing:overview", kwargs={"slug": slug}),
        )
    ]


def _legal_entity_items(party: PartyData, slug: str) -> list[ReadinessItem]:
    """A school signs through its board: one that belongs to no board and has no KvK number
    of its own is a party without a legal entity."""
    organisation = party.organisation
    if organisation.kind not in SCHOOL_KINDS or organisation.kvk_number:
        return []
    return [
        ReadinessItem(
            f"legal-entity:{party.key}",
            True,
            _(
                "%(organisation)s is a school without a legal entity: record under which "
                "school board (bevoegd gezag) it falls, or its own KvK number."
            )
            % {"organisation": organisation.name},
            reverse(
                "partners:organisation-update",
                kwargs={"slug": slug, "code": organisation.code},
            ),
        )
    ]


CONDITION_KEYS = (
    "condition:penvoerder",
    "condition:vmbo",
    "condition:mbo",
    "condition:primary",
)


def _penvoerder_is_vmbo_board(data: AgreementData) -> bool:
    """The penvoerder is the bevoegd gezag of a vmbo school: a legal entity with a vmbo
    school under it, or a vmbo school that is its own legal entity (its own KvK number)."""
    penvoerder = data.penvoerder
    if penvoerder is None or penvoerder.belongs_to_id is not None:
        return False
    if penvoerder.kind == OrganisationKind.VMBO and penvoerder.kvk_number:
        return True
    return bool(data.penvoerder_vmbo_schools)


def unmet_conditions(data: AgreementData) -> list[tuple[str, str]]:
    """The conditions of the scheme's regulation the region does not meet, as (key,
    message) (docs/rules.md §11). Schools count when they are a party or a location of one
    that takes part or contributes. Without a budget there is no scheme, and without a
    penvoerder its condition waits (a note says none was chosen)."""
    scheme = data.budget.scheme if data.budget else None
    if scheme is None:
        return []
    kinds = {member.kind for party in data.parties for member in party.members}
    unmet = []
    if scheme.penvoerder_vmbo_board and data.penvoerder and not _penvoerder_is_vmbo_board(data):
        penvoerder = data.penvoerder
        if penvoerder.belongs_to_id:
            message = _(
                "The penvoerder %(organisation)s is not a legal entity: choose the board "
                "it belongs to (%(entity)s), if that is the board of a vmbo school."
            ) % {"organisation": penvoerder.name, "entity": penvoerder.belongs_to.name}
        else:
            message = _(
                "The penvoerder %(organisation)s is not the board (bevoegd gezag) of a vmbo "
                "school, as %(scheme)s requires."
            ) % {"organisation": penvoerder.name, "scheme": scheme.name}
        unmet.append(("condition:penvoerder", message))
    wanted = [
        (
            scheme.requires_vmbo,
            OrganisationKind.VMBO,
            "condition:vmbo",
            _("No vmbo school takes part in the agreement, as %(scheme)s requires."),
        ),
        (
            scheme.requires_mbo,
            OrganisationKind.MBO,
            "condition:mbo",
            _("No mbo school takes part in the agreement, as %(scheme)s requires."),
        ),
        (
            scheme.requires_primary,
            OrganisationKind.PRIMARY_SCHOOL,
            "condition:primary",
            _("No primary school takes part in the agreement, as %(scheme)s requires."),
        ),
    ]
    for required, kind, key, message in wanted:
        if required and kind not in kinds:
            unmet.append((key, message % {"scheme": scheme.name}))
    return unmet


def _condition_items(data: AgreementData, slug: str) -> list[ReadinessItem]:
    exceptions = data.agreement.condition_exceptions if data.agreement else {}
    items = []
    for key, message in unmet_conditions(data):
        exception = exceptions.get(key)
        if exception:
            message += " " + _("Exception recorded by %(who)s on %(when)s: %(reason)s") % {
                "who": exception.get("by", "—"),
                "when": exception.get("at", "")[:10],
                "reason": exception.get("reason", ""),
            }
        url = (
            reverse("agreements:agreement-settings", kwargs={"slug": slug})
            if key == "condition:penvoerder"
            else reverse("partners:organisation-list", kwargs={"slug": slug})
        )
        items.append(ReadinessItem(key, not exception, message, url))
    return items


def _signatory_items(party: PartyData, slug: str) -> list[ReadinessItem]:
    url = _organisation_url(party, slug)
    name = party.organisation.name
    by_pk = {s.pk: s for s in party.signatories}
    valid = [by_pk[pk] for pk in party.signing.valid_signatories if pk in by_pk]
    total = party.total
    low_proxies = [
        s for s in valid if s.authority == Authority.PROXY and (s.proxy_limit or 0) < total
    ]
    if len(low_proxies) < len(valid):
        return []  # someone may sign for the whole contribution
    if low_proxies:
        return [
            ReadinessItem(
                f"proxy-limit:{s.code}",
                True,
                _(
                    "%(organisation)s: proxy %(name)s may sign up to %(limit)s, but the "
                    "contribution is %(total)s."
                )
                % {
                    "organisation": name,
                    "name": s.contact.name,
                    "limit": format_euro(s.proxy_limit),
                    "total": format_euro(total),
                },
                url,
            )
            for s in low_proxies
        ]
    lonely_joint = [
        s
        for s in party.signatories
        if s.authority == Authority.JOINT_DIRECTOR
        and (
            s.co_signatory_id is None or s.co_signatory_id not in by_pk or s.co_signatory_id == s.pk
        )
    ]
    if lonely_joint:
        return [
            ReadinessItem(
                f"co-signatory:{s.code}",
                True,
                _("%(organisation)s: %(name)s is jointly authorised and needs a co-signatory.")
                % {"organisation": name, "name": s.contact.name},
                url,
            )
            for s in lonely_joint
        ]
    reasons = " ".join(str(reason) for reason in party.signing.reasons)
    return [
        ReadinessItem(
            f"signatory:{party.key}",
            True,
            _("%(organisation)s has nobody who may sign the agreement. %(reasons)s")
            % {"organisation": name, "reasons": reasons},
            url,
        )
    ]


def _task_items(party: PartyData, slug: str) -> list[ReadinessItem]:
    return [
        ReadinessItem(
            f"tasks:{_member(party, participant).code}:{participant.activity.code}",
            True,
            _("%(organisation)s takes part in %(activity)s without tasks.")
            % {
                "organisation": _member(party, participant).name,
                "activity": f"{participant.activity.short_code} {participant.activity.title}",
            },
            reverse(
                "activities:activity-detail",
                kwargs={"slug": slug, "code": participant.activity.code},
            ),
        )
        for participant in sorted(
            party.participants,
            key=lambda p: (natural_key(p.activity.short_code), str(p.activity.code)),
        )
        if not participant.tasks.strip()
    ]


def _member(party: PartyData, participant):
    """Who of the party takes part: the legal entity or one of its locations."""
    return party.location_of(participant.organisation_id) or party.organisation


def _pipeline_items(party: PartyData, slug: str) -> list[ReadinessItem]:
    items = []
    organisation = party.organisation
    if organisation.stage not in COMMITTED_STAGES:
        items.append(
            ReadinessItem(
                f"pipeline:{party.key}",
                False,
                _("%(organisation)s is still “%(stage)s” in the pipeline, not yet committed.")
                % {"organisation": organisation.name, "stage": organisation.get_stage_display()},
                _organisation_url(party, slug),
            )
        )
    pledged = [c for c in party.contributions if c.status == ContributionStatus.PLEDGED]
    if pledged:
        items.append(
            ReadinessItem(
                f"pledged:{party.key}",
                False,
                ngettext(
                    "%(organisation)s: %(count)d contribution is only pledged, not yet confirmed.",
                    "%(organisation)s: %(count)d contributions are only pledged, not yet "
                    "confirmed.",
                    len(pledged),
                )
                % {"organisation": organisation.name, "count": len(pledged)},
                reverse("cofinancing:contribution-list", kwargs={"slug": slug}),
            )
        )
    return items

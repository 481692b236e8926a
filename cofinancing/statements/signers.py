"""Who signs a company statement for its organisation (docs/rules.md §10, §23): the same
rules as the agreement (partners.signing.signing_status): one solely authorised director;
else a jointly authorised director with their co-signatory, both signing; else a proxy whose
limit covers the statement's total. Nobody valid: the reason, and nothing is sent."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from partners.models import Authority, Organisation, Signatory
from partners.selectors.contacts import signatory_facts
from partners.signing import signing_status
from signing import services as signing
from sterk.money import format_euro


@dataclass(frozen=True)
class Choice:
    signers: list = field(default_factory=list)  # signing.Signer
    reason: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.signers)


def signatories_by_organisation(*, partnership, organisations) -> dict[int, list[Signatory]]:
    """The signatories of these organisations, with their contacts and checkers (one query)."""
    result: dict[int, list[Signatory]] = {}
    rows = (
        Signatory.objects.filter(
            partnership=partnership, contact__organisation__in=list(organisations)
        )
        .select_related("contact", "checked_by")
        .order_by("contact__name", "pk")
    )
    for signatory in rows:
        result.setdefault(signatory.contact.organisation_id, []).append(signatory)
    return result


def _evidence(signatory: Signatory) -> str:
    parts = [signatory.get_evidence_source_display(), signatory.evidence_reference]
    text = " ".join(part for part in parts if part)
    if signatory.evidence_date:
        text += ", " + formats.date_format(signatory.evidence_date, "j F Y")
    if signatory.checked_at:
        text += signing.CHECKED_SEPARATOR + _("checked by %(name)s on %(date)s") % {
            "name": str(signatory.checked_by or ""),
            "date": formats.date_format(signatory.checked_at, "j F Y"),
        }
    return text


def _signer(organisation: Organisation, signatory: Signatory) -> signing.Signer:
    contact = signatory.contact
    return signing.Signer(
        party_key=str(organisation.code),
        signatory_key=str(signatory.code),
        organisation=organisation.name,
        name=contact.name,
        job_title=contact.job_title or "",
        email=contact.email or "",
        authority_label=signatory.get_authority_display(),
        evidence=_evidence(signatory),
        is_penvoerder=False,
    )


def choose_signers(
    organisation: Organisation, signatories: list[Signatory], total: Decimal
) -> Choice:
    """Who signs a statement of `total` for the organisation, or why nobody can."""
    with translation.override(settings.LANGUAGE_CODE):
        status = signing_status(organisation.kind, [signatory_facts(s) for s in signatories])
        by_pk = {s.pk: s for s in signatories}
        valid = [by_pk[pk] for pk in status.valid_signatories]
        chosen: list[Signatory] = []
        sole = [s for s in valid if s.authority not in (Authority.JOINT_DIRECTOR, Authority.PROXY)]
        joint = [s for s in valid if s.authority == Authority.JOINT_DIRECTOR]
        proxies = [s for s in valid if s.authority == Authority.PROXY]
        if sole:
            chosen = [sole[0]]
        elif joint:
            chosen = [joint[0], by_pk[joint[0].co_signatory_id]]
        else:
            within = [s for s in proxies if (s.proxy_limit or 0) >= total]
            if within:
                chosen = [within[0]]
            elif proxies:
                reasons = [
                    _(
                        "%(name)s may sign as proxy up to %(limit)s, but the statement "
                        "totals %(total)s."
                    )
                    % {
                        "name": s.contact.name,
                        "limit": format_euro(s.proxy_limit),
                        "total": format_euro(total),
                    }
                    for s in proxies
                ]
                return Choice(reason=" ".join(reasons))
        if not chosen:
            return Choice(reason=" ".join(status.reasons))
        missing = [s.contact.name for s in chosen if not s.contact.email]
        if missing:
            return Choice(
                reason=_("These signatories have no e-mail address: %(names)s.")
                % {"names": ", ".join(missing)}
            )
        return Choice(signers=[_signer(organisation, s) for s in chosen])

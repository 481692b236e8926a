"""Whether an organisation has someone who may sign the agreement for it, and why not.

Pure rules of docs/rules.md §10: companies sign through a solely authorised director, two
jointly authorised directors together, or a proxy within its limit; schools and school
boards through a board member of the legal entity; municipalities through the mayor or a
mandated official. Evidence (source, reference, date) must be recorded and checked by a member.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from partners.models import GOVERNMENT_KINDS, SCHOOL_KINDS, Authority, OrganisationKind


@dataclass(frozen=True)
class SignatoryFacts:
    pk: int
    name: str
    authority: str
    has_evidence: bool
    is_checked: bool
    co_signatory_pk: int | None = None
    proxy_limit: object = None


@dataclass(frozen=True)
class SigningStatus:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    valid_signatories: list[int] = field(default_factory=list)


def authorities_for_kind(kind: str) -> set[str]:
    if kind in SCHOOL_KINDS or kind == OrganisationKind.SCHOOL_BOARD:
        return {Authority.SCHOOL_BOARD, Authority.PROXY}
    if kind in GOVERNMENT_KINDS:
        return {Authority.MUNICIPAL_MANDATE, Authority.PROXY}
    return {Authority.SOLE_DIRECTOR, Authority.JOINT_DIRECTOR, Authority.PROXY}


def signing_status(kind: str, signatories: list[SignatoryFacts]) -> SigningStatus:
    if not signatories:
        return SigningStatus(False, [_("No signatory has been recorded.")])
    allowed = authorities_for_kind(kind)
    by_pk = {s.pk: s for s in signatories}
    reasons, valid = [], []
    for s in signatories:
        problems = []
        if s.authority not in allowed:
            problems.append(
                _("%(name)s: this kind of authority does not fit this kind of organisation.")
                % {"name": s.name}
            )
        if not s.has_evidence:
            problems.append(
                _("%(name)s: the evidence of authority (source, reference, date) is incomplete.")
                % {"name": s.name}
            )
        elif not s.is_checked:
            problems.append(_("%(name)s: nobody has checked the evidence yet.") % {"name": s.name})
        if s.authority == Authority.JOINT_DIRECTOR:
            partner = by_pk.get(s.co_signatory_pk)
            if partner is None or partner.pk == s.pk:
                problems.append(
                    _(
                        "%(name)s is jointly authorised and needs a co-signatory of the same "
                        "organisation."
                    )
                    % {"name": s.name}
                )
            elif not (partner.has_evidence and partner.is_checked):
                problems.append(
                    _(
                        "%(name)s: the evidence of co-signatory %(other)s is not complete and "
                        "checked."
                    )
                    % {"name": s.name, "other": partner.name}
                )
        if s.authority == Authority.PROXY and not s.proxy_limit:
            problems.append(_("%(name)s: the proxy has no limit.") % {"name": s.name})
        if problems:
            reasons.extend(problems)
        else:
            valid.append(s.pk)
    if valid:
        return SigningStatus(True, [], valid)
    return SigningStatus(False, reasons)

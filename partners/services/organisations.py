"""Writes on organisations: create, update, move through the pipeline, delete."""

import re
import unicodedata
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import (
    SCHOOL_KINDS,
    ApprovalVia,
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    Role,
    Stage,
    StageChange,
)

# Words that do not tell organisations apart ("Van Dijk B.V." is "Van Dijk").
_NOISE = re.compile(
    r"\b(b\.?\s?v\.?|n\.?\s?v\.?|v\.?o\.?f\.?|c\.?v\.?|holding|stichting|vereniging|"
    r"co[oö]peratie|u\.?a\.?|groep|group|the|de|het)\b"
)
NAME_SIMILARITY = 0.88


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = _NOISE.sub(" ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def organisation_duplicates(
    *, partnership: Partnership, name: str, kvk_number: str = "", exclude_pk=None
) -> list[Organisation]:
    """Organisations of the partnership with the same KvK number or nearly the same name.

    The names are compared in Python after one query for (pk, name, kvk): a partnership has
    at most a few hundred organisations.
    """
    wanted = normalise_name(name)
    candidates = Organisation.objects.filter(partnership=partnership).only(
        "pk", "code", "name", "kvk_number", "partnership_id"
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    found = []
    for other in candidates:
        if kvk_number and other.kvk_number == kvk_number:
            found.append(other)
            continue
        other_name = normalise_name(other.name)
        if wanted and (
            other_name == wanted
            or SequenceMatcher(None, wanted, other_name).ratio() >= NAME_SIMILARITY
        ):
            found.append(other)
    return found


OVERRIDE_FIELDS = ("business_override", "business_justification")


def _approve_override(organisation: Organisation, user, stored: dict | None) -> None:
    """Whether an organisation counts as business against its kind is a leader's decision,
    recorded with who took it and when (docs/rules.md §4)."""
    if organisation.business_override is None:
        organisation.business_approved_by = None
        organisation.business_approved_at = None
        organisation.business_approved_via = ""
        return
    if stored is not None and all(
        stored[name] == getattr(organisation, name) for name in OVERRIDE_FIELDS
    ):
        return  # unchanged: the approval stands
    is_leader = (
        user is not None
        and Membership.objects.filter(
            partnership_id=organisation.partnership_id, user=user, role=Role.LEADER
        ).exists()
    )
    if not is_leader:
        raise ValidationError(
            {
                "business_override": _(
                    "Only a project leader can decide that an organisation does or does not "
                    "count as business against its kind."
                )
            }
        )
    organisation.business_approved_by = user
    organisation.business_approved_at = timezone.now()
    organisation.business_approved_via = ApprovalVia.FORM


def legal_entity_errors(organisation: Organisation) -> dict:
    """A location belongs to a legal entity of the same partnership, one level deep: the
    legal entity belongs to nobody, and an organisation with locations of its own belongs
    to nobody either. A school board is a legal entity, so it has a KvK number and belongs
    to nobody (docs/rules.md §17)."""
    errors = {}
    parent = organisation.belongs_to if organisation.belongs_to_id else None
    if organisation.kind == OrganisationKind.SCHOOL_BOARD:
        if not organisation.kvk_number:
            errors["kvk_number"] = _(
                "A school board (bevoegd gezag) is a legal entity: enter its KvK number."
            )
        if parent is not None:
            errors["belongs_to"] = _(
                "A school board is a legal entity itself and belongs to no other organisation."
            )
    if parent is None:
        return errors
    if parent.partnership_id != organisation.partnership_id:
        errors["belongs_to"] = _("Choose an organisation of this partnership.")
    elif organisation.pk is not None and parent.pk == organisation.pk:
        errors["belongs_to"] = _("An organisation cannot belong to itself.")
    elif parent.belongs_to_id is not None:
        errors["belongs_to"] = _(
            "%(name)s belongs to another organisation itself; choose the legal entity it "
            "belongs to."
        ) % {"name": parent.name}
    elif (
        organisation.pk is not None
        and Organisation.objects.filter(
            partnership_id=organisation.partnership_id, belongs_to_id=organisation.pk
        ).exists()
    ):
        errors["belongs_to"] = _(
            "Other organisations belong to this one, so it is a legal entity and cannot "
            "belong to another organisation."
        )
    return errors


def _validate(organisation: Organisation) -> None:
    errors = legal_entity_errors(organisation)
    if organisation.brin_code and organisation.kind not in SCHOOL_KINDS:
        errors["brin_code"] = _("Only schools have a BRIN code.")
    if organisation.business_override is None:
        organisation.business_justification = ""
    elif not organisation.business_justification.strip():
        errors["business_justification"] = _(
            "Explain why this organisation does or does not count as business."
        )
    if errors:
        raise ValidationError(errors)
    organisation.full_clean(exclude=["partnership"])


@transaction.atomic
def organisation_create(*, partnership: Partnership, user, **fields) -> Organisation:
    organisation = Organisation(partnership=partnership, **fields)
    organisation.stage_changed_at = timezone.now()
    _validate(organisation)
    _approve_override(organisation, user, None)
    organisation.save()
    StageChange.objects.create(
        partnership=partnership,
        organisation=organisation,
        from_stage="",
        to_stage=organisation.stage,
        changed_by=user,
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, user, **fields) -> Organisation:
    stored = Organisation.objects.filter(pk=organisation.pk).values("stage", *OVERRIDE_FIELDS)[0]
    old_stage = stored["stage"]
    for name, value in fields.items():
        setattr(organisation, name, value)
    _validate(organisation)
    _approve_override(organisation, user, stored)
    if organisation.stage != old_stage:
        organisation.stage_changed_at = timezone.now()
        StageChange.objects.create(
            partnership=organisation.partnership,
            organisation=organisation,
            from_stage=old_stage,
            to_stage=organisation.stage,
            changed_by=user,
        )
    organisation.save()
    return organisation


@transaction.atomic
def organisation_move(*, organisation: Organisation, stage: str, user) -> bool:
    """Move an organisation to another pipeline stage, recording who did it and when.

    Returns False (and records nothing) when it is already in that stage.
    """
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose an existing stage.")})
    if organisation.stage == stage:
        return False
    now = timezone.now()
    StageChange.objects.create(
        partnership=organisation.partnership,
        organisation=organisation,
        from_stage=organisation.stage,
        to_stage=stage,
        changed_by=user,
        changed_at=now,
    )
    organisation.stage = stage
    organisation.stage_changed_at = now
    organisation.save(update_fields=["stage", "stage_changed_at"])
    return True


def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation entered by mistake; one with contacts or contact moments is kept
    (move it to "ended" instead), so no history is lost."""
    if organisation.contacts.exists() or organisation.interactions.exists():
        raise ValidationError(
            _(
                "This organisation has contacts or contact moments. Remove those first, "
                "or move the organisation to the stage “Ended”."
            )
        )
    try:
        with transaction.atomic():
            organisation.stage_changes.all().delete()
            organisation.network_memberships.all().delete()
            organisation.delete()
    except ProtectedError:
        raise ValidationError(
            _("This organisation is still used elsewhere in Sterk and cannot be deleted.")
        ) from None

"""Writes on agreements: the agreement of a partnership and its versions (docs/rules.md §12).

A version freezes the snapshot (agreements.snapshot) with its SHA-256 and is rendered to PDF
by a background task (agreements.tasks.render_version); the model refuses every later change
of the snapshot, so a new version is the only way to a new text.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementVersion
from partners.models import Partnership
from sterk.canonical import snapshot_hash


def agreement_for(partnership: Partnership) -> Agreement:
    """The partnership's agreement, made on first use."""
    agreement, _created = Agreement.objects.get_or_create(partnership=partnership)
    return agreement


def version_create(*, partnership: Partnership, user, after: int | None = None) -> AgreementVersion:
    """Freeze the current snapshot as the next version and enqueue its rendering.

    Refuses (ValidationError on "readiness", one message per blocking item) when the
    readiness check has blocking items. Numbers count up from 1 per agreement; the agreement
    row is locked while numbering so two leaders clicking at once get 1 and 2, not an error.

    `after` is the number of the newest version the leader saw (0 for none): when a newer one
    exists by now (the same form sent twice, or another leader was quicker), nothing is made
    and the ValidationError has code "made_meanwhile".
    """
    from agreements.snapshot import build_snapshot
    from agreements.tasks import render_version

    with transaction.atomic():
        agreement = agreement_for(partnership)
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        last = AgreementVersion.objects.filter(
            partnership=partnership, agreement=agreement
        ).aggregate(last=Max("number"))["last"]
        if after is not None and (last or 0) > after:
            raise ValidationError(
                _("Version %(number)s was made meanwhile; no other version was made.")
                % {"number": last},
                code="made_meanwhile",
            )
        snapshot = build_snapshot(partnership=partnership)
        readiness = snapshot["readiness"]
        if not readiness["ready"]:
            blocking = [item["message"] for item in readiness["items"] if item["blocking"]]
            raise ValidationError(
                {"readiness": blocking or [_("The agreement is not ready for a version.")]}
            )
        version = AgreementVersion.objects.create(
            partnership=partnership,
            agreement=agreement,
            number=(last or 0) + 1,
            snapshot=snapshot,
            snapshot_sha256=snapshot_hash(snapshot),
            created_by=user,
        )
        # After commit: a worker (database backend) must find the row it is asked to render.
        transaction.on_commit(partial(render_version.enqueue, version.pk))
    return version


def version_render_again(*, version: AgreementVersion) -> bool:
    """A leader asks again for the PDF of a version whose rendering failed or is stuck
    (docs/rules.md §12). False, and nothing done, when the version has its PDF by now: a
    version has one PDF, attached once. Refused (code "rendering") while the rendering is
    under way and not yet past its time limit, so a double click asks once. The automatic
    attempts of `manage.py recover_tasks` count afresh from here."""
    from agreements.recovery import is_stuck
    from agreements.tasks import render_version

    with transaction.atomic():
        locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
        if locked.pdf_sha256:
            return False
        if not locked.render_error and not is_stuck(locked):
            raise ValidationError(
                _("The PDF is still being made; it can be made again if that takes too long."),
                code="rendering",
            )
        AgreementVersion.objects.filter(pk=locked.pk).update(
            render_error="", render_requested_at=timezone.now(), render_attempts=0
        )
        transaction.on_commit(partial(render_version.enqueue, locked.pk))
    return True


def warning_acknowledge(*, partnership: Partnership, key: str, user) -> None:
    """A project leader has seen a cofinancing warning and accepts it for the agreement.

    Only a warning that exists now can be acknowledged; the record says who and when.
    """
    from agreements.readiness import check_readiness

    current = {item.key for item in check_readiness(partnership=partnership).items}
    if not key.startswith("warning:") or key not in current:
        raise ValidationError(_("This warning no longer exists."))
    agreement = agreement_for(partnership)
    agreement.acknowledged_warnings = {
        **agreement.acknowledged_warnings,
        key: {"by": str(user), "at": timezone.now().isoformat()},
    }
    agreement.save(update_fields=["acknowledged_warnings"])


EXCEPTION_REASON_MIN, EXCEPTION_REASON_MAX = 20, 2000


def condition_exception_record(*, partnership: Partnership, key: str, reason: str, user) -> None:
    """A project leader records an exception to a condition of the regulation the region
    does not meet, with a written reason (a region may have agreed one with the subsidy
    provider); the condition then no longer blocks a version (docs/rules.md §11).

    Only a condition that is unmet now can be excepted; the reason is at least a sentence
    (20 characters and a space). The record says who, when and why, and the snapshot
    prints it with the condition.
    """
    from agreements.readiness import CONDITION_KEYS, check_readiness

    reason = " ".join((reason or "").split())
    if len(reason) > EXCEPTION_REASON_MAX:
        raise ValidationError(
            {
                "reason": _("Keep the reason under %(count)d characters.")
                % {"count": EXCEPTION_REASON_MAX}
            }
        )
    if len(reason) < EXCEPTION_REASON_MIN or " " not in reason:
        raise ValidationError(
            {
                "reason": _(
                    "Write down why the exception applies, in at least a sentence "
                    "(%(count)d characters or more)."
                )
                % {"count": EXCEPTION_REASON_MIN}
            }
        )
    current = {item.key for item in check_readiness(partnership=partnership).items}
    if key not in CONDITION_KEYS or key not in current:
        raise ValidationError(_("This condition is met or does not apply; no exception needed."))
    with transaction.atomic():
        agreement = agreement_for(partnership)
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        agreement.condition_exceptions = {
            **agreement.condition_exceptions,
            key: {"reason": reason, "by": str(user), "at": timezone.now().isoformat()},
        }
        agreement.save(update_fields=["condition_exceptions"])


def condition_exception_withdraw(*, partnership: Partnership, key: str) -> None:
    """Withdraw a recorded exception: the condition blocks again while it is unmet."""
    with transaction.atomic():
        agreement = agreement_for(partnership)
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if key not in agreement.condition_exceptions:
            raise ValidationError(_("No exception was recorded for this condition."))
        agreement.condition_exceptions = {
            k: v for k, v in agreement.condition_exceptions.items() if k != key
        }
        agreement.save(update_fields=["condition_exceptions"])

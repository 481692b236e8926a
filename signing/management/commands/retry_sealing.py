"""python manage.py retry_sealing

Finishes every completed signing round that is not finished yet (docs/rules.md §15): the
document kind's completion and the seal run as a task after the last signature and record
their failure instead of losing anything, so this command, run by cron or by hand after
fixing the cause, tries again. Exits with status 1 if
any round still fails. `manage.py recover_tasks` queues the stale ones again by itself
(signing/recovery.py).
"""

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from signing.models import SigningRound
from signing.recovery import describe, rounds_to_seal
from signing.tasks import seal_round


class Command(BaseCommand):
    help = "Seal the completed signing rounds whose sealing failed or is still pending."

    def handle(self, *args, **options):
        with scopes_disabled():
            pending = list(rounds_to_seal())
        failed = 0
        for signing_round in pending:
            result = seal_round.call(signing_round.pk)
            if result == "failed":
                failed += 1
                with scopes_disabled():
                    error = (
                        SigningRound.objects.filter(pk=signing_round.pk)
                        .values_list("seal_error", flat=True)
                        .first()
                    )
                detail = f" ({error})" if error else ""
            else:
                detail = ""
            self.stdout.write(f"{describe(signing_round)}: {result}{detail}")
        if failed:
            raise CommandError(f"{failed} of {len(pending)} rounds could not be sealed.")
        self.stdout.write(f"{len(pending)} rounds were waiting to be sealed; none failed.")

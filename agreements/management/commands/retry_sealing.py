"""python manage.py retry_sealing

Seals every completed signing round that has no sealed PDF yet (issue 7): sealing runs as a
task after the last signature and records its failure instead of losing anything, so this
command, run by cron or by hand after fixing the cause, tries again. Exits with status 1 if
any round still fails.
"""

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from agreements.models import RoundStatus, SigningRound
from agreements.tasks import seal_round


class Command(BaseCommand):
    help = "Seal the completed signing rounds whose sealing failed or is still pending."

    def handle(self, *args, **options):
        with scopes_disabled():
            pending = list(
                SigningRound.objects.filter(status=RoundStatus.COMPLETED, final_pdf_sha256="")
                .select_related("partnership", "version")
                .order_by("completed_at", "pk")
            )
        failed = 0
        for round in pending:
            result = seal_round.call(round.pk)
            if result == "failed":
                failed += 1
                with scopes_disabled():
                    error = (
                        SigningRound.objects.filter(pk=round.pk)
                        .values_list("seal_error", flat=True)
                        .first()
                    )
                detail = f" ({error})" if error else ""
            else:
                detail = ""
            self.stdout.write(
                f"{round.partnership.slug} v{round.version.number} round {round.code}: "
                f"{result}{detail}"
            )
        if failed:
            raise CommandError(f"{failed} of {len(pending)} rounds could not be sealed.")
        self.stdout.write(f"{len(pending)} rounds were waiting to be sealed; none failed.")

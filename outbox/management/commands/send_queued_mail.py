from django.core.management.base import BaseCommand

from outbox import services


class Command(BaseCommand):
    help = (
        "Send every queued e-mail that is due (run by cron every minute or few; safe to run "
        "twice at once: a message is sent by one worker at a time)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        counts = services.send_due(limit=limit)
        self.stdout.write(
            f"{counts['sent']} sent, {counts['failed']} not delivered (will be retried), "
            f"{counts['skipped']} skipped"
        )

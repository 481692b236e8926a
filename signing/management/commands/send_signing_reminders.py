"""python manage.py send_signing_reminders

The periodic work of signing rounds (docs/rules.md §13), run by cron or a systemd timer, e.g. hourly:
reminders 5 days after the link and every 3 days after that, a warning 2 days before the
deadline, and expiry of the links once it has passed (the project leader is told).
Idempotent: what was done is stored on each request, so running it twice sends nothing more.
Then the reminders other apps registered run (sterk.reminders), e.g. the notice that the
agreement's period ends within 90 days.
"""

from django.core.management.base import BaseCommand

from signing import services as signing
from sterk.reminders import registered_reminders


class Command(BaseCommand):
    help = "Send due signing reminders and deadline warnings, and expire overdue links."

    def handle(self, *args, **options):
        counts = signing.send_reminders()
        self.stdout.write(
            f"reminded: {counts['reminded']}, deadline warned: {counts['deadline_warned']}, "
            f"expired: {counts['expired']}"
        )
        for name, reminder in registered_reminders().items():
            self.stdout.write(f"{name}: {reminder()}")

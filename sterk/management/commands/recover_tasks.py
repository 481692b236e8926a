"""python manage.py recover_tasks

Recovers background work whose worker died (sterk/task_recovery.py): a task still RUNNING
after its time limit is queued again, at most TASK_MAX_RECOVERIES times, then marked failed
with a reason; then every app's own recovery runs (a version whose PDF is stuck, a completed
round whose sealing is stuck). Cron-safe: two runs at once recover each thing once. Prints
what it did; exit status 1 if a recovery itself broke.
"""

import logging

from django.core.management.base import BaseCommand, CommandError

from sterk import task_recovery

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue again the background work whose worker died; give up after a few times."

    def handle(self, *args, **options):
        lines = [str(item) for item in task_recovery.recover_running()]
        broken = []
        for name, recover in task_recovery.registered_recoveries().items():
            try:
                lines += recover()
            except Exception:
                logger.exception("Recovery %s failed", name)
                broken.append(name)
        for line in lines:
            self.stdout.write(line)
        if broken:
            raise CommandError(f"These recoveries failed: {', '.join(broken)}.")
        self.stdout.write(f"{len(lines)} recovered." if lines else "Nothing to recover.")

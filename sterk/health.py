"""/healthz: is this installation able to work? For a load balancer or a monitor.

JSON, 200 when every check passes and 503 otherwise, without sign-in and never cached. The
checks: the database answers; the media storage takes a small file and lets it be deleted
again; and every registered queue's oldest waiting item is younger than
HEALTH_QUEUE_MAX_AGE seconds (a queue whose worker stopped). The output names the checks
and their outcome only: errors go to the log, never into the answer.

Queues register themselves from their AppConfig.ready():

    from sterk.health import register_queue
    register_queue("mail", oldest_waiting_mail_age)  # seconds as a number, or None if empty

The background tasks of django-tasks-db are registered by sterk itself as "tasks". This
module imports no app.
"""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Min
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OldestAge = Callable[[], float | None]
_queues: dict[str, OldestAge] = {}


def register_queue(name: str, oldest_age_seconds: OldestAge) -> None:
    """Add a queue to /healthz: `oldest_age_seconds()` returns how long, in seconds, the
    oldest item has been waiting, or None when the queue is empty. Above
    HEALTH_QUEUE_MAX_AGE the installation is unhealthy."""
    _queues[name] = oldest_age_seconds


def registered_queues() -> dict[str, OldestAge]:
    return dict(_queues)


def oldest_task_age() -> float | None:
    """Seconds the oldest task ready to run has waited for a worker (django-tasks-db); a
    task deferred with run_after waits from that moment. Two aggregates, however long the
    queue."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.ready()
    moments = [
        ready.filter(run_after=get_date_max()).aggregate(oldest=Min("enqueued_at"))["oldest"],
        ready.exclude(run_after=get_date_max()).aggregate(
            oldest=Min(Greatest("enqueued_at", "run_after"))
        )["oldest"],
    ]
    moments = [moment for moment in moments if moment is not None]
    if not moments:
        return None
    return max(0.0, (timezone.now() - min(moments)).total_seconds())


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_storage() -> dict:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return {"ok": True}


def _queue_check(oldest_age_seconds: OldestAge) -> Callable[[], dict]:
    def check() -> dict:
        age = oldest_age_seconds()
        if age is None:
            return {"ok": True, "oldest_age_seconds": None}
        return {
            "ok": age <= settings.HEALTH_QUEUE_MAX_AGE,
            "oldest_age_seconds": round(age),
        }

    return check


def run_checks() -> dict[str, dict]:
    checks: dict[str, Callable[[], dict]] = {
        "database": check_database,
        "storage": check_storage,
    }
    for name, oldest in registered_queues().items():
        checks[f"queue:{name}"] = _queue_check(oldest)
    results = {}
    for name, check in checks.items():
        started = time.monotonic()
        try:
            result = check()
        except Exception:
            logger.exception("Health check %s failed", name)
            result = {"ok": False}
        result["ms"] = round((time.monotonic() - started) * 1000)
        results[name] = result
    return results


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks},
        status=200 if healthy else 503,
    )

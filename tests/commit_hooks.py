"""What a transaction leaves to run on commit, told apart: every write also clears the
dashboard's kept panels on commit (sterk/dashboard_cache.py), so a test that counts the
background tasks queued counts those alone."""


def task_enqueues(callbacks):
    """The callbacks captured by django_capture_on_commit_callbacks that queue a task."""
    return [c for c in callbacks if getattr(getattr(c, "func", None), "__name__", "") == "enqueue"]

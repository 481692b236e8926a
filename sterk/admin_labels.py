"""The admin of third-party apps in Dutch, from the project's own catalogue.

django-axes (sign-in protection), django-tasks-db (background tasks) and a few strings of
Django's admin pass their labels through gettext, but ship no Dutch. The project translates
them: they are repeated below with gettext_noop so `makemessages` keeps them in
locale/nl/LC_MESSAGES/django.po, and Django finds them there at run time. Labels that the
apps leave untranslated (app names, two column titles of the task results) are set here, in
`apply()`, with the project's own strings; nothing in their models changes, so no migration
follows.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

APP_NAMES = {
    "axes": _("Sign-in protection"),
    "django_tasks_database": _("Background tasks"),
}

THIRD_PARTY_STRINGS = (
    # Django's admin index (hidden column titles Django 5.2 does not translate into Dutch)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes: models
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # django-axes: admin
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    # django-tasks-db
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)

# The project's own fields without a verbose_name get theirs from their name ("created by"),
# which gettext never sees; apply() translates them with these (tests/test_dutch_sweep.py
# fails when a field is missing here).
PROJECT_APPS = (
    "outbox", "accounts", "partners", "activities", "governance", "cofinancing", "signing",
    "agreements", "outreach", "bundle", "updates",
)  # fmt: skip
FIELD_NAMES = (
    gettext_noop("about"),
    gettext_noop("activity"),
    gettext_noop("arranged by"),
    gettext_noop("attachments"),
    gettext_noop("body"),
    gettext_noop("chain"),
    gettext_noop("changed by"),
    gettext_noop("claimed until"),
    gettext_noop("code"),
    gettext_noop("code attempts"),
    gettext_noop("code expires at"),
    gettext_noop("code hash"),
    gettext_noop("code sent at"),
    gettext_noop("codes sent"),
    gettext_noop("contact"),
    gettext_noop("content type"),
    gettext_noop("created by"),
    gettext_noop("deadline warned at"),
    gettext_noop("discard after"),
    gettext_noop("document"),
    gettext_noop("done by"),
    gettext_noop("goal"),
    gettext_noop("hash"),
    gettext_noop("head"),
    gettext_noop("headers"),
    gettext_noop("is penvoerder"),
    gettext_noop("key"),
    gettext_noop("last decision number"),
    gettext_noop("loose"),
    gettext_noop("meeting"),
    gettext_noop("members"),
    gettext_noop("message"),
    gettext_noop("next step done by"),
    gettext_noop("object id"),
    gettext_noop("organisation"),
    gettext_noop("partnership"),
    gettext_noop("party key"),
    gettext_noop("pdf path"),
    gettext_noop("positions"),
    gettext_noop("prev hash"),
    gettext_noop("request"),
    gettext_noop("round"),
    gettext_noop("seq"),
    gettext_noop("signatory"),
    gettext_noop("signatory key"),
    gettext_noop("tenant id"),
    gettext_noop("ticked by"),
    gettext_noop("token hash"),
    gettext_noop("token salt"),
    gettext_noop("update"),
    gettext_noop("updated by"),
    gettext_noop("uploaded by"),
    gettext_noop("user"),
    gettext_noop("voided by"),
)


def unnamed_fields():
    """(model, field) of the project's fields whose label is only their name."""
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical"):
                continue  # django-simple-history's copies, with its own (translated) fields
            for field in model._meta.get_fields():
                if not field.auto_created and getattr(field, "_verbose_name", "") is None:
                    yield model, field


# Admin columns of django-tasks-db whose titles are plain strings there.
TASK_COLUMNS = {
    "formatted_traceback": _("traceback"),
    "display_run_after": _("run after"),
}


def apply() -> None:
    """Give the third-party apps' untranslated labels the project's translatable ones."""
    from django.contrib import admin

    # Only the label: migrations read the field's own (empty) verbose_name, so none follows.
    for _model, field in unnamed_fields():
        if field.verbose_name in FIELD_NAMES:
            field.verbose_name = _(field.verbose_name)
    installed = {config.label for config in apps.get_app_configs()}
    for label, name in APP_NAMES.items():
        if label in installed:
            apps.get_app_config(label).verbose_name = name
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "django_tasks_database":
            continue
        for attribute, description in TASK_COLUMNS.items():
            method = getattr(type(model_admin), attribute, None)
            if method is not None:
                method.short_description = description
        task_name = getattr(model, "task_name", None)
        if isinstance(task_name, property):
            task_name.fget.short_description = _("Task name")

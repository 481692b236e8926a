"""Undelivered e-mail of a partnership: a leader tries it again (docs/rules.md §19)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outbox import listeners
from outbox import services as outbox
from outbox.models import Message
from partners.tenancy import partnership_view


@partnership_view(need="lead")
@require_POST
def mail_retry(request, tenant, code):
    message = get_object_or_404(Message, tenant_id=tenant.partnership.pk, code=code)
    result = outbox.retry(message)
    if result:
        messages.success(request, _("The e-mail to %(to)s was sent.") % {"to": message.to})
    elif result is None:
        messages.info(
            request,
            _("The e-mail to %(to)s is no longer waiting: it was sent or is not needed.")
            % {"to": message.to},
        )
    else:
        message.refresh_from_db()
        messages.error(
            request,
            _("The e-mail to %(to)s could not be sent: %(error)s. Sterk tries again later.")
            % {"to": message.to, "error": message.last_error[:200]},
        )
    target = listeners.link(message)
    if target:
        return redirect(target)
    return redirect("dashboard", slug=tenant.partnership.slug)

"""One way to show an action a member may or may not take.

`{% action tenant "write" _("Add organisation") href=url what=_("add organisations") %}`
renders the link (or, with `post=url`, a form with one button) when the member's role allows
what `need` names; otherwise the same button, disabled, with the reason beside it: "Only a
project leader can …" or "Only project leaders and editors can …". A member then sees what
exists and why it is not theirs to do, instead of a page where the action is missing.

The disabled button is a `<button type="button" aria-disabled="true">`: it stays in the
tab order (a keyboard or screen-reader user reaches it and hears the reason through
`aria-describedby`), and clicking it does nothing, with or without JavaScript. The server
checks the permission as before (partners/tenancy.py); this only shows it.
"""

import itertools

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_ids = itertools.count(1)


def action_reason(tenant, need: str, what: str = "") -> str:
    """Why `tenant`'s member may not take an action needing `need`; "" when they may."""
    if tenant is None or tenant.may(need):
        return ""
    if tenant.is_history:
        return _(
            "This partnership was renewed for the next scheme period: it is kept as read-only "
            "history."
        )
    if need == "lead":
        if what:
            return _("Only a project leader can %(what)s.") % {"what": what}
        return _("Only a project leader can do this.")
    if what:
        return _("Only project leaders and editors can %(what)s.") % {"what": what}
    return _("Only project leaders and editors can do this.")


@register.inclusion_tag("includes/action.html", takes_context=True)
def action(
    context,
    tenant,
    need: str,
    label: str,
    *,
    href: str = "",
    post: str = "",
    what: str = "",
    css: str = "btn btn-outline-primary",
    hidden: str = "",
    allowed=None,
    reason: str = "",
    describedby: str = "",
):
    """An action link (`href`) or one-button POST form (`post`), or, when the role does not
    allow `need`, the disabled button with the reason. `hidden` is read to screen readers
    after the label ("Edit" + " Piet Plain"); `allowed=False` with a `reason` disables the
    action for a reason other than the role. `describedby`, the id of a reason already on
    the page (one note above a table instead of the same sentence on every row), is used
    instead of the reason beside the button."""
    denied = action_reason(tenant, need, what)
    if not denied and allowed is not None and not allowed:
        denied = reason or _("This is not possible now.")
    return {
        "csrf_token": context.get("csrf_token"),
        "label": label,
        "hidden": hidden,
        "href": href,
        "post": post,
        "css": css,
        "reason": denied,
        "reason_id": describedby or (f"action-reason-{next(_ids)}" if denied else ""),
        "shared_reason": bool(describedby),
    }

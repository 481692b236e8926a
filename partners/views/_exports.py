"""What the three Excel exports (organisations, contacts, networks) share."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


def invalid_filter_redirect(request, tenant, filterset, list_url_name: str):
    """None when the filter is valid; else a redirect back to the list with the same query
    string (so the list shows the filter and its error) and an error message.

    An invalid filter value is dropped by django-filter, so exporting anyway would export
    more rows than the person asked for, without saying so.
    """
    if not filterset.is_bound or filterset.is_valid():
        return None
    messages.error(
        request,
        _("The filter is not valid, so nothing was exported. Correct the filter and try again."),
    )
    url = reverse(list_url_name, kwargs={"slug": tenant.partnership.slug})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def export_filename(prefix: str, tenant) -> str:
    """A Dutch file name with the partnership and today's date, e.g.
    `contactpersonen-twente-2026-11-27.xlsx`."""
    return f"{prefix}-{tenant.partnership.slug}-{timezone.localdate().isoformat()}.xlsx"

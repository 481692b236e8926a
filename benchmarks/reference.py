"""The reference view of the dashboard throughput benchmark: ten simple queries and a tiny
page, behind the same login. Mounted only when the BENCHMARK setting is on (sterk/urls.py),
so it never exists in production."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django_scopes import scopes_disabled

from partners.models import Membership, Organisation, Partnership


@login_required
def reference(request, slug):
    with scopes_disabled():
        partnership = Partnership.objects.get(slug=slug)  # 1
        counts = [
            Membership.objects.filter(partnership=partnership, user=request.user).exists(),  # 2
            Organisation.objects.filter(partnership=partnership).count(),  # 3
        ]
        # 4–10: seven more small reads by primary key range.
        for offset in range(7):
            counts.append(
                Organisation.objects.filter(partnership=partnership)
                .order_by("pk")
                .values_list("name", flat=True)[offset : offset + 1]
                .first()
            )
    return HttpResponse(f"<!doctype html><title>reference</title><p>{len(counts)}</p>")

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from partners.models import Membership
from partners.tenancy import partnership_view, user_memberships


@login_required
def home(request):
    memberships = user_memberships(request.user)
    if len(memberships) == 1:
        return redirect("dashboard", slug=memberships[0].partnership.slug)
    return render(request, "home.html", {"memberships": memberships})


@partnership_view()
def dashboard(request, tenant):
    member_count = Membership.objects.filter(partnership=tenant.partnership).count()
    return render(request, "dashboard.html", {"tenant": tenant, "member_count": member_count})

from django.shortcuts import render

from partners.tenancy import partnership_view


@partnership_view()
def overview(request, tenant):
    return render(request, "cofinancing/overview.html", {"tenant": tenant})

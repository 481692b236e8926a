from django.shortcuts import render

from partners.tenancy import partnership_view


@partnership_view()
def agreement_list(request, tenant):
    return render(request, "agreements/agreement_list.html", {"tenant": tenant})

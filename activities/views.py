from django.shortcuts import render

from partners.tenancy import partnership_view


@partnership_view()
def activity_list(request, tenant):
    return render(request, "activities/activity_list.html", {"tenant": tenant})

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partners.filters.networks import NetworkFilter
from partners.forms.networks import NetworkForm, NetworkMemberForm, NetworkMemberRoleForm
from partners.models import Network, NetworkMember
from partners.selectors import networks as selectors
from partners.services import networks as services
from partners.tenancy import partnership_view
from partners.views._exports import export_filename, invalid_filter_redirect
from sterk.lists import paginate
from sterk.xlsx import workbook_response


def _filter(request, tenant) -> NetworkFilter:
    return NetworkFilter(
        request.GET,
        queryset=selectors.network_list(partnership=tenant.partnership),
        partnership=tenant.partnership,
    )


def _network(tenant, code) -> Network:
    return get_object_or_404(Network, partnership=tenant.partnership, code=code)


@partnership_view()
@require_GET
def network_list(request, tenant):
    network_filter = _filter(request, tenant)
    page, query = paginate(request, network_filter.qs)
    return render(
        request,
        "partners/networks/network_list.html",
        {"tenant": tenant, "filter": network_filter, "page": page, "query": query},
    )


@partnership_view()
@require_GET
def network_export(request, tenant):
    network_filter = _filter(request, tenant)
    if refused := invalid_filter_redirect(request, tenant, network_filter, "partners:network-list"):
        return refused
    rows = selectors.network_export_rows(networks=network_filter.qs)
    headers = [
        _("Network"),
        _("Kind"),
        _("Website"),
        _("Organisation"),
        _("Organisation kind"),
        _("Role in the network"),
    ]
    return workbook_response(export_filename("netwerken", tenant), _("Networks"), headers, rows)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def network_create(request, tenant):
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_create(partnership=tenant.partnership, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Network %(name)s was added.") % {"name": network.name})
            return redirect(
                "partners:network-detail", slug=tenant.partnership.slug, code=network.code
            )
    return render(request, "partners/networks/network_form.html", {"tenant": tenant, "form": form})


@partnership_view()
@require_GET
def network_detail(request, tenant, code):
    network = _network(tenant, code)
    members = selectors.network_members(network=network)
    return render(
        request,
        "partners/networks/network_detail.html",
        {"tenant": tenant, "network": network, "members": members},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def network_update(request, tenant, code):
    network = _network(tenant, code)
    # The form gets no instance and a rejected save is undone in memory, so the heading keeps
    # showing the saved name.
    form = NetworkForm(
        request.POST or None, initial=model_to_dict(network, NetworkForm.Meta.fields)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.network_update(network=network, **form.cleaned_data)
        except ValidationError as error:
            network.refresh_from_db()
            form.add_error(None, error)
        else:
            messages.success(request, _("Network %(name)s was saved.") % {"name": network.name})
            return redirect(
                "partners:network-detail", slug=tenant.partnership.slug, code=network.code
            )
    return render(
        request,
        "partners/networks/network_form.html",
        {"tenant": tenant, "form": form, "network": network},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def network_member_add(request, tenant, code):
    """Add a member organisation; with `?member=<id>` change an existing member's role
    (on the same address, as the URL list has no separate one for it)."""
    network = _network(tenant, code)
    if "member" in request.GET:
        return _network_member_role(request, tenant, network, request.GET["member"])
    organisations = selectors.organisations_not_in_network(network=network)
    form = NetworkMemberForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.network_member_add(network=network, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(organisation)s was added to %(network)s.")
                % {"organisation": member.organisation.name, "network": network.name},
            )
            return _network_page(tenant, network)
    return render(
        request,
        "partners/networks/network_member_form.html",
        {"tenant": tenant, "form": form, "network": network},
    )


def _network_member_role(request, tenant, network, member_id):
    if not re.fullmatch(r"[0-9]{1,18}", member_id):  # an id, not ² or a number too big for SQL
        raise Http404
    member = get_object_or_404(
        NetworkMember.objects.select_related("organisation"),
        partnership=tenant.partnership,
        network=network,
        pk=member_id,
    )
    form = NetworkMemberRoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.network_member_change_role(member=member, role=form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The role of %(organisation)s in %(network)s was saved.")
                % {"organisation": member.organisation.name, "network": network.name},
            )
            return _network_page(tenant, network)
    return render(
        request,
        "partners/networks/network_member_role_form.html",
        {"tenant": tenant, "form": form, "network": network, "member": member},
    )


def _network_page(tenant, network):
    return redirect("partners:network-detail", slug=tenant.partnership.slug, code=network.code)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def network_member_remove(request, tenant, code, member):
    member = get_object_or_404(
        NetworkMember.objects.select_related("network", "organisation"),
        partnership=tenant.partnership,
        network__code=code,
        pk=member,
    )
    if request.method == "POST":
        services.network_member_remove(member=member)
        messages.success(
            request,
            _("%(organisation)s is no longer a member of %(network)s.")
            % {"organisation": member.organisation.name, "network": member.network.name},
        )
        return redirect("partners:network-detail", slug=tenant.partnership.slug, code=code)
    return render(
        request,
        "partners/networks/network_member_confirm_remove.html",
        {"tenant": tenant, "member": member},
    )

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners.filters.organisations import OrganisationFilter
from partners.forms.organisations import OrganisationForm, PartnershipSettingsForm, StageForm
from partners.models import Organisation
from partners.options import options_response, query_words
from partners.panels import organisation_panels
from partners.selectors import contacts as contact_selectors
from partners.selectors import interactions as interaction_selectors
from partners.selectors import organisations as selectors
from partners.services import organisations as services
from partners.tenancy import partnership_view
from partners.views._exports import export_filename, invalid_filter_redirect
from sterk.lists import paginate
from sterk.redirects import safe_next
from sterk.xlsx import workbook_response


def _detail_url(organisation):
    return reverse(
        "partners:organisation-detail",
        kwargs={"slug": organisation.partnership.slug, "code": organisation.code},
    )


@partnership_view()
def organisation_list(request, tenant):
    partnership = tenant.partnership
    filterset = OrganisationFilter(
        request.GET or None,
        queryset=selectors.organisation_list(partnership=partnership),
        partnership=partnership,
    )
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "partners/organisations/list.html",
        {"tenant": tenant, "filter": filterset, "page": page, "query": query},
    )


@partnership_view()
def organisation_export(request, tenant):
    partnership = tenant.partnership
    filterset = OrganisationFilter(
        request.GET or None,
        queryset=selectors.organisation_list(partnership=partnership),
        partnership=partnership,
    )
    if refused := invalid_filter_redirect(request, tenant, filterset, "partners:organisation-list"):
        return refused
    headers = [
        _("Name"), _("Kind"), _("Sector"), _("Stage"), _("KvK number"), _("BRIN code"),
        _("Legal form"), _("Address"), _("Postal code"), _("City"), _("Website"),
        _("Counts as business"), _("Justification"), _("Relationship owner"),
        _("Last contact moment"), _("Notes"),
    ]  # fmt: skip
    rows = (
        [
            o.name, o.get_kind_display(), o.get_sector_display(), o.get_stage_display(),
            o.kvk_number, o.brin_code, o.get_legal_form_display(), o.address, o.postal_code,
            o.city, o.website, _("yes") if o.counts_as_business else _("no"),
            o.business_justification, str(o.relationship_owner or ""), o.last_contact, o.notes,
        ]
        for o in filterset.qs
    )  # fmt: skip
    return workbook_response(
        export_filename("organisaties", tenant), _("Organisations"), headers, rows
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def organisation_create(request, tenant):
    return _organisation_form(request, tenant, Organisation(partnership=tenant.partnership))


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def organisation_update(request, tenant, code):
    organisation = get_object_or_404(Organisation, partnership=tenant.partnership, code=code)
    return _organisation_form(request, tenant, organisation)


def _organisation_form(request, tenant, organisation):
    partnership = tenant.partnership
    data = request.POST or None
    form = OrganisationForm(
        data,
        instance=organisation,
        partnership=partnership,
        may_decide_business=tenant.is_leader,
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = services.organisation_duplicates(
            partnership=partnership,
            name=form.cleaned_data["name"],
            kvk_number=form.cleaned_data["kvk_number"],
            exclude_pk=organisation.pk,
        )
        if duplicates and not request.POST.get("confirm_duplicate"):
            form = OrganisationForm(
                data,
                instance=organisation,
                partnership=partnership,
                show_confirm=True,
                may_decide_business=tenant.is_leader,
            )
            form.is_valid()
        else:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate"}
            try:
                if organisation.pk:
                    services.organisation_update(
                        organisation=organisation, user=request.user, **fields
                    )
                else:
                    organisation = services.organisation_create(
                        partnership=partnership, user=request.user, **fields
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": organisation.name})
                return redirect(_detail_url(organisation))
    return render(
        request,
        "partners/organisations/form.html",
        {"tenant": tenant, "form": form, "organisation": organisation, "duplicates": duplicates},
    )


@partnership_view()
def organisation_detail(request, tenant, code):
    organisation = get_object_or_404(
        Organisation.objects.select_related(
            "relationship_owner", "business_approved_by", "belongs_to"
        ),
        partnership=tenant.partnership,
        code=code,
    )
    contacts = contact_selectors.organisation_contacts(organisation=organisation)
    context = {
        "tenant": tenant,
        "organisation": organisation,
        "contacts": contacts,
        "signing_status": contact_selectors.organisation_signing_status(
            organisation=organisation, contacts=contacts
        ),
        "interactions": interaction_selectors.organisation_interactions(organisation=organisation),
        "networks": selectors.organisation_networks(organisation=organisation),
        "locations": selectors.organisation_locations(organisation=organisation),
        "stage_changes": selectors.organisation_stage_changes(organisation=organisation),
        "history": selectors.organisation_history(organisation=organisation),
        "stage_form": StageForm(initial={"stage": organisation.stage}),
        "panels": organisation_panels(tenant=tenant, organisation=organisation),
    }
    return render(request, "partners/organisations/detail.html", context)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def organisation_delete(request, tenant, code):
    organisation = get_object_or_404(Organisation, partnership=tenant.partnership, code=code)
    error = None
    if request.method == "POST":
        try:
            services.organisation_delete(organisation=organisation)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": organisation.name})
            return redirect("partners:organisation-list", slug=tenant.partnership.slug)
    return render(
        request,
        "partners/organisations/confirm_delete.html",
        {
            "tenant": tenant,
            "organisation": organisation,
            "error": error,
            "summary": selectors.organisation_deletion_summary(organisation=organisation),
        },
        status=400 if error else 200,
    )


@partnership_view()
def organisation_board(request, tenant):
    columns = selectors.organisation_board(partnership=tenant.partnership)
    return render(
        request,
        "partners/organisations/board.html",
        {
            "tenant": tenant,
            "columns": columns,
            "stage_form": StageForm(),
            "board_limit": selectors.BOARD_COLUMN_ROWS,
        },
    )


def _wants_json(request) -> bool:
    """The pipeline board's drag and drop (static/js/pipeline-board.js) asks for JSON: it
    shows the message itself and puts the card back on failure."""
    return request.headers.get("Accept", "").startswith("application/json")


@partnership_view(need="write")
@require_POST
def organisation_move(request, tenant, code):
    organisation = get_object_or_404(Organisation, partnership=tenant.partnership, code=code)
    form = StageForm(request.POST)
    if not form.is_valid():
        message, level, status = _("Choose an existing stage."), messages.ERROR, 400
    elif services.organisation_move(
        organisation=organisation, stage=form.cleaned_data["stage"], user=request.user
    ):
        message, level, status = (
            _("%(name)s moved to “%(stage)s”.")
            % {"name": organisation.name, "stage": organisation.get_stage_display()},
            messages.SUCCESS,
            200,
        )
    else:
        message, level, status = (
            _("%(name)s is already in that stage (“%(stage)s”); nothing changed.")
            % {"name": organisation.name, "stage": organisation.get_stage_display()},
            messages.INFO,
            200,
        )
    if _wants_json(request):
        return JsonResponse({"message": message, "stage": organisation.stage}, status=status)
    messages.add_message(request, level, message)
    return redirect(safe_next(request, _detail_url(organisation)))


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def partnership_settings(request, tenant):
    partnership = tenant.partnership
    form = PartnershipSettingsForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings were saved."))
        return redirect("partners:partnership-settings", slug=partnership.slug)
    return render(request, "partners/organisations/settings.html", {"tenant": tenant, "form": form})


@partnership_view()
@require_GET
def organisation_options(request, tenant):
    """At most 20 organisations matching `q`, as JSON, for a select that loads them on
    demand (partners/widgets.py)."""
    return options_response(
        selectors.organisation_options(partnership=tenant.partnership, words=query_words(request))
    )

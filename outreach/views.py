from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outreach import pack, selectors, services
from outreach.forms import MapFilterForm, PackTextsForm, StepTickForm
from outreach.models import PIPELINE_STAGES, PackTexts
from outreach.panels import checklist
from outreach.texts import TEXT_FIELDS
from partners.models import Organisation
from partners.tenancy import partnership_view
from sterk.lists import paginate


def _filter_form(request, tenant) -> MapFilterForm:
    return MapFilterForm(request.GET or None, partnership=tenant.partnership)


@partnership_view()
@require_GET
def network_map(request, tenant):
    form = _filter_form(request, tenant)
    filters = form.filters()
    data = selectors.map_data(partnership=tenant.partnership, filters=filters)
    return render(
        request,
        "outreach/map.html",
        {
            "tenant": tenant,
            "form": form,
            "query": request.GET.urlencode(),
            "elements": data["elements"],
            "counts": data["counts"],
            "layout": data["layout"],
            "gaps": selectors.map_gaps(partnership=tenant.partnership),
        },
    )


@partnership_view(need="lead")
@require_POST
def network_map_arrange(request, tenant):
    """Place every node anew; otherwise nodes keep their place and new ones stand beside."""
    services.map_arrange(partnership=tenant.partnership, user=request.user)
    messages.success(request, _("The map was arranged again: every node has a new place."))
    return redirect("outreach:map", slug=tenant.partnership.slug)


@partnership_view()
@require_GET
def network_map_table(request, tenant):
    form = _filter_form(request, tenant)
    queryset = selectors.organisations_filtered(
        partnership=tenant.partnership, filters=form.filters()
    )
    page, query = paginate(request, queryset)
    return render(
        request,
        "outreach/map_table.html",
        {
            "tenant": tenant,
            "form": form,
            "page": page,
            "query": query,
            "rows": selectors.map_table_rows(organisations=page.object_list),
        },
    )


def _prospect(tenant, code) -> Organisation:
    organisation = get_object_or_404(
        Organisation.objects.select_related("relationship_owner"),
        partnership=tenant.partnership,
        code=code,
    )
    if organisation.stage not in PIPELINE_STAGES:
        raise Http404(_("An approach pack is made for an organisation in the pipeline only."))
    return organisation


@partnership_view()
@require_GET
def pack_detail(request, tenant, code):
    organisation = _prospect(tenant, code)
    context = pack.pack_context(partnership=tenant.partnership, organisation=organisation)
    return render(
        request,
        "outreach/pack.html",
        {
            **context,
            "tenant": tenant,
            "steps": checklist(partnership=tenant.partnership, organisation=organisation),
        },
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def pack_texts_edit(request, tenant, code):
    organisation = _prospect(tenant, code)
    stored = PackTexts.objects.filter(partnership=tenant.partnership).first()
    form = PackTextsForm(
        request.POST or None,
        instance=stored,
        initial=None if stored else pack.pack_texts(tenant.partnership),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pack_texts_save(
                partnership=tenant.partnership,
                user=request.user,
                **{name: form.cleaned_data[name] for name in TEXT_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The texts of the approach pack were saved."))
            return redirect("outreach:pack", slug=tenant.partnership.slug, code=organisation.code)
    return render(
        request,
        "outreach/pack_texts.html",
        {"tenant": tenant, "form": form, "organisation": organisation},
    )


def _pdf_response(content: bytes, name: str, organisation) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{name}-{slugify(organisation.name)[:60] or 'organisatie'}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@partnership_view()
@require_GET
def pack_letter(request, tenant, code):
    organisation = _prospect(tenant, code)
    context = pack.pack_context(partnership=tenant.partnership, organisation=organisation)
    return _pdf_response(pack.letter_pdf(context), "uitnodiging", organisation)


@partnership_view()
@require_GET
def pack_flyer(request, tenant, code):
    organisation = _prospect(tenant, code)
    context = pack.pack_context(partnership=tenant.partnership, organisation=organisation)
    return _pdf_response(pack.flyer_pdf(context), "flyer", organisation)


def _organisation(tenant, code) -> Organisation:
    return get_object_or_404(Organisation, partnership=tenant.partnership, code=code)


@partnership_view(need="write")
@require_POST
def step_tick(request, tenant, code):
    organisation = _organisation(tenant, code)
    form = StepTickForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            services.approach_step_tick(
                partnership=tenant.partnership,
                organisation=organisation,
                step=form.cleaned_data["step"],
                interaction=form.cleaned_data["interaction"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The approach step was ticked."))
    else:
        messages.error(
            request, " ".join(str(message) for errors in form.errors.values() for message in errors)
        )
    return redirect("partners:organisation-detail", slug=tenant.partnership.slug, code=code)


@partnership_view(need="write")
@require_POST
def step_untick(request, tenant, code):
    organisation = _organisation(tenant, code)
    services.approach_step_untick(
        partnership=tenant.partnership,
        organisation=organisation,
        step=request.POST.get("step", ""),
    )
    messages.success(request, _("The tick was taken off."))
    return redirect("partners:organisation-detail", slug=tenant.partnership.slug, code=code)

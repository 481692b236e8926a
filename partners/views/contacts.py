import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners.filters.contacts import ContactFilter
from partners.forms.contacts import ContactForm, SignatoryForm
from partners.models import Organisation, Signatory
from partners.selectors import contacts as selectors
from partners.services import contacts as services
from partners.tenancy import partnership_view
from partners.views._exports import export_filename, invalid_filter_redirect
from sterk.lists import paginate
from sterk.xlsx import workbook_response


def _organisation_page(tenant, organisation_code):
    return redirect(
        "partners:organisation-detail", slug=tenant.partnership.slug, code=organisation_code
    )


def _contact(tenant, code):
    return get_object_or_404(selectors.contact_list(partnership=tenant.partnership), code=code)


@partnership_view()
@require_GET
def contact_list(request, tenant):
    filterset = ContactFilter(
        request.GET, queryset=selectors.contact_list(partnership=tenant.partnership)
    )
    page, query = paginate(request, filterset.qs)
    export_url = reverse("partners:contact-export", kwargs={"slug": tenant.partnership.slug})
    return render(
        request,
        "partners/contacts/contact_list.html",
        {
            "tenant": tenant,
            "filter": filterset,
            "page": page,
            "query": query,
            "export_url": export_url,
        },
    )


@partnership_view()
@require_GET
def contact_export(request, tenant):
    filterset = ContactFilter(
        request.GET, queryset=selectors.contact_list(partnership=tenant.partnership)
    )
    if refused := invalid_filter_redirect(request, tenant, filterset, "partners:contact-list"):
        return refused
    headers = [
        _("Name"),
        _("Organisation"),
        _("Job title"),
        _("E-mail address"),
        _("Phone"),
        _("Primary contact"),
        _("Authority"),
        _("Proxy limit"),
        _("Co-signatory"),
        _("Evidence"),
        _("Reference"),
        _("Date of the evidence"),
        _("Checked by"),
        _("Checked at"),
    ]
    rows = [_export_row(contact) for contact in filterset.qs]
    return workbook_response(
        export_filename("contactpersonen", tenant),
        _("Contacts"),
        headers,
        rows,
        money_columns=[headers.index(_("Proxy limit"))],
    )


def _export_row(contact) -> list:
    signatory = selectors.signatory_of(contact)
    co_signatory = signatory.co_signatory if signatory else None
    return [
        contact.name,
        contact.organisation.name,
        contact.job_title,
        contact.email,
        contact.phone,
        _("yes") if contact.is_primary else _("no"),
        signatory.get_authority_display() if signatory else "",
        signatory.proxy_limit if signatory else None,
        co_signatory.contact.name if co_signatory else "",
        signatory.get_evidence_source_display() if signatory else "",
        signatory.evidence_reference if signatory else "",
        signatory.evidence_date if signatory else None,
        signatory.checked_by if signatory else None,
        signatory.checked_at if signatory else None,
    ]


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contact_create(request, tenant, code):
    organisation = get_object_or_404(Organisation, partnership=tenant.partnership, code=code)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": contact.name})
            return _organisation_page(tenant, organisation.code)
    return render(
        request,
        "partners/contacts/contact_form.html",
        {"tenant": tenant, "form": form, "organisation": organisation, "contact": None},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contact_update(request, tenant, code):
    contact = _contact(tenant, code)
    # The form works on a copy, so the page keeps showing the saved name on errors.
    form = ContactForm(request.POST or None, instance=copy.copy(contact))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": contact.name})
            return _organisation_page(tenant, contact.organisation.code)
    return render(
        request,
        "partners/contacts/contact_form.html",
        {"tenant": tenant, "form": form, "organisation": contact.organisation, "contact": contact},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def contact_delete(request, tenant, code):
    contact = _contact(tenant, code)
    error = None
    if request.method == "POST":
        try:
            services.contact_delete(contact=contact)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": contact.name})
            return _organisation_page(tenant, contact.organisation.code)
    return render(
        request,
        "partners/contacts/contact_confirm_delete.html",
        {
            "tenant": tenant,
            "contact": contact,
            "signatory": selectors.signatory_of(contact),
            "error": error,
        },
        status=400 if error else 200,
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def signatory_edit(request, tenant, code):
    contact = _contact(tenant, code)
    signatory = selectors.signatory_of(contact)
    initial = {}
    if signatory is not None:
        initial = {
            field: getattr(signatory, field)
            for field in ("authority", "co_signatory", "proxy_limit", *services.EVIDENCE_FIELDS)
        }
    form = SignatoryForm(request.POST or None, contact=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.signatory_save(contact=contact, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The signatory %(name)s was saved.") % {"name": contact.name}
            )
            return _organisation_page(tenant, contact.organisation.code)
    return render(
        request,
        "partners/contacts/signatory_form.html",
        {"tenant": tenant, "form": form, "contact": contact, "signatory": signatory},
    )


def _signatory(tenant, code):
    return get_object_or_404(
        Signatory.objects.select_related("contact__organisation"),
        partnership=tenant.partnership,
        contact__code=code,
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def signatory_delete(request, tenant, code):
    signatory = _signatory(tenant, code)
    contact = signatory.contact
    if request.method == "POST":
        services.signatory_remove(signatory=signatory)
        messages.success(
            request, _("%(name)s is no longer recorded as a signatory.") % {"name": contact.name}
        )
        return _organisation_page(tenant, contact.organisation.code)
    return render(
        request,
        "partners/contacts/signatory_confirm_delete.html",
        {"tenant": tenant, "signatory": signatory, "contact": contact},
    )


@partnership_view(need="write")
@require_POST
def signatory_check(request, tenant, code):
    signatory = _signatory(tenant, code)
    try:
        services.signatory_check(signatory=signatory, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The evidence of %(name)s is recorded as checked.")
            % {"name": signatory.contact.name},
        )
    return _organisation_page(tenant, signatory.contact.organisation.code)

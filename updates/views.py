"""The partner update pages (docs/rules.md §29): every member reads the updates, leaders
compose, edit and send them. The unsubscribe page is public: a signed link, no login; GET
only asks, the POST button unsubscribes (a mail scanner that follows links changes nothing),
and a mail program's one-click POST (RFC 8058) unsubscribes without the page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partners.tenancy import partnership_view
from sterk.lists import paginate
from updates import rendering, services
from updates.forms import PeriodForm, UpdateForm
from updates.models import PartnerUpdate
from updates.selectors import recipients_of_update, updates_of


def _update(tenant, code) -> PartnerUpdate:
    """Through the partnership only: a code of another partnership's update is a 404."""
    return get_object_or_404(
        PartnerUpdate.objects.select_related("partnership", "sent_by"),
        partnership=tenant.partnership,
        code=code,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@partnership_view()
@require_GET
def update_list(request, tenant):
    page, query = paginate(request, updates_of(tenant.partnership))
    return render(
        request, "updates/update_list.html", {"tenant": tenant, "page": page, "query": query}
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def update_create(request, tenant):
    form = PeriodForm(request.POST or None, initial=PeriodForm.initial_period())
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_create(
                partnership=tenant.partnership,
                start=form.cleaned_data["period_start"],
                end=form.cleaned_data["period_end"],
                title=form.cleaned_data["title"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The update was composed from the data. Edit it, then send it.")
            )
            return redirect("updates:update-edit", slug=tenant.partnership.slug, code=update.code)
    return render(request, "updates/update_create.html", {"tenant": tenant, "form": form})


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def update_edit(request, tenant, code):
    update = _update(tenant, code)
    if update.is_sent:
        messages.info(request, _("This update was already sent; it no longer changes."))
        return redirect("updates:update-detail", slug=tenant.partnership.slug, code=update.code)
    initial = {name: getattr(update, name) for name in services.EDITABLE}
    form = UpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_edit(update=update, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The update was saved."))
            return redirect("updates:update-edit", slug=tenant.partnership.slug, code=update.code)
    return render(
        request,
        "updates/update_edit.html",
        {"tenant": tenant, "update": update, "form": form, **rendering.update_context(update)},
    )


@partnership_view(need="lead")
@require_POST
def update_recompose(request, tenant, code):
    update = _update(tenant, code)
    try:
        services.update_recompose(update=update)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("updates:update-detail", slug=tenant.partnership.slug, code=update.code)
    messages.success(request, _("The sections were composed again from today's data."))
    return redirect("updates:update-edit", slug=tenant.partnership.slug, code=update.code)


@partnership_view(need="lead")
@require_POST
def update_delete(request, tenant, code):
    update = _update(tenant, code)
    try:
        services.update_delete(update=update)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("updates:update-detail", slug=tenant.partnership.slug, code=update.code)
    messages.success(request, _("The draft was deleted."))
    return redirect("updates:update-list", slug=tenant.partnership.slug)


@partnership_view()
@require_GET
def update_detail(request, tenant, code):
    update = _update(tenant, code)
    page, query = paginate(request, recipients_of_update(update), per_page=50)
    return render(
        request,
        "updates/update_detail.html",
        {"tenant": tenant, "page": page, "query": query, **rendering.update_context(update)},
    )


@partnership_view()
@require_GET
def update_pdf(request, tenant, code):
    update = _update(tenant, code)
    response = HttpResponse(rendering.render_pdf(update), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{rendering.pdf_filename(update)}"'
    return response


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def update_send(request, tenant, code):
    update = _update(tenant, code)
    if request.method == "POST":
        try:
            count = services.update_send(update=update, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The update was sent to %(count)d contacts.") % {"count": count}
            )
        return redirect("updates:update-detail", slug=tenant.partnership.slug, code=update.code)
    recipients = [] if update.is_sent else services.recipients_of(tenant.partnership)
    return render(
        request,
        "updates/update_send.html",
        {"tenant": tenant, "update": update, "recipients": recipients},
    )


def _refused(request, error: ValidationError):
    return render(
        request, "updates/unsubscribe.html", {"error": " ".join(error.messages)}, status=400
    )


def is_one_click(request) -> bool:
    """The POST a mail program sends for the List-Unsubscribe-Post header (RFC 8058): its
    form body says List-Unsubscribe=One-Click (urlencoded or multipart alike)."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_protect
def _unsubscribe_page(request, token):
    """GET asks, the page's button POSTs (with its CSRF token) and then redirects."""
    try:
        contact = services.contact_for_token(token)
    except ValidationError as error:
        return _refused(request, error)
    if request.method == "POST":
        # Post, then redirect: a reload does not post again, and the page says what happened.
        changed = services.unsubscribe(contact=contact)
        return redirect(f"{request.path}?done={1 if changed else 0}")
    done = request.GET.get("done")
    return render(
        request,
        "updates/unsubscribe.html",
        {"contact": contact, "posted": done in ("0", "1"), "changed": done == "1"},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link in the update and its List-Unsubscribe header. Only the one-click POST of a
    mail program is exempt from the CSRF check: it carries no cookie, and the signed token
    in the address is what proves it comes from the e-mail. It unsubscribes at once and
    answers with the page (no redirect to follow). Everything else goes through the page,
    CSRF-checked as usual."""
    if not is_one_click(request):
        return _unsubscribe_page(request, token)
    try:
        contact = services.contact_for_token(token)
    except ValidationError as error:
        return _refused(request, error)
    changed = services.unsubscribe(contact=contact)
    return render(
        request,
        "updates/unsubscribe.html",
        {"contact": contact, "posted": True, "changed": changed},
    )

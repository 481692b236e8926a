"""Contact moments, the follow-up list and relationships gone quiet."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.followups import followup_sections
from partners.forms.interactions import FollowUpFilter, InteractionForm
from partners.interaction_extensions import add_errors, save_with_extensions
from partners.models import Interaction, Organisation
from partners.selectors import interactions as selectors
from partners.services import interactions as services
from partners.services.next_steps import may_tick_off
from partners.tenancy import partnership_view
from sterk.lists import paginate
from sterk.redirects import safe_next

# The "later" group of the follow-up list shows this many, with the total.
LATER_LIMIT = 50

FORM_FIELDS = InteractionForm.Meta.fields


def _organisation_redirect(tenant, organisation):
    return redirect(
        "partners:organisation-detail", slug=tenant.partnership.slug, code=organisation.code
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def interaction_create(request, tenant, code):
    organisation = get_object_or_404(Organisation, partnership=tenant.partnership, code=code)
    form = InteractionForm(
        request.POST or None,
        partnership=tenant.partnership,
        organisation=organisation,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_with_extensions(
                form,
                save=lambda: services.interaction_create(
                    partnership=tenant.partnership,
                    organisation=organisation,
                    created_by=request.user,
                    **{field: form.cleaned_data[field] for field in FORM_FIELDS},
                ),
                user=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The contact moment with %(organisation)s was saved.")
                % {"organisation": organisation.name},
            )
            return _organisation_redirect(tenant, organisation)
    return render(
        request,
        "partners/interactions/interaction_form.html",
        {"tenant": tenant, "form": form, "organisation": organisation},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def interaction_update(request, tenant, code):
    interaction = get_object_or_404(
        Interaction.objects.select_related("organisation"),
        partnership=tenant.partnership,
        code=code,
    )
    organisation = interaction.organisation
    form = InteractionForm(
        request.POST or None,
        instance=interaction,
        partnership=tenant.partnership,
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_with_extensions(
                form,
                save=lambda: services.interaction_update(
                    interaction=interaction,
                    user=request.user,
                    **{field: form.cleaned_data[field] for field in FORM_FIELDS},
                ),
                user=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The contact moment with %(organisation)s was changed.")
                % {"organisation": organisation.name},
            )
            return _organisation_redirect(tenant, organisation)
    return render(
        request,
        "partners/interactions/interaction_form.html",
        {"tenant": tenant, "form": form, "organisation": organisation, "interaction": interaction},
    )


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def interaction_delete(request, tenant, code):
    interaction = get_object_or_404(
        Interaction.objects.select_related("organisation"),
        partnership=tenant.partnership,
        code=code,
    )
    organisation = interaction.organisation
    if request.method == "POST":
        services.interaction_delete(interaction=interaction)
        messages.success(
            request,
            _("The contact moment with %(organisation)s was deleted.")
            % {"organisation": organisation.name},
        )
        return _organisation_redirect(tenant, organisation)
    return render(
        request,
        "partners/interactions/interaction_confirm_delete.html",
        {"tenant": tenant, "interaction": interaction, "organisation": organisation},
    )


@partnership_view()
@require_POST
def next_step_done(request, tenant, code):
    """Mark a next step done in one click, or with `undo=1` open it again. Leaders and
    editors may for any next step, a viewer for one they own (`may_tick_off`)."""
    interaction = get_object_or_404(
        Interaction.objects.select_related("organisation", "next_step_owner"),
        partnership=tenant.partnership,
        code=code,
    )
    if not may_tick_off(tenant=tenant, user=request.user, interaction=interaction):
        raise PermissionDenied
    back = safe_next(request, reverse("partners:follow-up", args=[tenant.partnership.slug]))
    undo = request.POST.get("undo") == "1"
    try:
        if undo:
            services.next_step_reopen(interaction=interaction)
        else:
            services.next_step_mark_done(interaction=interaction, user=request.user)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if request.htmx:
        # `focus` puts autofocus on the row's status cell: htmx focuses it after the swap,
        # so a keyboard user keeps their place in the list.
        return render(
            request,
            "partners/interactions/partials/follow_up_row.html",
            {
                "tenant": tenant,
                "step": interaction,
                "today": timezone.localdate(),
                "next": back,
                "focus": True,
            },
        )
    done = _("Next step open again: %(step)s") if undo else _("Next step marked done: %(step)s")
    messages.success(request, done % {"step": interaction.next_step})
    return redirect(back)


@partnership_view()
def follow_up(request, tenant):
    today = timezone.localdate()
    filterset = FollowUpFilter(
        request.GET or None,
        queryset=selectors.open_next_steps(partnership=tenant.partnership),
        partnership=tenant.partnership,
    )
    steps = filterset.qs
    soon = today + datetime.timedelta(days=selectors.DUE_SOON_DAYS)
    later = steps.exclude(next_step_due__lte=soon)
    context = {
        "tenant": tenant,
        "filter": filterset,
        "today": today,
        "overdue": list(steps.filter(next_step_due__lt=today)),
        "due_soon": list(steps.filter(next_step_due__gte=today, next_step_due__lte=soon)),
        "later": list(later[:LATER_LIMIT]),
        "later_count": later.count(),
        "next": request.get_full_path(),
        "followup_sections": followup_sections(tenant=tenant, today=today, user=request.user),
    }
    return render(request, "partners/interactions/follow_up.html", context)


@partnership_view()
def gone_quiet(request, tenant):
    organisations = selectors.gone_quiet(partnership=tenant.partnership, today=timezone.localdate())
    page, query = paginate(request, organisations)
    return render(
        request,
        "partners/interactions/gone_quiet.html",
        {"tenant": tenant, "page": page, "query": query},
    )

""" "Done, plan the next": mark a next step done with its outcome and plan the next one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partners.forms.next_steps import NextStepPlanForm
from partners.models import Interaction
from partners.services.next_steps import next_step_done_and_plan
from partners.tenancy import partnership_view
from sterk.redirects import safe_next


def _add_service_error(form, error: ValidationError) -> None:
    """The service's errors on the form's fields, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


@partnership_view(need="write")
@require_http_methods(["GET", "POST"])
def next_step_plan(request, tenant, code):
    interaction = get_object_or_404(
        Interaction.objects.select_related("organisation", "next_step_owner", "next_step_done_by"),
        partnership=tenant.partnership,
        code=code,
    )
    back = safe_next(request, reverse("partners:follow-up", args=[tenant.partnership.slug]))
    form = NextStepPlanForm(request.POST or None, interaction=interaction)
    open_step = bool(interaction.next_step) and interaction.next_step_done_at is None
    if request.method == "POST" and open_step and form.is_valid():
        try:
            planned = next_step_done_and_plan(
                interaction=interaction, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_error(form, error)
            interaction.refresh_from_db(fields=["next_step_done_at", "next_step_done_by"])
            open_step = interaction.next_step_done_at is None
        else:
            messages.success(
                request,
                _("Marked done: %(done)s. Next step planned: %(next)s.")
                % {"done": interaction.next_step, "next": planned.next_step},
            )
            return redirect(back)
    return render(
        request,
        "partners/interactions/next_step_plan.html",
        {
            "tenant": tenant,
            "form": form,
            "step": interaction,
            "organisation": interaction.organisation,
            "open_step": open_step,
            "next": back,
        },
        # A second submit of the same form (a double click) finds the step done: 409.
        status=409 if request.method == "POST" and not open_step else 200,
    )

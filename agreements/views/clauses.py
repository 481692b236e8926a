"""Clause texts of the agreement: every member reads them, a project leader edits and
restores them (docs/rules.md §12)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from agreements import clauses as services
from partners.tenancy import partnership_view


class ClauseForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=services.MAX_CLAUSE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy("Paragraphs separated by an empty line."),
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            services.validate_clause_text(text)
        except ValidationError as error:
            raise ValidationError(error.message_dict["text"]) from None
        return text


def _clause(tenant, key):
    for clause in services.effective_clauses(partnership=tenant.partnership):
        if clause["key"] == key:
            return clause
    raise Http404


@partnership_view()
def clause_list(request, tenant):
    clause_list = services.effective_clauses(partnership=tenant.partnership)
    return render(
        request, "agreements/clauses/clause_list.html", {"tenant": tenant, "clauses": clause_list}
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def clause_edit(request, tenant, key):
    clause = _clause(tenant, key)
    form = ClauseForm(request.POST or None, initial={"text": clause["text"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.clause_save(
                partnership=tenant.partnership,
                key=key,
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The text of “%(title)s” was saved.") % {"title": clause["title"]}
            )
            return redirect("agreements:clause-list", slug=tenant.partnership.slug)
    placeholders = sorted(services.PLACEHOLDERS.items())
    return render(
        request,
        "agreements/clauses/clause_form.html",
        {"tenant": tenant, "form": form, "clause": clause, "placeholders": placeholders},
    )


@partnership_view(need="lead")
@require_POST
def clause_restore(request, tenant, key):
    clause = _clause(tenant, key)
    services.clause_restore(partnership=tenant.partnership, key=key)
    messages.success(
        request, _("The default text of “%(title)s” was restored.") % {"title": clause["title"]}
    )
    return redirect("agreements:clause-list", slug=tenant.partnership.slug)

"""Articles of the agreement: every member reads them; a project leader edits and restores
their texts, adds own articles, moves articles up and down, removes optional ones and takes
them back (docs/rules.md §12)."""

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


def _validated_text(text: str) -> str:
    try:
        services.validate_clause_text(text)
    except ValidationError as error:
        raise ValidationError(error.message_dict["text"]) from None
    return text


class ClauseForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=services.MAX_CLAUSE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy("Paragraphs separated by an empty line."),
    )

    def clean_text(self):
        return _validated_text(self.cleaned_data["text"])


class OwnArticleForm(ClauseForm):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=services.MAX_TITLE_LENGTH,
        strip=False,
    )

    field_order = ["title", "text"]

    def clean_title(self):
        try:
            return services.validate_title(self.cleaned_data["title"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["title"]) from None


def _add_service_error(form, error: ValidationError) -> None:
    """Show a service's refusal under its field when the form has it, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _clause(tenant, key):
    for clause in services.article_outline(partnership=tenant.partnership):
        if clause["key"] == key:
            return clause
    raise Http404


def _to_list(tenant):
    return redirect("agreements:clause-list", slug=tenant.partnership.slug)


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@partnership_view()
def clause_list(request, tenant):
    outline = services.article_outline(partnership=tenant.partnership)
    shown = [clause for clause in outline if not clause["is_removed"]]
    numbers = dict(
        zip(
            (clause["key"] for clause in shown),
            services.article_numbers(shown),
            strict=True,
        )
    )
    for index, clause in enumerate(shown):
        clause["number"] = numbers[clause["key"]]
        clause["is_first"] = index == 0
        clause["is_last"] = index == len(shown) - 1
    removed = [clause for clause in outline if clause["is_removed"]]
    return render(
        request,
        "agreements/clauses/clause_list.html",
        {"tenant": tenant, "clauses": shown, "removed": removed},
    )


def _placeholders():
    return sorted(services.PLACEHOLDERS.items())


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def clause_edit(request, tenant, key):
    clause = _clause(tenant, key)
    form_class = OwnArticleForm if clause["is_own"] else ClauseForm
    initial = {"text": clause["text"], "title": clause["title"]}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.clause_save(
                partnership=tenant.partnership,
                key=key,
                title=form.cleaned_data.get("title"),
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            title = form.cleaned_data.get("title") or clause["title"]
            messages.success(request, _("The text of “%(title)s” was saved.") % {"title": title})
            return _to_list(tenant)
    return render(
        request,
        "agreements/clauses/clause_form.html",
        {"tenant": tenant, "form": form, "clause": clause, "placeholders": _placeholders()},
    )


@partnership_view(need="lead")
@require_POST
def clause_restore(request, tenant, key):
    clause = _clause(tenant, key)
    if clause["is_own"]:
        raise Http404
    services.clause_restore(partnership=tenant.partnership, key=key)
    messages.success(
        request, _("The default text of “%(title)s” was restored.") % {"title": clause["title"]}
    )
    return _to_list(tenant)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def clause_add(request, tenant):
    form = OwnArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_add(
                partnership=tenant.partnership,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("The article “%(title)s” was added.") % {"title": article.title}
            )
            return _to_list(tenant)
    return render(
        request,
        "agreements/clauses/clause_form.html",
        {"tenant": tenant, "form": form, "clause": None, "placeholders": _placeholders()},
    )


@partnership_view(need="lead")
@require_POST
def clause_move(request, tenant, key):
    clause = _clause(tenant, key)
    direction = request.POST.get("direction", "")
    try:
        moved = services.article_move(
            partnership=tenant.partnership, key=key, direction=direction, user=request.user
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        if moved:
            messages.success(request, _("“%(title)s” was moved.") % {"title": clause["title"]})
        else:
            messages.info(
                request, _("“%(title)s” cannot move further.") % {"title": clause["title"]}
            )
    return _to_list(tenant)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def clause_remove(request, tenant, key):
    """Ask first; a POST leaves an optional default article out (it can come back)."""
    clause = _clause(tenant, key)
    error = None
    if clause["is_own"]:
        error = _("Delete your own article instead.")
    elif clause["is_required"]:
        error = _("“%(title)s” is a required article and cannot be removed.") % {
            "title": clause["title"]
        }
    if request.method == "POST":
        try:
            services.article_remove(partnership=tenant.partnership, key=key, user=request.user)
        except ValidationError as refused:
            _refused(request, refused)
        else:
            messages.success(
                request,
                _("“%(title)s” was removed from the agreement.") % {"title": clause["title"]},
            )
        return _to_list(tenant)
    return render(
        request,
        "agreements/clauses/clause_confirm.html",
        {"tenant": tenant, "clause": clause, "action": "remove", "error": error},
    )


@partnership_view(need="lead")
@require_POST
def clause_reinstate(request, tenant, key):
    clause = _clause(tenant, key)
    services.article_reinstate(partnership=tenant.partnership, key=key, user=request.user)
    messages.success(
        request, _("“%(title)s” is part of the agreement again.") % {"title": clause["title"]}
    )
    return _to_list(tenant)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def clause_delete(request, tenant, key):
    """Ask first; a POST deletes an own article for good."""
    clause = _clause(tenant, key)
    if not clause["is_own"]:
        raise Http404
    if request.method == "POST":
        services.article_delete(partnership=tenant.partnership, key=key)
        messages.success(
            request, _("The article “%(title)s” was deleted.") % {"title": clause["title"]}
        )
        return _to_list(tenant)
    return render(
        request,
        "agreements/clauses/clause_confirm.html",
        {"tenant": tenant, "clause": clause, "action": "delete", "error": None},
    )

"""Renewal for the next scheme period (docs/rules.md §26): a project leader makes the
partnership of the next period; this one becomes read-only history."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from agreements import renewal
from cofinancing.models import Scheme
from partners.tenancy import partnership_view


class RenewalForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label=gettext_lazy("Scheme of the next period"),
        queryset=Scheme.objects.order_by("start_year", "code"),
        empty_label=None,
    )
    name = forms.CharField(label=gettext_lazy("Name of the new partnership"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in addresses"),
        max_length=60,
        help_text=gettext_lazy("Lower-case letters, digits and hyphens; its own address /p/…/."),
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def renewal_page(request, tenant):
    partnership = tenant.partnership
    following = list(renewal.next_schemes(partnership))
    scheme = following[0] if following else None
    form = RenewalForm(
        request.POST or None,
        initial={
            "scheme": scheme,
            "name": partnership.name,
            "slug": renewal.default_slug(partnership, scheme),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            new, counts = renewal.partnership_renew(
                partnership=partnership,
                scheme=form.cleaned_data["scheme"],
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                user=request.user,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(None if field == "__all__" else field, problem)
        else:
            messages.success(
                request,
                _(
                    "%(name)s was made for %(start)s–%(end)s with %(organisations)s "
                    "organisations, %(contacts)s contacts, %(signatories)s signatories, "
                    "%(networks)s networks, %(goals)s goals and %(members)s members. The "
                    "previous period is kept as read-only history."
                )
                % {
                    "name": new.name,
                    "start": new.start_year,
                    "end": new.end_year,
                    "organisations": counts.organisations,
                    "contacts": counts.contacts,
                    "signatories": counts.signatories,
                    "networks": counts.networks,
                    "goals": counts.goals,
                    "members": counts.members,
                },
            )
            return redirect("dashboard", slug=new.slug)
    return render(
        request,
        "agreements/renewal.html",
        {"tenant": tenant, "form": form, "following": following},
    )

"""Deeds of accession (docs/rules.md §25): make one for a partner that joins after signing,
follow it, download it, withdraw it; and the agreement in force as one PDF."""

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.accession import selectors, services
from agreements.accession.recovery import is_stuck
from agreements.data import load_agreement_data
from agreements.models import AccessionStatus
from cofinancing.forms.statements import DeadlineForm, VoidForm
from partners.tenancy import partnership_view
from signing.models import SigningRound
from signing.selectors import round_status


class AccessionForm(DeadlineForm):
    organisation = forms.ChoiceField(label=gettext_lazy("Joining party"))
    message = forms.CharField(
        label=gettext_lazy("Message to the signers (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = choices
        self.order_fields(["organisation", "deadline", "message"])


def _candidates(partnership, force):
    with translation.override(settings.LANGUAGE_CODE):
        data = load_agreement_data(partnership=partnership)
    return services.candidates(data, force, selectors.live_accessions(partnership))


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def accession_create(request, tenant):
    partnership = tenant.partnership
    force = selectors.in_force(partnership)
    candidates = _candidates(partnership, force) if force else []
    ready = [c for c in candidates if c.ready]
    form = AccessionForm(
        request.POST or None,
        choices=[(c.party.key, c.party.organisation.name) for c in ready],
    )
    if request.method == "POST" and force is not None and form.is_valid():
        try:
            accession = services.accession_create(
                partnership=partnership,
                organisation_code=form.cleaned_data["organisation"],
                user=request.user,
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "Deed of accession no. %(number)s for %(name)s is being made; it is sent "
                    "for signing as soon as its PDF is ready."
                )
                % {"number": accession.number, "name": accession.organisation.name},
            )
            return redirect(
                "agreements:accession-detail", slug=partnership.slug, code=accession.code
            )
    return render(
        request,
        "agreements/accession/accession_form.html",
        {
            "tenant": tenant,
            "form": form,
            "in_force": force,
            "ready": ready,
            "not_ready": [c for c in candidates if not c.ready],
        },
    )


def _accession(tenant, code):
    return get_object_or_404(selectors.accessions_of(tenant.partnership), code=code)


@partnership_view()
@require_GET
def accession_detail(request, tenant, code):
    accession = _accession(tenant, code)
    rounds = (
        list(
            SigningRound.objects.filter(document_id=accession.document_id)
            .select_related("document", "sent_by")
            .order_by("-sent_at", "-pk")
        )
        if accession.document_id
        else []
    )
    signing_round = rounds[0] if rounds else None
    return render(
        request,
        "agreements/accession/accession_detail.html",
        {
            "tenant": tenant,
            "accession": accession,
            "joining": accession.snapshot.get("joining") or {},
            "penvoerder": accession.snapshot.get("penvoerder") or {},
            "acceded": accession.snapshot.get("agreement") or {},
            "signing": round_status(signing_round) if signing_round else None,
            "stuck": accession.status == AccessionStatus.MADE and is_stuck(accession),
        },
    )


@partnership_view()
@require_GET
def accession_download(request, tenant, code):
    accession = _accession(tenant, code)
    if not accession.pdf:
        raise Http404
    try:
        handle = accession.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = f"toetredingsverklaring-{tenant.partnership.slug}-{accession.number}.pdf"
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf")


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def accession_void(request, tenant, code):
    accession = _accession(tenant, code)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accession_void(
                accession=accession, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Deed of accession no. %(number)s was withdrawn.") % {"number": accession.number},
            )
        return redirect("agreements:accession-detail", slug=tenant.partnership.slug, code=code)
    return render(
        request,
        "agreements/accession/accession_void.html",
        {"tenant": tenant, "accession": accession, "form": form},
    )


@partnership_view(need="lead")
@require_POST
def accession_render(request, tenant, code):
    accession = _accession(tenant, code)
    try:
        asked = services.accession_render_again(accession=accession)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if asked:
            messages.success(request, _("The PDF is being made again."))
        else:
            messages.info(request, _("The PDF of this deed is already there."))
    return redirect("agreements:accession-detail", slug=tenant.partnership.slug, code=code)


@partnership_view()
@require_GET
def in_force_download(request, tenant):
    """The agreement in force as one PDF: the sealed agreement followed by its sealed deeds
    of accession. Each part keeps its own seal in its own file; joined, the seals no longer
    verify, so the page offers the parts too."""
    from pypdf import PdfWriter

    force = selectors.in_force(tenant.partnership)
    if force is None or not force.sealed:
        raise Http404
    writer = PdfWriter()
    parts = [force.round.final_pdf, *(force.rounds[a.pk].final_pdf for a in force.accessions)]
    try:
        for part in parts:
            with part.open("rb") as handle:
                writer.append(io.BytesIO(handle.read()))
    except FileNotFoundError as error:
        raise Http404 from error
    writer.add_metadata(
        {"/Title": f"Samenwerkingsovereenkomst {tenant.partnership.name}, zoals geldend"}
    )
    output = io.BytesIO()
    writer.write(output)
    output.seek(0)
    version = force.version.number
    name = f"samenwerkingsovereenkomst-{tenant.partnership.slug}-v{version}-geldend.pdf"
    return FileResponse(output, as_attachment=True, filename=name, content_type="application/pdf")

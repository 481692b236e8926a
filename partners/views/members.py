from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from outbox.selectors import delivery_status, undelivered_about
from partners.forms.members import AcceptInvitationForm, InvitationForm, RoleForm
from partners.models import Invitation, Membership
from partners.selectors.members import member_ownership
from partners.services import members as services
from partners.tenancy import partnership_view


@partnership_view()
def member_list(request, tenant):
    memberships = Membership.objects.filter(partnership=tenant.partnership).select_related("user")
    page = Paginator(memberships.order_by("user__email"), 50).get_page(request.GET.get("page"))
    invitations = list(
        Invitation.objects.filter(
            partnership=tenant.partnership, accepted_at=None, revoked_at=None
        ).select_related("invited_by")
    )
    undelivered = undelivered_about(Invitation, [invitation.pk for invitation in invitations])
    for invitation in invitations:
        invitation.undelivered_mail = undelivered.get(invitation.pk)
    return render(
        request,
        "partners/member_list.html",
        {
            "tenant": tenant,
            "page": page,
            "invitations": invitations,
            "withdraw": _invitation_to_withdraw(request, tenant, invitations),
        },
    )


def _invitation_to_withdraw(request, tenant, invitations):
    """The pending invitation named by `?withdraw=<code>`, whose withdrawal the page asks the
    leader to confirm (the confirmed form posts to invitation-revoke); None otherwise."""
    code = request.GET.get("withdraw", "")
    if not tenant.is_leader or not code:
        return None
    return next(
        (i for i in invitations if str(i.code) == code and i.status == "pending"),
        None,
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def invitation_create(request, tenant):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _link = services.invitation_create(
                partnership=tenant.partnership,
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _report_delivery(request, invitation)
            return redirect("partners:member-list", slug=tenant.partnership.slug)
    return render(request, "partners/invitation_form.html", {"tenant": tenant, "form": form})


def _report_delivery(request, invitation) -> None:
    """Say what became of the invitation's e-mail: sent, waiting, or refused for now."""
    status = delivery_status(invitation)
    if status == "sent":
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    elif status == "undelivered":
        messages.warning(
            request,
            _(
                "The invitation for %(email)s could not be e-mailed yet. Sterk tries again "
                "by itself; you see it under the pending invitations."
            )
            % {"email": invitation.email},
        )
    else:
        messages.success(
            request,
            _("Invitation for %(email)s made; the e-mail is on its way.")
            % {"email": invitation.email},
        )


@partnership_view(need="lead")
@require_POST
def invitation_revoke(request, tenant, code):
    invitation = get_object_or_404(Invitation, partnership=tenant.partnership, code=code)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("partners:member-list", slug=tenant.partnership.slug)


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def membership_update(request, tenant, code):
    membership = get_object_or_404(
        Membership.objects.select_related("user"), partnership=tenant.partnership, code=code
    )
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The role of %(user)s was changed.") % {"user": membership.user}
            )
            return redirect("partners:member-list", slug=tenant.partnership.slug)
    return render(
        request,
        "partners/membership_form.html",
        {"tenant": tenant, "form": form, "membership": membership},
    )


@partnership_view(need="lead")
@require_http_methods(["GET", "POST"])
def membership_delete(request, tenant, code):
    membership = get_object_or_404(
        Membership.objects.select_related("user"), partnership=tenant.partnership, code=code
    )
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(user)s is no longer a member of this partnership.")
                % {"user": membership.user},
            )
            if membership.user_id == request.user.pk:
                return redirect("home")
            return redirect("partners:member-list", slug=tenant.partnership.slug)
    owned = member_ownership(membership=membership)
    return render(
        request,
        "partners/membership_confirm_delete.html",
        {
            "tenant": tenant,
            "membership": membership,
            "error": error,
            "owned_organisations": owned.organisations.count(),
            "owned_next_steps": owned.open_next_steps.count(),
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationUnusable as unusable:
        return _invitation_unusable(request, unusable.reason)
    from accounts.models import User

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.pk != existing.pk:
            return _invitation_unusable(request, "other_account", invitation=invitation)
        if request.method == "POST":
            return _accept(request, token)
        return render(request, "partners/invitation_accept.html", {"invitation": invitation})

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        return _accept(
            request,
            token,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            password=form.cleaned_data["password1"],
        )
    return render(
        request, "partners/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def _accept(request, token, **account):
    try:
        user, partnership = services.invitation_accept(
            token=token,
            user=request.user if request.user.is_authenticated else None,
            **account,
        )
    except services.InvitationUnusable as unusable:
        return _invitation_unusable(request, unusable.reason)
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Welcome to %(partnership)s.") % {"partnership": partnership})
    return redirect("dashboard", slug=partnership.slug)


def _invitation_unusable(request, reason, invitation=None):
    status = 404 if reason == "unknown" else 403 if reason == "other_account" else 410
    return render(
        request,
        "partners/invitation_unusable.html",
        {"reason": reason, "invitation": invitation},
        status=status,
    )

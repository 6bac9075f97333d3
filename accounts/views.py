from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circular_cities.utils import add_service_errors, paginate

from . import services
from .forms import AcceptInvitationForm, InvitationForm
from .permissions import can_invite, can_invite_to
from .selectors import invitation_get_for_user_or_404, invitation_list_for_user


@login_required
def invitation_list(request):
    if not can_invite(request.user):
        raise PermissionDenied
    page = paginate(request, invitation_list_for_user(user=request.user))
    return render(request, "accounts/invitation_list.html", {"page": page})


@login_required
def invitation_create(request):
    if not can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = data["programme"] or (data["participation"].cohort.programme if data["participation"] else None)
        if not can_invite_to(request.user, role=data["role"], programme_id=programme.pk if programme else None,
                             municipality_id=data["municipality"].pk if data["municipality"] else None):
            raise PermissionDenied
        try:
            invitation, _token = services.invitation_create(invited_by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:invitation-list")
    return render(request, "accounts/invitation_form.html", {"form": form})


@require_POST
@login_required
def invitation_revoke(request, pk):
    invitation = invitation_get_for_user_or_404(user=request.user, pk=pk)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return redirect("accounts:invitation-list")


@require_POST
@login_required
def invitation_resend(request, pk):
    invitation = invitation_get_for_user_or_404(user=request.user, pk=pk)
    try:
        services.invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    return redirect("accounts:invitation-list")


def invitation_accept(request, token):
    """Public: the link from the e-mail. Unusable links get a page that says why, never an error."""
    invitation = services.invitation_get_by_token(token)
    try:
        services.invitation_check_usable(invitation)
    except services.InvitationUnusable as unusable:
        return render(request, "accounts/invitation_unusable.html", {"reason": unusable.reason}, status=410
                      if unusable.reason in ("expired", "accepted", "revoked") else 404)
    existing = services.User.objects.filter(email__iexact=invitation.email).exists()
    if existing:
        if not request.user.is_authenticated:
            messages.info(request, _("You already have an account. Log in to accept the invitation."))
            return redirect(f"{_login_url()}?next={request.path}")
        if request.method == "POST":
            try:
                services.invitation_accept(token=token, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("home")
            messages.success(request, _("Welcome! Your new role is ready."))
            return redirect("home")
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "existing": True})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email,
                                initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, full_name=form.cleaned_data["full_name"],
                                              password=form.cleaned_data["password1"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Circular Cities, %(name)s!") % {"name": user.get_short_name()})
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


@require_POST
def set_language(request):
    """Switch language (cookie), remember it on the account, and go back where the person was."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    from django.conf import settings

    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                            samesite="Lax", secure=request.is_secure())
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
    return response


def _login_url():
    from django.urls import reverse

    return reverse("account_login")

from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circular_cities.downloads import download_filename, name_download
from circular_cities.utils import add_service_errors, paginate
from municipalities.permissions import can_manage_follow_group, can_manage_team, can_view_follow_group
from municipalities.selectors import participation_get_for_user_or_404
from programmes.selectors import programme_get_for_user_or_404

from . import gdpr, services
from .forms import (
    AcceptInvitationForm,
    DeletionRequestForm,
    InvitationForm,
    PoliticianForm,
    PoliticianInviteForm,
    TeamMemberForm,
    TeamMemberInviteForm,
)
from .models import Role
from .permissions import can_invite, can_invite_to
from .selectors import (
    follow_group_invitations,
    follow_group_member_get_or_404,
    follow_group_members,
    invitation_get_for_user_or_404,
    invitation_list_for_user,
    team_invitations,
    team_member_get_or_404,
    team_members,
)
from .sessions import end_sessions


@login_required
def invitation_list(request):
    if not can_invite(request.user):
        raise PermissionDenied
    page = paginate(request, invitation_list_for_user(user=request.user))
    return render(request, "accounts/invitation_list.html", {"page": page})


def _invitation_initial(query) -> dict:
    """What a link may fill in ("Invite an advisor" on a municipality's advisor page): the role, and the
    programme, municipality or municipality in the programme by id. Only choices the form offers the person
    show as chosen; anything else is ignored."""
    initial = {}
    if query.get("role") in Role.values:
        initial["role"] = query["role"]
    for name in ("programme", "participation", "municipality"):
        value = query.get(name, "")
        if value.isascii() and value.isdigit() and len(value) < 19:
            initial[name] = int(value)
    return initial


@login_required
def invitation_create(request):
    if not can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, user=request.user, initial=_invitation_initial(request.GET))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not can_invite_to(request.user, role=data["role"],
                             programme_id=data["programme"].pk if data["programme"] else None,
                             participation=data["participation"]):
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


def _after_accepting(request, invitation) -> str:
    """The page the accepted invitation leads to: the one the inviting app asked for (an external reviewer's
    reviews), if it is on this site, else the home page."""
    if invitation.next_url and url_has_allowed_host_and_scheme(
            invitation.next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return invitation.next_url
    return reverse("home")


def invitation_accept(request, token):
    """Public: the link from the e-mail. Unusable links get a page that says why, never an error."""
    invitation = services.invitation_get_by_token(token)
    if invitation and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.user.is_authenticated:
        # A first visit from the e-mail: speak the language the invitation was written in.
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language
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
            messages.success(request, _("Welcome! Your new role is ready.") if invitation.role
                             else _("Welcome! The invitation is accepted."))
            return redirect(_after_accepting(request, invitation))
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
            return redirect(_after_accepting(request, invitation))
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
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                            samesite="Lax", secure=request.is_secure())
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
    return response


def _login_url():
    from django.urls import reverse

    return reverse("account_login")


# --- The cross-departmental team (shown on the municipality's participation page) -------------

def team_context(user, participation, **extra) -> dict:
    """What the team section of a participation page shows."""
    can_manage = can_manage_team(user, participation)
    context = {
        "participation": participation,
        "team_members": team_members(participation=participation),
        "team_invitations": team_invitations(participation=participation) if can_manage else [],
        "can_manage_team": can_manage,
        "invite_form": TeamMemberInviteForm(prefix="invite") if can_manage else None,
        "editing_member": None,
    }
    context.update(extra)
    return context


def _team_participation(request, pk):
    """The participation whose team is managed: 404 if hidden from the person, 403 if they may not manage."""
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    if not can_manage_team(request.user, participation):
        raise PermissionDenied
    return participation


def _team_response(request, participation, notice="", **extra):
    if request.htmx:
        return render(request, "accounts/team.html#team",
                      team_context(request.user, participation, team_notice=notice, **extra))
    if notice:
        messages.success(request, notice)
    return redirect(participation.get_absolute_url() + "#team")


@login_required
def team_invite(request, pk):
    participation = _team_participation(request, pk)
    form = TeamMemberInviteForm(request.POST or None, prefix="invite")
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.team_member_invite(participation=participation,
                                                             invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _team_response(request, participation, _("Invitation sent to %(email)s.") % {
                "email": invitation.email})
    if request.htmx:
        return render(request, "accounts/team.html#team",
                      team_context(request.user, participation, invite_form=form, invite_open=True))
    return render(request, "accounts/team_invite.html", {"participation": participation, "form": form})


@login_required
def team_member_edit(request, pk, member_pk):
    participation = _team_participation(request, pk)
    member = team_member_get_or_404(participation=participation, pk=member_pk)
    form = TeamMemberForm(request.POST or None, prefix="member", initial={"department": member.department,
                                                         "responsibility": member.responsibility})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_update(member=member, participation=participation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _team_response(request, participation, _("%(person)s's details were saved.") % {
                "person": member.user})
    if request.htmx:
        return render(request, "accounts/team.html#team", team_context(
            request.user, participation, editing_member=member.pk, member_form=form))
    return render(request, "accounts/team_member_form.html",
                  {"participation": participation, "member": member, "form": form})


@require_POST
@login_required
def team_member_remove(request, pk, member_pk):
    participation = _team_participation(request, pk)
    member = team_member_get_or_404(participation=participation, pk=member_pk)
    try:
        services.team_member_remove(member=member, by=request.user, participation=participation)
    except ValidationError as error:
        if request.htmx:
            return render(request, "accounts/team.html#team",
                          team_context(request.user, participation, team_error=" ".join(error.messages)))
        messages.error(request, " ".join(error.messages))
        return redirect(participation.get_absolute_url() + "#team")
    return _team_response(request, participation, _("%(person)s was removed from the team.") % {
        "person": member.user})


# --- The political follow-group of a programme ------------------------------------------------

def _follow_group_programme(request, slug):
    """The programme whose follow-group is shown: 404 for people outside the programme."""
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_view_follow_group(request.user, programme):
        raise Http404
    return programme


def _require_follow_group_manager(request, programme):
    if not can_manage_follow_group(request.user, programme):
        raise PermissionDenied


def follow_group_context(request, programme, **extra) -> dict:
    can_manage = can_manage_follow_group(request.user, programme)
    context = {
        "programme": programme,
        # Edits post the page number back, so the list stays where the person was.
        "page": Paginator(follow_group_members(programme=programme), 25).get_page(
            request.POST.get("page") or request.GET.get("page")),
        "invitations": follow_group_invitations(programme=programme) if can_manage else [],
        "can_manage": can_manage,
        "editing_member": None,
    }
    context.update(extra)
    return context


def _follow_group_response(request, programme, notice="", **extra):
    if request.htmx:
        return render(request, "accounts/follow_group.html#members",
                      follow_group_context(request, programme, notice=notice, **extra))
    if notice:
        messages.success(request, notice)
    url = reverse("accounts:follow-group", args=[programme.slug])
    page = request.POST.get("page") or request.GET.get("page")
    return redirect(f"{url}?page={page}" if page and page.isdigit() else url)


@login_required
def follow_group(request, slug):
    programme = _follow_group_programme(request, slug)
    return render(request, "accounts/follow_group.html", follow_group_context(request, programme))


@login_required
def follow_group_invite(request, slug):
    programme = _follow_group_programme(request, slug)
    _require_follow_group_manager(request, programme)
    form = PoliticianInviteForm(request.POST or None, programme=programme,
                                initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.politician_invite(programme=programme, invited_by=request.user,
                                                            **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:follow-group", programme.slug)
    return render(request, "accounts/follow_group_invite.html", {"programme": programme, "form": form})


@login_required
def follow_group_edit(request, slug, member_pk):
    programme = _follow_group_programme(request, slug)
    member = follow_group_member_get_or_404(programme=programme, pk=member_pk)
    _require_follow_group_manager(request, programme)
    form = PoliticianForm(request.POST or None, programme=programme, initial={
        "municipality": member.municipality_id, "position": member.position, "starts_on": member.starts_on,
        "ends_on": member.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.politician_update(member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _follow_group_response(request, programme, _("%(person)s's membership was saved.") % {
                "person": member.user})
    if request.htmx:
        return render(request, "accounts/follow_group.html#members", follow_group_context(
            request, programme, editing_member=member.pk, member_form=form))
    return render(request, "accounts/follow_group_member_form.html",
                  {"programme": programme, "member": member, "form": form})


@require_POST
@login_required
def follow_group_end(request, slug, member_pk):
    programme = _follow_group_programme(request, slug)
    member = follow_group_member_get_or_404(programme=programme, pk=member_pk)
    _require_follow_group_manager(request, programme)
    try:
        services.politician_end(member=member)
    except ValidationError as error:
        if request.htmx:
            return render(request, "accounts/follow_group.html#members",
                          follow_group_context(request, programme, error=" ".join(error.messages)))
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:follow-group", programme.slug)
    return _follow_group_response(request, programme, _("%(person)s's membership ended on %(day)s.") % {
        "person": member.user, "day": member.ends_on.strftime("%d.%m.%Y")})


# --- Personal data, deletion requests, sessions (GDPR) ---------------------------------------------------

@login_required
def my_data(request):
    """The person's own data, readable; ``?download=1`` saves the same page as a file."""
    data = gdpr.personal_data(request.user)
    sections = [
        {**section, "cells": [[_readable(row[c["name"]]) for c in section["columns"]] for row in section["rows"]]}
        for section in data["sections"] if section["rows"]
    ]
    empty = [section["title"] for section in data["sections"] if not section["rows"]]
    context = {"data": data, "person": data["person"], "sections": sections, "empty_sections": empty,
               "open_request": gdpr.open_deletion_request(request.user), "download": "download" in request.GET}
    response = render(request, "accounts/my_data.html", context)
    if context["download"]:
        name_download(response, _my_data_filename("html"))
    return response


def _readable(value):
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "d.m.Y H:i")
    if isinstance(value, date):
        return date_format(value, "d.m.Y")
    return value


@login_required
def my_data_json(request):
    response = JsonResponse(gdpr.personal_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2})
    return name_download(response, _my_data_filename("json"))


def _my_data_filename(extension: str) -> str:
    """``mine-data-cirkulære-byer.json`` in Danish, ``my-data-circular-cities.json`` in English."""
    return download_filename(_("My data"), _("Circular Cities"), extension=extension)


@login_required
def deletion_request(request):
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        gdpr.deletion_request_create(user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your request was sent. An administrator will erase your personal data and "
                                    "tell you when it is done."))
        return redirect("accounts:my-data")
    return render(request, "accounts/deletion_request.html",
                  {"form": form, "open_request": gdpr.open_deletion_request(request.user)})


@require_POST
@login_required
def logout_everywhere(request):
    """End every session of the person, this one included."""
    end_sessions(request.user)
    auth_logout(request)
    messages.success(request, _("You were logged out on every device."))
    return redirect("account_login")


def privacy(request):
    """Public: who holds which personal data, why, for how long, and the person's rights."""
    return render(request, "accounts/privacy.html", {"retention": gdpr.retention_periods(),
                                                    "controller": gdpr.controller()})

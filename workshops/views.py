"""Meeting screens. Thin: parse input → selector (404) → predicate (403) → one service → page or htmx partial.

Two views are reached without a session: the personal calendar feed (calendar apps fetch it; the secret
token in the URL is the key) and the answer link from the invitation e-mail (a signed, per-invitee token).
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from circular_cities.dates import EARLIEST, LATEST
from circular_cities.downloads import download_filename, download_response, name_download
from circular_cities.utils import add_service_errors, paginate
from programmes.models import Participation
from programmes.selectors import programme_get_for_user_or_404

from . import services
from .forms import (
    ActionItemForm,
    AgendaFormSet,
    AnswerForm,
    AttendanceForm,
    CancelForm,
    DecisionForm,
    InviteForm,
    MaterialForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    MonthForm,
    SkillAssessmentForm,
    agenda_initial,
    agenda_items,
)
from .ics import feed_ics, meeting_ics
from .models import ActionItem, Decision, Material, Meeting, MeetingInvitation, SkillAssessment
from .permissions import (
    can_answer_invitation,
    can_assess_skills,
    can_create_meeting,
    can_organise_meeting,
    can_view_meeting,
    can_view_skills,
)
from .selectors import (
    active_feed,
    answer_counts,
    assessing_participation,
    audience_choices,
    default_month,
    feed_meetings,
    invitation_of,
    meeting_actions,
    meeting_decisions,
    meeting_detail,
    meeting_get_for_user_or_404,
    meeting_invitations,
    meeting_list,
    meeting_people,
    month_grid,
    my_invitations_by_meeting,
    my_meetings,
    own_assessments,
    programmes_with_calendar,
    skills_overview,
)
from .skills_chart import build_skills_charts, legend

ICS_TYPE = "text/calendar; charset=utf-8"


def _organiser_or_403(request, pk) -> Meeting:
    meeting = meeting_get_for_user_or_404(user=request.user, pk=pk)
    if not can_organise_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


def _programme_context(request, programme, section: str) -> dict:
    return {"programme": programme, "section": section,
            "can_create": can_create_meeting(request.user, programme),
            "can_assess": can_assess_skills(request.user, programme),
            "kinds": Meeting.Kind.choices, "response_labels": MeetingInvitation.Response.choices}


# --- My meetings and the personal feed ----------------------------------------------------------------------

def _mine_context(request, *, feed_url: str = "") -> dict:
    user = request.user
    now = timezone.now()
    upcoming = list(my_meetings(user=user).filter(ends_at__gt=now).order_by("starts_at", "pk")[:50])
    past = paginate(request, my_meetings(user=user).filter(ends_at__lte=now).order_by("-starts_at", "-pk"), 20)
    invitations = my_invitations_by_meeting(user=user, meetings=upcoming)
    for meeting in upcoming:
        meeting.my_invitation = invitations.get(meeting.pk)
    return {"upcoming": upcoming, "page": past, "feed": active_feed(user=user), "feed_url": feed_url,
            "programmes": list(programmes_with_calendar(user=user))}


@login_required
def mine(request):
    """The person's own meetings: answer the upcoming ones, read the past ones, subscribe in a calendar app."""
    return render(request, "workshops/my_meetings.html", _mine_context(request))


@require_POST
@login_required
def feed_create(request):
    """A new secret link (the old one stops working). Shown once: only its hash is stored."""
    _feed, token = services.feed_create(user=request.user)
    feed_url = request.build_absolute_uri(reverse("workshops:feed", args=[token]))
    context = _mine_context(request, feed_url=feed_url)
    if request.htmx:
        return render(request, "workshops/my_meetings.html#feed-panel", context)
    return render(request, "workshops/my_meetings.html", context)


@require_POST
@login_required
def feed_revoke(request):
    services.feed_revoke(user=request.user)
    messages.success(request, _("Your calendar link was revoked. Calendar apps using it get no more updates."))
    return redirect("workshops:mine")


@require_GET
@never_cache
def feed(request, token):
    """The subscription feed. A wrong or revoked token is a plain 404: nothing says why."""
    user = services.feed_user_by_token(token)
    if user is None:
        raise Http404
    with translation.override(user.language or "da"):
        body = feed_ics(feed_meetings(user=user), name=_("Circular Cities — %(name)s") % {"name": user})
        filename = download_filename(_("Circular Cities"), extension="ics")
    response = download_response(body, filename=filename, content_type=ICS_TYPE, attachment=False)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Programme calendar ---------------------------------------------------------------------------------------

@login_required
def meeting_list_view(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    filters = MeetingFilterForm(request.GET or None)
    kind = when = ""
    if filters.is_valid():
        kind, when = filters.cleaned_data["kind"], filters.cleaned_data["when"]
    query = urlencode({k: v for k, v in (("kind", kind), ("when", when)) if v})
    context = {**_programme_context(request, programme, "list"), "filters": filters, "query": query}

    def build() -> dict:
        return {**context, "page": paginate(
            request, meeting_list(user=request.user, programme=programme, kind=kind, when=when), 20)}

    if request.htmx:
        return render(request, "workshops/meeting_list.html#results", build())
    return render(request, "workshops/meeting_list.html", {**context, **build()})


def _shift(month: date, delta: int) -> date | None:
    """The month ``delta`` months away, or None past the calendar's window (2000–2099)."""
    index = month.year * 12 + month.month - 1 + delta
    shifted = date(index // 12, index % 12 + 1, 1)
    return shifted if EARLIEST <= shifted <= LATEST else None


def _month_query(month: date | None, query_kind: dict) -> str:
    return urlencode({"month": month.strftime("%Y-%m"), **query_kind}) if month else ""


@login_required
def calendar_month(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    form = MonthForm(request.GET or None)
    month, kind, refused = None, "", False
    if form.is_valid():
        month, kind = form.cleaned_data["month"], form.cleaned_data["kind"]
    elif form.is_bound:
        # A month the calendar cannot show (year 0001, 9999, not a month at all): say so, show the default.
        refused = "month" in form.errors
        kind = form.cleaned_data.get("kind", "")
    month = (month or default_month(programme)).replace(day=1)
    query_kind = {"kind": kind} if kind else {}
    context = {
        **_programme_context(request, programme, "calendar"),
        "month": month, "kind": kind, "form": form,
        "weeks": month_grid(user=request.user, programme=programme, year=month.year, month=month.month, kind=kind),
        "prev_query": _month_query(_shift(month, -1), query_kind),
        "next_query": _month_query(_shift(month, 1), query_kind),
        "today_query": urlencode({"month": timezone.localdate().strftime("%Y-%m"), **query_kind}),
    }
    status = 400 if refused else 200
    if refused:
        context["month_refused"] = _("The calendar shows months from %(earliest)s to %(latest)s. Here is %(month)s "
                                     "instead.") % {"earliest": EARLIEST.strftime("%m.%Y"),
                                                    "latest": LATEST.strftime("%m.%Y"),
                                                    "month": month.strftime("%m.%Y")}
    if request.htmx:
        return render(request, "workshops/calendar_month.html#calendar-grid", context, status=status)
    return render(request, "workshops/calendar_month.html", context, status=status)


# --- One meeting --------------------------------------------------------------------------------------------

@login_required
def meeting_detail_view(request, pk):
    meeting = meeting_get_for_user_or_404(user=request.user, pk=pk)

    def build() -> dict:
        context = meeting_detail(user=request.user, meeting=meeting)
        context["answer_form"] = AnswerForm(initial={"response": getattr(context["invitation"], "response", None)})
        context["cancel_form"] = CancelForm()
        return context

    return render(request, "workshops/meeting_detail.html", {"meeting": meeting, **build()})


def _meeting_form_page(request, programme, form, agenda, meeting=None):
    return render(request, "workshops/meeting_form.html", {
        **_programme_context(request, programme, "list"), "form": form, "agenda": agenda, "meeting": meeting})


@login_required
def meeting_create(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_create_meeting(request.user, programme):
        raise PermissionDenied
    cohorts, participations = audience_choices(programme=programme)
    initial = {"audience": f"cohort-{cohorts[0].pk}" if len(cohorts) == 1 else "programme"}
    if request.GET.get("kind") in Meeting.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = MeetingForm(request.POST or None, cohorts=cohorts, participations=participations, initial=initial)
    agenda = AgendaFormSet(request.POST or None, prefix="agenda")
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        try:
            meeting = services.meeting_create(programme=programme, by=request.user, agenda=agenda_items(agenda),
                                              **form.meeting_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting was scheduled. Now invite the people who should come."))
            return redirect("workshops:invite", meeting.pk)
    return _meeting_form_page(request, programme, form, agenda)


@login_required
def meeting_edit(request, pk):
    meeting = _organiser_or_403(request, pk)
    if meeting.is_cancelled:
        messages.error(request, _("The meeting was cancelled and can no longer be changed."))
        return redirect(meeting)
    cohorts, participations = audience_choices(programme=meeting.programme)
    form = MeetingForm(request.POST or None, cohorts=cohorts, participations=participations,
                       initial=MeetingForm.initial_from(meeting))
    agenda = AgendaFormSet(request.POST or None, prefix="agenda", initial=agenda_initial(meeting))
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        try:
            updated = services.meeting_update(meeting=meeting, by=request.user, agenda=agenda_items(agenda),
                                              **form.meeting_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if updated.sequence != meeting.sequence and not updated.is_past:
                messages.success(request, _("The meeting was moved. The invitees get the new time and place."))
            else:
                messages.success(request, _("The meeting was saved."))
            return redirect(updated)
    return _meeting_form_page(request, meeting.programme, form, agenda, meeting)


@require_POST
@login_required
def meeting_cancel(request, pk):
    meeting = _organiser_or_403(request, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.meeting_cancel(meeting=meeting, by=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The meeting was cancelled. The invitees are told, and their calendars "
                                    "updated."))
    return redirect(meeting)


@login_required
def meeting_ics_view(request, pk):
    meeting = meeting_get_for_user_or_404(user=request.user, pk=pk)
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return download_response(meeting_ics(meeting, attendee=request.user), content_type=ICS_TYPE,
                             filename=download_filename(meeting.title[:60] or _("meeting"), day, extension="ics"))


# --- Invitations and answers --------------------------------------------------------------------------------

@login_required
def invite(request, pk):
    meeting = _organiser_or_403(request, pk)
    cohorts, participations = audience_choices(programme=meeting.programme)
    people = meeting_people(meeting=meeting)
    participation_qs = Participation.objects.filter(pk__in=[p.pk for p in participations]).select_related(
        "municipality").order_by("municipality__name")
    cohort_qs = meeting.programme.cohorts.order_by("starts_on", "name")
    form = InviteForm(request.POST or None, cohorts=cohort_qs, participations=participation_qs, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.meeting_invite(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if count:
                messages.success(request, ngettext("%(count)d person was invited.", "%(count)d people were invited.",
                                                  count) % {"count": count})
            else:
                messages.info(request, _("Everybody you chose was already invited."))
            return redirect(reverse("workshops:invite", args=[meeting.pk]))
    return render(request, "workshops/invite_form.html", {
        "meeting": meeting, "form": form, "invitations": list(meeting_invitations(meeting=meeting)),
        "counts": answer_counts(meeting)})


@require_POST
@login_required
def invitation_remove(request, pk):
    invitation = get_object_or_404(MeetingInvitation.objects.select_related("meeting", "user"), pk=pk)
    meeting = _organiser_or_403(request, invitation.meeting_id)
    services.invitation_remove(invitation=invitation)
    messages.success(request, _("%(person)s is no longer invited.") % {"person": invitation.user})
    return redirect(reverse("workshops:invite", args=[meeting.pk]))


def _answer_context(meeting, invitation, form, notice=""):
    return {"meeting": meeting, "invitation": invitation, "answer_form": form, "can_answer": True,
            "counts": answer_counts(meeting), "notice": notice}


@require_POST
@login_required
def answer(request, pk):
    """Yes / no / maybe from the meeting page (htmx swaps the answer box; without JS a redirect)."""
    meeting = meeting_get_for_user_or_404(user=request.user, pk=pk)
    invitation = invitation_of(meeting=meeting, user=request.user)
    if not can_answer_invitation(request.user, invitation):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    notice = ""
    if form.is_valid():
        try:
            invitation = services.invitation_answer(invitation=invitation, response=form.cleaned_data["response"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = _("Thank you. Your answer is “%(answer)s”.") % {"answer": invitation.get_response_display()}
            if not request.htmx:
                messages.success(request, notice)
                return redirect(_next_or(request, meeting.get_absolute_url()))
    if request.htmx:
        return render(request, "workshops/meeting_detail.html#answer",
                      _answer_context(meeting, invitation, form, notice))
    for error in form.non_field_errors() + form.errors.get("response", []):
        messages.error(request, error)
    return redirect(_next_or(request, meeting.get_absolute_url()))


def _next_or(request, fallback: str) -> str:
    """Back to the page the answer was given on (the meeting or "my meetings"), if it is ours."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return next_url
    return fallback


@never_cache
def answer_link(request, token):
    """The answer link from the e-mail: no login needed, the signed token names the invitation. Opening it
    only shows the choice (mail scanners follow links); the answer is saved by the button. An expired link
    (meeting over, invitation withdrawn, person deactivated) shows only a message: nothing of the meeting."""
    invitation = services.invitation_from_rsvp_token(token)
    if invitation is None:
        forged = services.rsvp_token_invitation_id(token) is None
        return render(request, "workshops/answer_link_expired.html", status=404 if forged else 410)
    meeting = invitation.meeting
    initial = request.GET.get("answer") or invitation.response
    form = AnswerForm(request.POST or None, initial={"response": initial})
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_answer(invitation=invitation, response=form.cleaned_data["response"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            saved = True
    return render(request, "workshops/answer_link.html", {
        "meeting": meeting, "invitation": invitation, "form": form, "saved": saved,
        "closed": meeting.is_cancelled or meeting.has_started})


# --- Attendance and minutes ---------------------------------------------------------------------------------

@login_required
def attendance(request, pk):
    meeting = _organiser_or_403(request, pk)
    invitations = meeting_invitations(meeting=meeting)
    people = meeting_people(meeting=meeting).exclude(meeting_invitations__meeting=meeting)
    initial = {"attended": [i for i in invitations if i.attended]}
    if not any(i.attended is not None for i in invitations):
        initial["attended"] = [i for i in invitations if i.response == MeetingInvitation.Response.YES]
    form = AttendanceForm(request.POST or None, invitations=invitations, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            came = services.attendance_record(
                meeting=meeting, by=request.user, attended_user_ids=[i.user_id for i in form.cleaned_data["attended"]],
                walk_ins=list(form.cleaned_data["walk_ins"]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, ngettext("Attendance saved: %(count)d person came.",
                                                  "Attendance saved: %(count)d people came.", came) % {"count": came})
            return redirect(meeting)
    return render(request, "workshops/attendance_form.html", {"meeting": meeting, "form": form})


def _minutes_context(request, meeting, **forms) -> dict:
    people = meeting_people(meeting=meeting)
    return {
        "meeting": meeting,
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "action_form": forms.get("action_form") or ActionItemForm(people=people),
        "decisions": list(meeting_decisions(meeting)), "actions": list(meeting_actions(meeting)),
        "notice": forms.get("notice", ""), "problem": forms.get("problem", ""),
    }


@login_required
def minutes(request, pk):
    """Write the minutes; decisions and actions are added on the same page, then everything is published."""
    meeting = _organiser_or_403(request, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(meeting=meeting, by=request.user, minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect(reverse("workshops:minutes", args=[meeting.pk]))
    return render(request, "workshops/minutes_form.html", _minutes_context(request, meeting, minutes_form=form))


@require_POST
@login_required
def minutes_publish(request, pk):
    meeting = _organiser_or_403(request, pk)
    try:
        services.minutes_publish(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("workshops:minutes", args=[meeting.pk]))
    messages.success(request, _("The minutes were published to everybody invited."))
    return redirect(meeting)


def _list_response(request, meeting, fragment: str, **forms):
    if request.htmx:
        return render(request, f"workshops/minutes_form.html#{fragment}", _minutes_context(request, meeting, **forms))
    return redirect(reverse("workshops:minutes", args=[meeting.pk]) + f"#{fragment}")


@require_POST
@login_required
def decision_add(request, pk):
    meeting = _organiser_or_403(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_add(meeting=meeting, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _list_response(request, meeting, "decisions", notice=_("The decision was added."))
    if request.htmx:
        return _list_response(request, meeting, "decisions", decision_form=form)
    return render(request, "workshops/minutes_form.html", _minutes_context(request, meeting, decision_form=form),
                  status=200)


@require_POST
@login_required
def decision_delete(request, pk):
    decision = get_object_or_404(Decision, pk=pk)
    meeting = _organiser_or_403(request, decision.meeting_id)
    services.decision_delete(decision=decision)
    return _list_response(request, meeting, "decisions", notice=_("The decision was removed."))


@require_POST
@login_required
def action_add(request, pk):
    meeting = _organiser_or_403(request, pk)
    form = ActionItemForm(request.POST, people=meeting_people(meeting=meeting))
    if form.is_valid():
        try:
            services.action_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _list_response(request, meeting, "actions", notice=_("The action item was added."))
    if request.htmx:
        return _list_response(request, meeting, "actions", action_form=form)
    return render(request, "workshops/minutes_form.html", _minutes_context(request, meeting, action_form=form))


@require_POST
@login_required
def action_delete(request, pk):
    action = get_object_or_404(ActionItem, pk=pk)
    meeting = _organiser_or_403(request, action.meeting_id)
    services.action_delete(action=action)
    return _list_response(request, meeting, "actions", notice=_("The action item was removed."))


@require_POST
@login_required
def action_milestone(request, pk):
    action = get_object_or_404(ActionItem.objects.select_related("meeting", "owner"), pk=pk)
    meeting = _organiser_or_403(request, action.meeting_id)
    action.meeting = meeting
    try:
        services.action_make_milestone(action=action)
    except ValidationError as error:
        problem = " ".join(error.messages)
        if not request.htmx:
            messages.error(request, problem)
        return _list_response(request, meeting, "actions", problem=problem)
    return _list_response(request, meeting, "actions", notice=_("The action item is now a milestone of the programme."))


# --- Materials ----------------------------------------------------------------------------------------------

@login_required
def material_add(request, pk):
    meeting = _organiser_or_403(request, pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_add(meeting=meeting, by=request.user, upload=form.cleaned_data["file"],
                                             title=form.cleaned_data["title"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was added to the meeting.") % {"title": material.title})
            return redirect(meeting.get_absolute_url() + "#materials")
    return render(request, "workshops/material_form.html", {"meeting": meeting, "form": form})


@login_required
def material_download(request, pk):
    """Private files: only after the same check as the meeting itself. Images inline, documents as downloads."""
    material = get_object_or_404(Material.objects.select_related("meeting"), pk=pk)
    if not can_view_meeting(request.user, material.meeting):
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=material.content_type)
    # the name it was uploaded with, æøå kept, with an ASCII fallback (circular_cities/downloads.py)
    name_download(response, material.original_name, attachment=material.kind != Material.Kind.IMAGE)
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@require_POST
@login_required
def material_delete(request, pk):
    material = get_object_or_404(Material, pk=pk)
    meeting = _organiser_or_403(request, material.meeting_id)
    services.material_delete(material=material)
    messages.success(request, _("“%(title)s” was removed.") % {"title": material.title})
    return redirect(meeting.get_absolute_url() + "#materials")


# --- Skills -------------------------------------------------------------------------------------------------

@login_required
def skills(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_view_skills(request.user, programme):
        raise Http404
    groups = skills_overview(user=request.user, programme=programme)
    return render(request, "workshops/skills.html", {
        **_programme_context(request, programme, "skills"), "groups": groups,
        "charts": build_skills_charts(groups), "legend": legend(),
        "stages": SkillAssessment.Stage.choices})


@login_required
def skills_assess(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_assess_skills(request.user, programme):
        raise PermissionDenied
    existing = own_assessments(user=request.user, programme=programme)
    stage = request.GET.get("stage") if request.GET.get("stage") in SkillAssessment.Stage.values else None
    if stage is None:
        stage = next((s for s in SkillAssessment.Stage.values if s not in existing), SkillAssessment.Stage.AFTER)
    current = existing.get(stage)
    initial = {"stage": stage}
    if current:
        initial.update(systems_thinking=current.systems_thinking, circular_models=current.circular_models,
                       comment=current.comment)
    form = SkillAssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_assessment_save(user=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your self-assessment was saved."))
            return redirect("workshops:skills", programme.slug)
    return render(request, "workshops/skills_form.html", {
        **_programme_context(request, programme, "skills"), "form": form, "existing": existing,
        "participation": assessing_participation(user=request.user, programme=programme)})

"""Every read the call pages need, with the reader's visibility built in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import scope_of

from .models import Application, ApplicationFile, Call, Criterion, Question, Review, Reviewer
from .permissions import applicant_email, can_manage_call, can_see_call_admin


def open_calls():
    """Calls open now: shown on the public pages and in the showcase's feed."""
    now = timezone.now()
    return Call.objects.filter(opens_at__lte=now, deadline__gte=now).select_related("programme").order_by(
        "deadline", "pk")


def call_get_public_or_404(*, pk) -> Call:
    call = get_object_or_404(Call.objects.select_related("programme", "cohort"), pk=pk)
    if not call.is_open:
        raise Http404
    return call


def calls_for_user(user):
    scope = scope_of(user)
    return (Call.objects.filter(scope.programme_filter("programme__")).select_related("programme")
            .annotate(application_count=Count("applications", filter=Q(applications__state="submitted")))
            .order_by("-deadline", "pk"))


def call_get_for_user_or_404(*, user, pk) -> Call:
    call = get_object_or_404(Call.objects.select_related("programme", "cohort"), pk=pk)
    if not can_see_call_admin(user, call):
        raise Http404
    return call


def programme_get_for_user_or_404(*, user, slug):
    from programmes.models import Programme

    scope = scope_of(user)
    return get_object_or_404(Programme.objects.filter(scope.programme_filter()), slug=slug)


def call_questions(call: Call) -> list[Question]:
    return list(call.questions.all())


def call_criteria(call: Call) -> list[Criterion]:
    return list(call.criteria.all())


def application_for_applicant_or_404(*, request, pk) -> tuple[Application, str]:
    """The application this browser may edit (its confirmed address is one of the editors), else 404."""
    email = applicant_email(request, pk)
    if not email:
        raise Http404
    application = get_object_or_404(
        Application.objects.select_related("call__programme", "municipality").prefetch_related("editors", "files"),
        pk=pk)
    if not any(editor.email.lower() == email.lower() for editor in application.editors.all()):
        raise Http404
    return application, email


def application_get_for_user_or_404(*, user, pk) -> Application:
    """For facilitators (and the programme's people, who then get 403 on what they may not do) and for reviewers
    the application is assigned to."""
    application = get_object_or_404(
        Application.objects.select_related("call__programme", "call__cohort", "municipality", "participation")
        .prefetch_related("files__question"), pk=pk)
    if can_see_call_admin(user, application.call):
        return application
    if user.is_authenticated and application.reviews.filter(reviewer__user=user).exists():
        return application
    raise Http404


def review_get_for_user_or_404(*, user, pk) -> Review:
    review = get_object_or_404(Review.objects.select_related(
        "reviewer__user", "application__call__programme", "application__municipality"), pk=pk)
    if review.reviewer.user_id != user.pk and not scope_of(user).is_admin:
        raise Http404
    return review


def reviews_to_do(user):
    """The person's reviews still to be scored (not sent, no conflict declared, the application not decided or
    withdrawn: its reviews are closed then), the nearest deadline first: what the home page shows a reviewer,
    for whom no role brings anything else there."""
    return (reviews_of_user(user).filter(submitted_at__isnull=True, conflict_of_interest=False,
                                         application__decision=Application.Decision.PENDING)
            .order_by("application__call__assessment_ends_on", "application__call__deadline", "pk"))


def reviews_of_user(user):
    """The lists show the municipality, the call's title and dates and the review's state: not the answers nor the
    call's texts (bench: 59 reviews, 240 objects read in full)."""
    return (Review.objects.filter(reviewer__user=user)
            .select_related("application__call", "application__municipality")
            .defer("application__answers", "application__sdgs", "application__call__text_da",
                   "application__call__text_en", "application__call__eligibility_da",
                   "application__call__eligibility_en")
            .order_by("submitted_at", "application__call__deadline", "pk"))


def file_get_or_404(*, request, pk) -> ApplicationFile:
    stored = get_object_or_404(ApplicationFile.objects.select_related("application__call"), pk=pk)
    application = stored.application
    email = applicant_email(request, application.pk)
    if email and application.editors.filter(email__iexact=email).exists():
        return stored
    user = request.user
    if user.is_authenticated and (can_manage_call(user, application.call)
                                  or application.reviews.filter(reviewer__user=user).exists()):
        return stored
    raise Http404


# --- The assessment table ------------------------------------------------------------------------------------

@dataclass
class AssessmentRow:
    application: Application
    score: float | None = None  # weighted mean of the reviewers' weighted scores, 0–5
    spread: float | None = None  # highest minus lowest reviewer score
    done: int = 0
    missing: int = 0
    conflicts: int = 0


SORTS = {
    "municipality": lambda row: row.application.municipality.name,
    "score": lambda row: (row.score is None, -(row.score or 0)),
    "spread": lambda row: (row.spread is None, -(row.spread or 0)),
    "missing": lambda row: -row.missing,
    "decision": lambda row: row.application.decision,
}


def weighted(scores: dict, criteria: list[Criterion]) -> float | None:
    total = sum(c.weight for c in criteria if c.pk in scores)
    if not total:
        return None
    return sum(scores[c.pk] * c.weight for c in criteria if c.pk in scores) / total


def assessment_table(*, call: Call, sort: str = "score") -> list[AssessmentRow]:
    """Submitted applications with weighted scores, spread and missing reviews. A fixed number of queries,
    whatever the number of applications and reviews."""
    criteria = call_criteria(call)
    applications = (call.applications.filter(state=Application.State.SUBMITTED).select_related("municipality")
                    .prefetch_related(Prefetch("reviews", queryset=Review.objects.prefetch_related("scores"))))
    rows = []
    for application in applications:
        row = AssessmentRow(application)
        values = []
        for review in application.reviews.all():
            if review.conflict_of_interest:
                row.conflicts += 1
                continue
            if not review.is_done:
                row.missing += 1
                continue
            row.done += 1
            value = weighted({s.criterion_id: s.value for s in review.scores.all()}, criteria)
            if value is not None:
                values.append(value)
        if values:
            row.score = sum(values) / len(values)
            row.spread = max(values) - min(values)
        rows.append(row)
    rows.sort(key=SORTS.get(sort, SORTS["score"]))
    return rows


def call_reviewers(call: Call):
    return list(Reviewer.objects.filter(call=call).select_related("user"))


def programme_facilitators(programme):
    """The programme's active facilitators (a current facilitator role): the people a facilitator may pick as
    reviewers without inviting them."""
    from django.contrib.auth import get_user_model

    from accounts.models import Role

    today = timezone.localdate()
    return (get_user_model().objects.filter(is_active=True, roles__role=Role.FACILITATOR, roles__programme=programme)
            .filter(Q(roles__ends_on__isnull=True) | Q(roles__ends_on__gte=today)).distinct()
            .order_by("full_name", "email"))


def facilitators_to_add(call: Call):
    """The programme's facilitators who do not review the call yet."""
    return programme_facilitators(call.programme).exclude(call_reviews__call=call)


def pending_reviewer_invitations(call: Call):
    """Invitations to review the call that wait for an answer (the accepted ones are reviewers now)."""
    from .models import ReviewerInvitation

    return list(ReviewerInvitation.objects.filter(call=call, invitation__accepted_at__isnull=True,
                                                  invitation__revoked_at__isnull=True)
                .select_related("invitation").order_by("invitation__email"))

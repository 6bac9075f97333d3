from django.urls import path

from . import views

app_name = "programmes"

# Objects inside a programme are addressed by their own id under a fixed prefix (cohorts/, phases/, …);
# "new" is reserved as a programme slug (programmes.services.RESERVED_SLUGS).
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort-edit"),
    path("cohorts/<int:pk>/delete/", views.cohort_delete, name="cohort-delete"),
    path("phases/<int:pk>/edit/", views.phase_edit, name="phase-edit"),
    path("phases/<int:pk>/delete/", views.phase_delete, name="phase-delete"),
    path("phases/<int:pk>/move/", views.phase_move, name="phase-move"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone-delete"),
    path("milestones/<int:pk>/move/", views.milestone_move, name="milestone-move"),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone-complete"),
    path("budget-lines/<int:pk>/edit/", views.budget_line_edit, name="budget-line-edit"),
    path("budget-lines/<int:pk>/delete/", views.budget_line_delete, name="budget-line-delete"),
    path("spending/<int:pk>/delete/", views.spending_delete, name="spending-delete"),
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/edit/", views.programme_edit, name="edit"),
    path("<slug:slug>/cohorts/add/", views.cohort_add, name="cohort-add"),
    path("<slug:slug>/phases/", views.phases, name="phases"),
    path("<slug:slug>/phases/add/", views.phase_add, name="phase-add"),
    path("<slug:slug>/milestones/", views.milestones, name="milestones"),
    path("<slug:slug>/milestones/add/", views.milestone_add, name="milestone-add"),
    path("<slug:slug>/budget/", views.budget, name="budget"),
    path("<slug:slug>/budget/lines/add/", views.budget_line_add, name="budget-line-add"),
    path("<slug:slug>/budget/spending/add/", views.spending_add, name="spending-add"),
    path("<slug:slug>/timeline/", views.timeline, name="timeline"),
    path("<slug:slug>/board/", views.board, name="board"),
    path("<slug:slug>/history/", views.history, name="history"),
]

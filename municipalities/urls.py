from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/enrol/", views.enrol, name="enrol"),
    path("participations/<int:pk>/", views.participation_detail, name="participation"),
    path("participations/<int:pk>/edit/", views.participation_edit, name="participation-edit"),
    path("participations/<int:pk>/challenge/", views.challenge_edit, name="challenge-edit"),
    path("participations/<int:pk>/advisor/", views.advisor_edit, name="advisor-edit"),
    path("participations/<int:pk>/history/", views.participation_history, name="participation-history"),
    path("participations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # Local tests (issue 4)
    path("participations/<int:pk>/progress/", views.progress_list, name="progress-list"),
    path("participations/<int:pk>/progress/new/", views.progress_create, name="progress-create"),
    path("progress/<int:pk>/", views.progress_detail, name="progress-detail"),
    path("progress/<int:pk>/edit/", views.progress_edit, name="progress-edit"),
    path("progress/<int:pk>/publish/", views.progress_publish, name="progress-publish"),
    path("progress/<int:pk>/comments/", views.progress_comment, name="progress-comment"),
    path("progress/<int:pk>/withdraw/", views.progress_withdraw, name="progress-withdraw"),
    path("progress/<int:pk>/accept/", views.progress_accept, name="progress-accept"),
    path("partner-involvements/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("partner-involvements/<int:pk>/delete/", views.partner_delete, name="partner-delete"),
    path("measurements/<int:pk>/edit/", views.measurement_edit, name="measurement-edit"),
    path("measurements/<int:pk>/delete/", views.measurement_delete, name="measurement-delete"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo-thumbnail"),
    path("participations/<int:pk>/stages/", views.stages, name="stages"),
    path("stage-outputs/<int:pk>/review/", views.stage_output_review, name="stage-output-review"),
    path("participations/<int:pk>/indicators/", views.indicators, name="indicators"),
    path("participations/<int:pk>/partners/", views.partners, name="partners"),
    path("cohorts/<int:cohort_pk>/partners/", views.cohort_partners, name="cohort-partners"),
    path("participations/<int:pk>/advisory/", views.advisory, name="advisory"),
    path("advisory/<int:pk>/actions/", views.action_add, name="action-add"),
    path("actions/<int:pk>/milestone/", views.action_milestone, name="action-milestone"),
    path("my/", views.my_municipalities, name="my-municipalities"),
    path("publications/", views.publication_queue, name="publication-queue"),
]

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
]

from django.urls import path

from . import views

app_name = "workshops"

# Mounted at /meetings/. A programme's calendar lives under programmes/<slug>/; a meeting under its id.
urlpatterns = [
    path("", views.mine, name="mine"),
    path("feed/new/", views.feed_create, name="feed-create"),
    path("feed/revoke/", views.feed_revoke, name="feed-revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("answer/<str:token>/", views.answer_link, name="rsvp-link"),
    path("programmes/<slug:slug>/", views.meeting_list_view, name="list"),
    path("programmes/<slug:slug>/calendar/", views.calendar_month, name="calendar"),
    path("programmes/<slug:slug>/new/", views.meeting_create, name="create"),
    path("programmes/<slug:slug>/skills/", views.skills, name="skills"),
    path("programmes/<slug:slug>/skills/assess/", views.skills_assess, name="skills-assess"),
    path("<int:pk>/", views.meeting_detail_view, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/meeting.ics", views.meeting_ics_view, name="ics"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/answer/", views.answer, name="rsvp"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/publish/", views.minutes_publish, name="minutes-publish"),
    path("<int:pk>/decisions/add/", views.decision_add, name="decision-add"),
    path("<int:pk>/actions/add/", views.action_add, name="action-add"),
    path("<int:pk>/materials/add/", views.material_add, name="material-add"),
    path("invitations/<int:pk>/remove/", views.invitation_remove, name="invitation-remove"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="decision-delete"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action-delete"),
    path("actions/<int:pk>/milestone/", views.action_milestone, name="action-milestone"),
    path("materials/<int:pk>/", views.material_download, name="material-download"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material-delete"),
]

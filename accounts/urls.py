from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/new/", views.invitation_create, name="invitation-create"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("language/", views.set_language, name="set-language"),
    # The person's own data and sessions (GDPR), and the public privacy page.
    path("me/data/", views.my_data, name="my-data"),
    path("me/data.json", views.my_data_json, name="my-data-json"),
    path("me/delete/", views.deletion_request, name="deletion-request"),
    path("me/logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("privacy/", views.privacy, name="privacy"),
    # The cross-departmental team of a municipality, managed from its participation page.
    path("participations/<int:pk>/team/invite/", views.team_invite, name="team-invite"),
    path("participations/<int:pk>/team/<int:member_pk>/edit/", views.team_member_edit, name="team-member-edit"),
    path("participations/<int:pk>/team/<int:member_pk>/remove/", views.team_member_remove,
         name="team-member-remove"),
    # The political follow-group of a programme.
    path("programmes/<slug:slug>/follow-group/", views.follow_group, name="follow-group"),
    path("programmes/<slug:slug>/follow-group/invite/", views.follow_group_invite, name="follow-group-invite"),
    path("programmes/<slug:slug>/follow-group/<int:member_pk>/edit/", views.follow_group_edit,
         name="follow-group-edit"),
    path("programmes/<slug:slug>/follow-group/<int:member_pk>/end/", views.follow_group_end,
         name="follow-group-end"),
]

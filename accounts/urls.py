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
]

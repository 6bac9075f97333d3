from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("participations/<int:pk>/team/", views.team_upload, name="team-upload"),
    path("programmes/<slug:slug>/<slug:kind>/", views.programme_upload, name="programme-upload"),
    path("examples/<slug:kind>/<slug:language>.<slug:fmt>", views.example, name="example"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("preview/<str:token>/confirm/", views.confirm, name="confirm"),
    path("preview/<str:token>/discard/", views.discard, name="discard"),
]

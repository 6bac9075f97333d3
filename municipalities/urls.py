from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("participations/<int:pk>/", views.participation_detail, name="participation"),
]

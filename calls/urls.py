from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    # Public: open calls and applying without an account
    path("", views.public_list, name="public-list"),
    path("<int:pk>/", views.public_detail, name="public-detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/upload/", views.application_upload, name="application-upload"),
    path("applications/<int:pk>/invite/", views.application_invite, name="application-invite"),
    path("files/<int:pk>/", views.application_file, name="file"),
    # Facilitators
    path("manage/", views.manage_list, name="manage-list"),
    path("manage/new/<slug:slug>/", views.call_create, name="create"),
    path("manage/<int:pk>/", views.manage, name="manage"),
    path("manage/<int:pk>/edit/", views.call_edit, name="edit"),
    path("manage/<int:pk>/criteria/", views.criterion_add, name="criterion-add"),
    path("manage/<int:pk>/questions/", views.question_add, name="question-add"),
    path("manage/<int:pk>/reviewers/", views.reviewer_add, name="reviewer-add"),
    path("manage/<int:pk>/reviewers/invite/", views.reviewer_invite, name="reviewer-invite"),
    path("manage/<int:pk>/criteria/<int:item>/remove/", views.criterion_remove, name="criterion-remove"),
    path("manage/<int:pk>/questions/<int:item>/remove/", views.question_remove, name="question-remove"),
    path("manage/<int:pk>/reviewers/<int:item>/remove/", views.reviewer_remove, name="reviewer-remove"),
    path("manage/<int:pk>/assessment/", views.assessment, name="assessment"),
    path("manage/<int:pk>/assessment.xlsx", views.assessment_xlsx, name="assessment-xlsx"),
    path("manage/applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("manage/applications/<int:pk>/assign/", views.assign, name="assign"),
    path("manage/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("manage/applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # Reviewers
    path("reviews/", views.my_reviews, name="my-reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
]

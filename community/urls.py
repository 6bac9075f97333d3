"""The community (members, under /community/) and its public showcase (no login, under /showcase/).

Both live in the ``community`` namespace, so the authorization matrix covers every URL."""

from django.urls import include, path

from . import views
from .feeds import ShowcaseFeed

app_name = "community"

community_patterns = [
    path("", views.index, name="index"),
    path("library/", views.library, name="library"),
    path("library/new/", views.item_create, name="item-create"),
    path("library/<int:pk>/", views.item_detail, name="item"),
    path("library/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("library/<int:pk>/file/", views.item_file, name="item-file"),
    path("library/<int:pk>/adopt/", views.item_adopt, name="item-adopt"),
    path("adoptions/<int:pk>/delete/", views.adoption_delete, name="adoption-delete"),
    path("sparring/", views.threads, name="threads"),
    path("sparring/new/", views.thread_create, name="thread-create"),
    path("sparring/partners/", views.partner_suggestions, name="partner-suggestions"),
    path("sparring/<int:pk>/", views.thread_detail, name="thread"),
    path("sparring/<int:pk>/answer/", views.post_create, name="post-create"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("profile/", views.profile_edit, name="profile"),
    path("municipalities/", views.municipalities, name="municipalities"),
    path("search/", views.search, name="search"),
    path("report/<slug:kind>/<int:pk>/", views.report, name="report"),
    path("moderate/<slug:kind>/<int:pk>/", views.moderate, name="moderate"),
    path("moderation/", views.moderation, name="moderation"),
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report-resolve"),
]

showcase_patterns = [
    path("", views.showcase, name="showcase"),
    path("<int:pk>/", views.showcase_item, name="showcase-item"),
    path("feed/", ShowcaseFeed(), name="showcase-feed"),
]

urlpatterns = [
    path("community/", include(community_patterns)),
    path("showcase/", include(showcase_patterns)),
]

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notifications_read_all, name="read-all"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("settings/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("programmes/<slug:slug>/rules/", views.rule_list, name="rules"),
    path("programmes/<slug:slug>/rules/add/", views.rule_add, name="rule-add"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
    path("programmes/<slug:slug>/deliveries/", views.delivery_log_view, name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery-retry"),
]

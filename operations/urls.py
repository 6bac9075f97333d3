from django.urls import path

from . import views

# Not namespaced: "health" is the platform's one health check.
urlpatterns = [path("", views.health, name="health")]

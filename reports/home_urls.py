from django.urls import path

from . import home_views

# Not namespaced: the start page is "home" everywhere.
urlpatterns = [path("", home_views.home, name="home")]

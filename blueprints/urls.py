from django.urls import path

from . import views

app_name = "blueprints"

# Included at the site's root (after programmes.urls, which has no "<slug>/copy/" or "<slug>/template/").
urlpatterns = [
    path("programmes/<slug:slug>/copy/", views.programme_copy, name="copy"),
    path("programmes/<slug:slug>/template/", views.template_keep, name="keep"),
    path("programme-templates/", views.template_list, name="templates"),
    path("programme-templates/<int:pk>/start/", views.template_start, name="template-start"),
    path("programme-templates/<int:pk>/remove/", views.template_remove, name="template-remove"),
]

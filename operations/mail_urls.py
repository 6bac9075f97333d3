from django.urls import path

from . import views

# The embedded run's sent e-mail (operations/mailbox.py): 404 in production and for everyone but staff.
app_name = "mail"
urlpatterns = [
    path("", views.mail_list, name="list"),
    path("<str:key>/", views.mail_detail, name="detail"),
    path("<str:key>/html/", views.mail_html, name="html"),
    path("<str:key>/attachments/<int:number>/", views.mail_attachment, name="attachment"),
]

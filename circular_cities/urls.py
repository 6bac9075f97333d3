from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# The admin logs in through allauth, so rate limits and MFA hold there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Circular Cities — administration")
admin.site.site_title = _("Circular Cities administration")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", include("reports.home_urls")),
    path("health/", include("operations.urls")),
    path("sent-mail/", include("operations.mail_urls")),  # the embedded run only (404 in production)
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("programmes/", include("programmes.urls")),
    path("programmes/", include("reports.dashboard_urls")),  # the dashboards: read side, above the domain apps
    path("", include("blueprints.urls")),  # programmes/<slug>/copy/, programmes/<slug>/template/, programme-templates/
    path("municipalities/", include("municipalities.urls")),
    path("meetings/", include("workshops.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("imports/", include("imports.urls")),  # spreadsheets in: above the domain apps, through their services
    path("calls/", include("calls.urls")),
    path("search/", include("search.urls")),
    path("", include("community.urls")),  # /community/… for members, /showcase/… public
    path("admin/", admin.site.urls),
]

handler403 = "circular_cities.views.error_403"
handler404 = "circular_cities.views.error_404"
handler500 = "circular_cities.views.error_500"

if settings.DEBUG:
    urlpatterns += [
        path("_errors/403/", views.error_403, {"exception": None}),
        path("_errors/404/", views.error_404, {"exception": None}),
        path("_errors/500/", views.error_500),
    ]

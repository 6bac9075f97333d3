"""A view for tests/core/test_error_tracking.py that fails with personal data all around it."""

import logging

from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # the test posts a form body without a token; the body must not reach the report
def fail(request):
    logging.getLogger("circular_cities").warning("looking up %s", request.user.email)  # becomes a breadcrumb
    raise RuntimeError(f"no participation for {request.user.email}")


urlpatterns = [path("fail/", fail)]
handler500 = "circular_cities.views.error_500"

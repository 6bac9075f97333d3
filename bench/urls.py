"""The platform's URLs plus ``/_bench/trivial/``: a view that does no work, served by the same gunicorn in the
same run, so every page's latency can be given as a multiple of the server's own floor. Only ``bench.settings``
uses this module. The answer names the worker process (``X-Bench-Worker``), so the benchmark can tell when every
freshly started worker has answered (bench/run.py, the table with every cache empty)."""

import os

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from circular_cities.urls import handler403, handler404, handler500  # noqa: F401
from circular_cities.urls import urlpatterns as platform


@never_cache
def trivial(request):
    response = HttpResponse("ok", content_type="text/plain")
    response["X-Bench-Worker"] = str(os.getpid())
    return response


urlpatterns = [path("_bench/trivial/", trivial, name="bench-trivial"), *platform]

"""Views for tests/core/test_lost_connection.py: each reads (and maybe writes) the database and says what it saw."""

from django.http import HttpResponse
from django.urls import path

from accounts.models import User


def read(request):
    return HttpResponse(f"people: {User.objects.count()}")


def write_then_read(request):
    User.objects.filter(email="kept@example.org").update(full_name="Written once")
    return HttpResponse(f"people: {User.objects.count()}")


urlpatterns = [path("read/", read), path("write-then-read/", write_then_read)]

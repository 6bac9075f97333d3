"""Views for tests/core/test_database_pool.py: each reads (and maybe writes) the database and says what it saw."""

from django.http import HttpResponse
from django.urls import path

from accounts.models import User


def read(request):
    return HttpResponse(f"people: {User.objects.count()}")


def write_then_read(request):
    User.objects.filter(email="kept@example.org").update(full_name=User.objects.get(email="kept@example.org")
                                                         .full_name + "!")
    return HttpResponse(f"people: {User.objects.count()}")


urlpatterns = [path("read/", read), path("write-then-read/", write_then_read)]

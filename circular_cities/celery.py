import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circular_cities.settings")

app = Celery("circular_cities")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

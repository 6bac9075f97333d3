"""/health/ stays cheap for load balancers; /health/?detail=1 reports database, cache, broker queue and beat
to monitoring, and only to a holder of HEALTH_TOKEN or an admin."""

import secrets
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from notifications.schedule import SCAN
from operations import health
from tests.factories import AdminFactory, ProgrammeFactory, facilitator_of

pytestmark = pytest.mark.django_db

URL = "/health/"


def test_plain_health_is_one_query_and_no_session(client, django_assert_max_num_queries):
    assert reverse("health") == URL
    with django_assert_max_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "Set-Cookie" not in response


def test_plain_health_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken():
        raise DatabaseError("connection refused")
    monkeypatch.setattr("django.db.connection.cursor", broken)
    response = client.get(URL)
    assert response.status_code == 503 and response.json() == {"status": "fail"}


@pytest.mark.parametrize("token_setting,header", [
    ("", None),
    ("", "Bearer "),  # an unset token never matches an empty one
    ("right-token", None),
    ("right-token", "Bearer wrong-token"),
    ("right-token", "right-token"),  # not a bearer header
])
def test_detail_needs_the_token_or_an_admin(client, settings, token_setting, header):
    settings.HEALTH_TOKEN = token_setting
    headers = {"Authorization": header} if header is not None else {}
    response = client.get(URL, {"detail": "1"}, headers=headers)
    assert response.status_code == 403
    assert "checks" not in response.json()


def test_detail_is_not_for_facilitators(client, settings):
    settings.HEALTH_TOKEN = ""
    client.force_login(facilitator_of(ProgrammeFactory()))
    assert client.get(URL, {"detail": "1"}).status_code == 403


def _fresh_beat():
    PeriodicTask.objects.filter(name=SCAN).update(last_run_at=timezone.now() - timedelta(minutes=2))


def test_detail_with_the_token_reports_every_check(client, settings):
    settings.HEALTH_TOKEN = token = secrets.token_urlsafe(24)
    _fresh_beat()
    response = client.get(URL, {"detail": "1"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["status"] == "ok" and report["failed"] == []
    assert set(report["checks"]) == {"database", "cache", "broker", "beat"}
    assert report["checks"]["database"]["pending_migrations"] == 0
    assert report["checks"]["broker"]["queue_length"] >= 0
    assert 100 <= report["checks"]["beat"]["age_seconds"] <= 200
    assert all("ms" in check for check in report["checks"].values())


def test_detail_for_a_signed_in_admin(client, settings):
    settings.HEALTH_TOKEN = ""
    _fresh_beat()
    client.force_login(AdminFactory())
    response = client.get(URL, {"detail": "1"})
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_stale_or_missing_beat_fails_the_detail(client, settings):
    settings.HEALTH_TOKEN = "t"
    PeriodicTask.objects.filter(name=SCAN).update(last_run_at=timezone.now() - timedelta(hours=3))
    response = client.get(URL, {"detail": "1"}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 503
    assert response.json()["failed"] == ["beat"]
    PeriodicTask.objects.filter(name=SCAN).update(last_run_at=None)
    report = client.get(URL, {"detail": "1"}, headers={"Authorization": "Bearer t"}).json()
    assert report["checks"]["beat"]["status"] == "unknown" and report["status"] == "ok"
    PeriodicTask.objects.filter(name=SCAN).delete()
    assert client.get(URL, {"detail": "1"}, headers={"Authorization": "Bearer t"}).json()["failed"] == ["beat"]


def test_a_failing_check_is_reported_not_raised(client, settings, monkeypatch):
    settings.HEALTH_TOKEN = "t"
    _fresh_beat()

    def cache_down(*args, **kwargs):
        raise ConnectionError("Redis is down")
    from django.core.cache import caches

    monkeypatch.setattr(caches["default"], "set", cache_down)  # the backend itself, not the proxy
    response = client.get(URL, {"detail": "1"}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 503
    report = response.json()
    assert report["failed"] == ["cache"] and "Redis is down" in report["checks"]["cache"]["error"]
    assert report["checks"]["database"]["status"] == "ok"


def test_filesystem_broker_queue_length(settings, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.msg").write_text("{}")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(folder)}
    assert health.check_broker() == {"status": "ok", "transport": "filesystem", "queue_length": 3}


@pytest.mark.redis
def test_redis_broker_reachability_and_queue_length(requires_redis, settings):
    import redis

    queue = f"health-test-{secrets.token_hex(4)}"
    settings.CELERY_BROKER_URL = requires_redis
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    client = redis.Redis.from_url(requires_redis)
    try:
        client.rpush(queue, "a", "b", "c", "d")
        assert health.check_broker() == {"status": "ok", "transport": "redis", "queue": queue, "queue_length": 4}
    finally:
        client.delete(queue)
        client.close()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    result = health._timed(health.check_broker)
    assert result["status"] == "fail" and "Error" in result["error"]

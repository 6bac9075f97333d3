"""/health/ stays cheap for load balancers; /health/?detail=1 reports database, cache, broker queue, beat and the
worker's heartbeat to monitoring, and only to a holder of HEALTH_TOKEN or an admin."""

import secrets
from datetime import datetime, timedelta

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
    health.record_worker_heartbeat(now=timezone.now() - timedelta(seconds=30))


def test_detail_with_the_token_reports_every_check(client, settings):
    settings.HEALTH_TOKEN = token = secrets.token_urlsafe(24)
    _fresh_beat()
    response = client.get(URL, {"detail": "1"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["status"] == "ok" and report["failed"] == []
    assert set(report["checks"]) == {"database", "cache", "broker", "beat", "worker"}
    assert report["checks"]["database"]["pending_migrations"] == 0
    assert report["checks"]["broker"]["queue_length"] >= 0
    assert 100 <= report["checks"]["beat"]["age_seconds"] <= 200
    assert report["checks"]["worker"]["status"] == "ok" and 25 <= report["checks"]["worker"]["age_seconds"] <= 90
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


def test_a_fresh_worker_heartbeat_is_ok_and_a_stale_one_says_since_when(client, settings):
    settings.HEALTH_TOKEN = "t"
    settings.WORKER_SILENT_AFTER_SECONDS = 300
    _fresh_beat()
    health.record_worker_heartbeat(now=timezone.now() - timedelta(seconds=299))
    response = client.get(URL, {"detail": "1"}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 200, response.json()
    worker = response.json()["checks"]["worker"]
    assert worker["status"] == "ok" and 299 <= worker["age_seconds"] <= 330 and worker["allowed_seconds"] == 300
    last = datetime(2026, 3, 2, 9, 15, 7, tzinfo=timezone.get_fixed_timezone(60))
    health.record_worker_heartbeat(now=last)
    response = client.get(URL, {"detail": "1"}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 503
    report = response.json()
    assert report["failed"] == ["worker"]
    assert report["checks"]["worker"]["status"] == "fail"
    assert report["checks"]["worker"]["error"].startswith("worker silent since 02.03.2026 09:15:07 (")
    assert report["checks"]["worker"]["last_heartbeat_at"] == last.isoformat()


def test_no_heartbeat_yet_is_unknown_not_failed(client, settings):
    settings.HEALTH_TOKEN = "t"
    _fresh_beat()
    from django.core.cache import cache

    cache.delete(health.WORKER_HEARTBEAT_KEY)
    report = client.get(URL, {"detail": "1"}, headers={"Authorization": "Bearer t"}).json()
    assert report["status"] == "ok" and report["checks"]["worker"]["status"] == "unknown"


def test_the_heartbeat_task_and_a_ready_worker_record_the_time(settings):
    from django.core.cache import cache

    from operations.tasks import heartbeat_when_ready, worker_heartbeat_task

    assert settings.CELERY_BEAT_SCHEDULE["operations: worker heartbeat"]["task"] == worker_heartbeat_task.name
    for record in (worker_heartbeat_task, heartbeat_when_ready):
        cache.delete(health.WORKER_HEARTBEAT_KEY)
        record()
        assert health.check_worker()["status"] == "ok" and health.check_worker()["age_seconds"] <= 5


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

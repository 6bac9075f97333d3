import pytest


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://cc.example.org"
    settings.REMINDER_GRACE_HOURS = 12


@pytest.fixture
def scan_at(django_capture_on_commit_callbacks):
    """Run one real scan at a simulated moment; the send tasks it publishes run at once (eager Celery)."""
    from notifications.services import run_scan

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return run_scan(now=now)

    return run


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks):
    from notifications.services import run_sweep

    def run(now, older_than=None):
        with django_capture_on_commit_callbacks(execute=True):
            return run_sweep(now=now, older_than=older_than)

    return run


@pytest.fixture
def task_clock(monkeypatch):
    """Set the clock the notification tasks read (only theirs), e.g. to send at a simulated moment."""
    from types import SimpleNamespace

    from notifications import tasks

    def set_now(moment):
        monkeypatch.setattr(tasks, "timezone", SimpleNamespace(now=lambda: moment))

    return set_now

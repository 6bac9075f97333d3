"""`make run`: debug off with static files served, the platform's own error pages, and e-mail links that point
to the host and port it serves on (issue 15.3, 15.5). Production keeps SITE_URL required."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from circular_cities.embedded import embedded_env

ROOT = Path(__file__).resolve().parent.parent.parent


def _clean_environ(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SITE_URL", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(extra)
    return env


def _settings_in(env: dict[str, str], code: str) -> str:
    """Run ``code`` after django.setup() in a fresh interpreter with ``env``; its stdout."""
    script = "import django; django.setup(); from django.conf import settings\n" + code
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_embedded_run_has_debug_off_and_links_follow_its_host_and_port():
    env = embedded_env("127.0.0.1", "8765", _clean_environ(DJANGO_DEBUG="1"))
    out = _settings_in({**env, "DJANGO_SETTINGS_MODULE": "circular_cities.settings"}, (
        "from circular_cities.utils import absolute_url\n"
        "from django.urls import reverse\n"
        "print(settings.DEBUG, absolute_url(reverse('workshops:rsvp-link', args=['abc'])))"))
    assert out == "False http://127.0.0.1:8765/meetings/answer/abc/"


def test_embedded_run_on_every_interface_links_to_this_machine():
    env = embedded_env("0.0.0.0", "9000", _clean_environ())  # noqa: S104
    assert env["SITE_URL"] == f"http://{socket.gethostname()}:9000"
    assert socket.gethostname() in env["DJANGO_ALLOWED_HOSTS"].split(",")
    assert "localhost" in env["DJANGO_ALLOWED_HOSTS"].split(",")


def test_an_explicit_site_url_wins_in_the_embedded_run():
    env = embedded_env("127.0.0.1", "8000", _clean_environ(SITE_URL="https://cities.example.org"))
    assert env["SITE_URL"] == "https://cities.example.org"


def test_production_refuses_to_start_without_site_url():
    env = _clean_environ(DJANGO_PRODUCTION="1", DJANGO_SECRET_KEY="k" * 20 + "-Q7v!x9Lm2#pR8tY4wZ6bN3cJ5hF1dS0",
                         DJANGO_ALLOWED_HOSTS="circular.example.org")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr
    env["SITE_URL"] = "https://circular.example.org"
    assert _settings_in(env, "from circular_cities.utils import absolute_url; print(absolute_url('/x/'))") == (
        "https://circular.example.org/x/")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, language: str = "da") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"django_language={language}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own local server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def embedded_web(tmp_path):
    """The web process of `make run` (its exact command and environment), on a free port."""
    port = str(_free_port())
    env = embedded_env("127.0.0.1", port, _clean_environ(
        DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    env.pop("REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],  # noqa: S603
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/static/css/app.css", timeout=2).close()  # noqa: S310
            break
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the embedded web server did not start: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_embedded_run_serves_static_files_and_its_own_not_found_page(embedded_web):
    status, css = _get(embedded_web + "/static/css/app.css")
    assert status == 200 and "{" in css
    status, page = _get(embedded_web + "/no-such-page/")
    assert status == 404
    assert "Vi kunne ikke finde siden" in page and 'lang="da"' in page
    assert "URLconf" not in page and "Using the URLconf" not in page  # no debug page listing URL patterns
    assert 'href="/static/css/app.css"' in page  # the platform's own look
    status, page = _get(embedded_web + "/no-such-page/", language="en")
    assert status == 404 and "We could not find that page" in page


# --- The whole embedded run on honcho (Procfile.embedded): a worker that dies is reported, the web goes on ------

def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (read from /proc; honcho starts each Procfile line in a session of its own)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _argv(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def _is_celery_worker(pid: int) -> bool:
    argv = _argv(pid)
    return argv[1:3] == ["-m", "celery"] and "worker" in argv  # not the shell of the Procfile line around it


def _main_worker_pid(honcho_pid: int) -> int | None:
    """The Celery worker's main process (its pool processes are its children and have the same command line)."""
    for pid in _descendants(honcho_pid):
        if _is_celery_worker(pid):
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            if not _is_celery_worker(parent):
                return pid
    return None


def _detail(base: str, token: str) -> dict:
    request = urllib.request.Request(base + "/health/?detail=1", headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own local server)
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def _wait_for(what: str, condition, console: list[str], timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (urllib.error.URLError, ConnectionError, OSError):
            value = None
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"{what} did not happen in {timeout} s; the console said:\n" + "".join(console)[-4000:])


def test_make_run_on_honcho_survives_the_worker_and_reports_it(tmp_path):
    """`python -m circular_cities.embedded` (what `make run` starts) with its own port, SQLite and broker folder:
    the worker's heartbeat goes through beat and the file-system broker, the worker is killed, the console says
    so, the web goes on answering, a new worker starts and runs the heartbeat again, and SIGINT (Ctrl-C) stops
    everything."""
    port, token = str(_free_port()), "embedded-test-token"
    env = _clean_environ(CC_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                         HEALTH_TOKEN=token, WORKER_HEARTBEAT_EVERY_SECONDS="2", WORKER_SILENT_AFTER_SECONDS="8",
                         CC_RESTART_SECONDS="2")
    env.pop("REDIS_URL", None)
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    runner = subprocess.Popen([sys.executable, "-m", "circular_cities.embedded", "--port", port],  # noqa: S603
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    console: list[str] = []
    reader = threading.Thread(target=lambda: console.extend(iter(runner.stdout.readline, "")), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for("the web answering", lambda: _get(base + "/health/")[0] == 200, console)
        assert any(f"Circular Cities is running at {base}/" in line for line in console)
        assert any("not for production" in line for line in console)  # said once, with where to go instead
        assert not any("WARNING: This is a development server" in line for line in console)
        # Two heartbeats apart: beat queued the heartbeat task and the worker ran it (the first comes as it starts).
        first = _wait_for("a worker heartbeat", lambda: _detail(base, token)["checks"]["worker"]["last_heartbeat_at"],
                          console)
        _wait_for("a heartbeat queued by beat", lambda: _detail(base, token)["checks"]["worker"][
            "last_heartbeat_at"] not in (None, first), console)
        assert _detail(base, token)["checks"]["worker"]["status"] == "ok"

        worker = _wait_for("the worker process", lambda: _main_worker_pid(runner.pid), console)
        os.kill(worker, signal.SIGKILL)
        _wait_for("the console line about the worker", lambda: any(
            "THE CELERY WORKER STOPPED" in line for line in console), console, timeout=30)
        stopped_line = next(line for line in console if "THE CELERY WORKER STOPPED" in line)
        assert "worker.1" in stopped_line and "The web goes on" in stopped_line and "again" in stopped_line
        status, page = _get(base + "/accounts/login/")
        assert status == 200 and 'lang="da"' in page  # the web answers while the worker is away

        # started again: a new worker process, and it runs the heartbeats again
        _wait_for("a new worker process", lambda: (_main_worker_pid(runner.pid) or worker) != worker, console,
                  timeout=60)
        before = _detail(base, token)["checks"]["worker"]["last_heartbeat_at"]
        _wait_for("a heartbeat run by the new worker", lambda: _detail(base, token)["checks"]["worker"][
            "last_heartbeat_at"] not in (None, before), console, timeout=60)
        assert _detail(base, token)["checks"]["worker"]["status"] == "ok"
        status, page = _get(base + "/accounts/login/")
        assert status == 200 and 'lang="da"' in page  # the web still answers, pages and all
        assert runner.poll() is None
        assert not any("web.1 stopped" in line or "beat.1 stopped" in line for line in console)
    finally:
        runner.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            runner.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in _descendants(runner.pid):
                os.kill(pid, signal.SIGKILL)
            runner.kill()
            raise
        reader.join(timeout=5)
    assert "SIGINT received" in "".join(console)
    assert _get_or_none(base + "/health/") is None  # nothing listens any more


def _get_or_none(url: str):
    try:
        return _get(url)
    except (urllib.error.URLError, ConnectionError):
        return None

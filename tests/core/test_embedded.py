"""`make run`: debug off with static files served, the platform's own error pages, and e-mail links that point
to the host and port it serves on (issue 15.3, 15.5). Production keeps SITE_URL required."""

import os
import socket
import subprocess
import sys
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

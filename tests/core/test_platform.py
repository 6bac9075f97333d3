"""The platform as a whole: settings, migrations, error pages, translations, real services."""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent


def test_production_settings_pass_the_deploy_check():
    env = {**os.environ, "DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": "k" * 20 + "-Q7v!x9Lm2#pR8tY4wZ6bN3cJ5hF1dS0",
           "DJANGO_ALLOWED_HOSTS": "circular.example.org", "SITE_URL": "https://circular.example.org"}
    env.pop("DJANGO_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_PRODUCTION": "1", "DJANGO_ALLOWED_HOSTS": "circular.example.org"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits non-zero on a missing migration


def test_every_danish_string_is_translated():
    po = polib.pofile(str(ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} strings without Danish: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy (ignored at run time): {fuzzy[:10]}"


def test_the_danish_catalogue_is_well_formed_for_gettext():
    """GNU gettext reads the file too (`make messages` merges into it): no stray previous-msgid lines, and every
    placeholder of a msgid is in its translation (msgfmt --check-format)."""
    import shutil

    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext (msgfmt) is not installed")
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull,
                             str(ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_every_template_string_is_in_the_catalogue(tmp_path):
    """makemessages finds no string that the .po file lacks (someone forgot `make messages`).

    It runs on a copy of the source tree, because makemessages writes next to the sources it reads."""
    import shutil

    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".venv", "var", "staticfiles", "test-artifacts", ".git", "node_modules", "__pycache__", "tests", "*.mo"))
    po_path = copy / "locale" / "da" / "LC_MESSAGES" / "django.po"
    before = {e.msgid for e in polib.pofile(str(po_path))}
    env = {k: v for k, v in os.environ.items() if k != "CC_LOCALE_DIR"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "da", "--no-location", "--no-obsolete",
         "--ignore=staticfiles", "--ignore=var"],
        cwd=copy, env=env, check=True, capture_output=True, timeout=300,
    )
    after = {e.msgid for e in polib.pofile(str(po_path))}
    assert not (after - before), f"strings missing from locale/da (run `make messages`): {sorted(after - before)[:10]}"


@pytest.mark.django_db
@pytest.mark.parametrize("language,text", [("da", "Vi kunne ikke finde siden"), ("en", "We could not find that page")])
def test_not_found_page_in_both_languages(client, language, text):
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language,text", [("da", "Det har du ikke adgang til"), ("en", "You may not do this")])
def test_forbidden_page_in_both_languages(client, language, text):
    from tests.factories import ProgrammeFactory, politician_of

    client.force_login(politician_of(ProgrammeFactory()))
    client.cookies["django_language"] = language
    response = client.get(reverse("accounts:invitation-create"))
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_server_error_page_is_friendly(settings):
    settings.ROOT_URLCONF = "tests.core.broken_urls"
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get(reverse("account_login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_health_endpoint(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_tests_run_against_postgresql_when_required(requires_postgres):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_cache_and_broker_are_redis_when_required(requires_redis):
    from django.conf import settings
    from django.core.cache import cache

    from circular_cities.celery import app

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("ci-probe", "ok", 10)
    assert cache.get("ci-probe") == "ok"
    assert app.conf.broker_url.startswith("redis://")
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)


@pytest.mark.django_db
def test_danish_is_the_default_for_visitors_and_new_people(client, settings):
    settings.LANGUAGE_CODE = "da"  # the real setting (the test suite otherwise runs in English)
    response = client.get(reverse("account_login"))
    assert '<html lang="da">' in response.content.decode()
    assert "Log ind" in response.content.decode()
    from accounts.models import User

    assert User._meta.get_field("language").default == "da"


def test_no_template_comment_spans_lines():
    """Django's {# … #} comment is one line only: across lines it is printed on the page as text."""
    broken = [f"{path.relative_to(ROOT)}:{number}" for path in (ROOT / "templates").rglob("*.html")
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if "{#" in line and "#}" not in line.split("{#", 1)[1]]
    assert not broken, f"multi-line {{# comments (use {{% comment %}}): {broken}"


def test_no_runtime_file_is_tracked_in_git():
    """Broker files, databases, uploads and caches are made by running the platform: never part of the source."""
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout
    runtime = [name for name in tracked.splitlines()
               if name.split("/")[0] in {"control", "var", "media", "staticfiles", "test-artifacts"}
               or name.endswith((".sqlite3", ".mo", ".pyc", ".exchange"))]
    assert runtime == []

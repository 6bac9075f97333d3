"""The embedded run behind `make run`: web server, Celery worker and beat, no external service.

Sets the environment, prints where to go and the demo's reminders, then hands over to honcho, which runs the
processes of ``Procfile.embedded`` and stops them all on Ctrl-C (or when the web stops). A worker or beat that
dies is reported on the console and the web goes on (the Procfile says how). Debug is off (people see the
platform's own error pages; WhiteNoise serves the static files), and links in e-mails point to the host and
port served here, unless SITE_URL says otherwise."""

import argparse
import os
import socket
import sys
from pathlib import Path

# Listening on every interface: links name this machine instead.
WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "Procfile.embedded"


def public_host(host: str) -> str:
    """The host name a browser (or a mail reader) uses to reach ``host``."""
    if host in WILDCARD_HOSTS:
        return socket.gethostname()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"  # an IPv6 address in a URL
    return host


def embedded_env(host: str, port: str, environ: dict[str, str]) -> dict[str, str]:
    """The environment of web, worker and beat: SITE_URL and the allowed hosts follow ``host`` and ``port``
    (the worker writes the e-mails, so it must know them too), unless they are set already."""
    public = public_host(host)
    env = {**environ, "DJANGO_SETTINGS_MODULE": "circular_cities.settings", "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_DEBUG", None)  # a debug page lists every URL pattern; the embedded run shows its own pages
    env.setdefault("SITE_URL", f"http://{public}:{port}")
    env.setdefault("DJANGO_ALLOWED_HOSTS", ",".join(dict.fromkeys([*LOCAL_HOSTS, "testserver", public])))
    # runserver's own warning says only "not for production"; the banner below says it with where to go instead
    env.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
    return env


def where_reminders_show(base: str, env: dict[str, str]) -> str:
    """What `make run` prints about reminders: when the first ones go out and where to read them."""
    every = env.get("REMINDER_SCAN_EVERY_SECONDS", "300")
    lines = [f"  Reminders: the worker scans every {every} s; the running demo programme's first milestone and "
             "meeting reminders go out at the first scan after the start."]
    if not env.get("EMAIL_URL"):
        lines.append(f"  Sent e-mail, as each recipient sees it: {base}/sent-mail/ (log in as admin@demo.example.org;"
                     " the files are in var/mail/)")
    lines.append(f"  In-app: each person's notification centre, {base}/notifications/ (e.g. as staff@ or advisor@)\n")
    return "\n".join(lines)


def honcho_command(host: str, port: str, environ: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The honcho command line that runs ``Procfile.embedded``, and its environment."""
    env = embedded_env(host, port, environ)
    env["PYTHON"] = sys.executable
    env["CC_BIND"] = f"{host}:{port}"
    command = [sys.executable, "-m", "honcho", "start", "--procfile", str(PROCFILE), "--app-root", str(ROOT)]
    return command, env


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    command, env = honcho_command(args.host, str(args.port), dict(os.environ))
    base = f"http://{public_host(args.host)}:{args.port}"
    print(f"\n  Circular Cities is running at {base}/  (Ctrl-C stops web, worker and beat; links in e-mails: "
          f"{env['SITE_URL']})\n  This is the embedded run (SQLite, Django's development server): for a "
          "demo on one machine, not for production (docs/deployment.md).\n", flush=True)
    print(where_reminders_show(base, env), flush=True)
    # honcho takes this process's place: Ctrl-C reaches it directly, and it stops all three.
    os.chdir(ROOT)
    os.execve(command[0], command, env)  # noqa: S606
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())

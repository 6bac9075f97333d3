"""The embedded run behind `make run`: web server, Celery worker and beat, no external service.

Starts the three processes, prints where to go, and stops them all on Ctrl-C. Debug is off (people see the
platform's own error pages; WhiteNoise serves the static files), and links in e-mails point to the host and
port served here, unless SITE_URL says otherwise."""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time

# Listening on every interface: links name this machine instead.
WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = embedded_env(args.host, str(args.port), dict(os.environ))
    python = sys.executable
    commands = {
        "worker": [python, "-m", "celery", "-A", "circular_cities", "worker", "--loglevel=WARNING",
                   "--concurrency=2", "--without-gossip", "--without-mingle"],
        "beat": [python, "-m", "celery", "-A", "circular_cities", "beat", "--loglevel=WARNING"],
        "web": [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
    }
    processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}  # noqa: S603
    print(f"\n  Circular Cities is running at http://{public_host(args.host)}:{args.port}/  (Ctrl-C stops web, worker"
          f" and beat; links in e-mails: {env['SITE_URL']})\n", flush=True)
    print(where_reminders_show(f"http://{public_host(args.host)}:{args.port}", env), flush=True)
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} stopped with exit code {process.returncode}; stopping the rest.", flush=True)
                exit_code = process.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

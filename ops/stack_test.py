# ruff: noqa: S603, S607  (runs docker, apt-get and debootstrap with fixed arguments)
"""``make stack-test`` (issue 21): the production stack of docker-compose.yml built and run on this machine.

Runs as root on a Debian host, with the standard library only. Steps, each timed, in a table at the end:

1. the Docker Engine, Compose and debootstrap from Debian's packages if missing; dockerd started if not running;
2. ``config`` of docker-compose.yml alone and with docker-compose.stack-test.yml, by every Compose found
   (Debian's 1.29 ``docker-compose``; Compose v2 ``docker compose`` where installed);
3. the base images no registry gives us: Debian bookworm by debootstrap + ``docker import``, then Python 3.11,
   PostgreSQL 15 and Redis 7.0 from Debian's packages (ops/stack/*.Dockerfile);
4. the application image from the production Dockerfile, with build arguments for the base image and the
   PostgreSQL client and the host's CA bundle as the build secret ``extra_ca``; its size, user and tools;
5. ``up``: PostgreSQL, Redis, migrate, two web replicas, a worker, one beat and an SMTP sink; waits for health;
6. the demo data, then every demo role logs in over HTTP on each web replica and fetches its home page;
7. a reminder due in a few seconds goes through beat and the worker to the SMTP sink;
8. a backup with the documented command, restored into a fresh database (``--database-url``), rows compared;
9. ``restart`` of web, worker and beat while a second reminder falls due; health, logins and both reminders
   again, each in the sink exactly once;
10. ``down -v``: containers, network and volumes removed (the images stay for the next run).

Host traffic goes only through ``docker exec``; nothing is published on a host port. Exit status 1 when a step
failed. ``--keep`` leaves the stack running for a look; ``--no-engine-install`` fails instead of installing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "stack-test"
PROJECT = "ccstack"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
DEBIAN_IMAGE = "cc-stack/debian:bookworm"
APP_IMAGE = "cc-stack/app:test"
MIRROR = "http://deb.debian.org/debian"
LABEL = "org.circular-cities.stack-test=1"  # on every image the test builds, so it removes only its own leftovers
COMPOSE_FILES = ["-f", "docker-compose.yml", "-f", "docker-compose.stack-test.yml"]
ENV_FILE = ["--env-file", "ops/stack/test.env"]


class StepFailed(Exception):
    pass


class Steps:
    def __init__(self):
        self.rows: list[tuple[str, float, str, str]] = []

    def run(self, name: str, function, *args, **kwargs):
        print(f"\n=== {name}", flush=True)
        started = time.monotonic()
        try:
            note = function(*args, **kwargs) or ""
            outcome = "ok"
        except StepFailed as error:
            note, outcome = str(error), "FAIL"
        except subprocess.CalledProcessError as error:
            note, outcome = f"{' '.join(map(str, error.cmd))[:120]} exited {error.returncode}", "FAIL"
        seconds = time.monotonic() - started
        self.rows.append((name, seconds, outcome, note))
        print(f"--- {name}: {outcome} in {seconds:.1f} s  {note}", flush=True)
        return outcome == "ok"

    def table(self) -> str:
        lines = ["| step | seconds | outcome | notes |", "|---|---:|---|---|"]
        lines += [f"| {name} | {seconds:.1f} | {outcome} | {note.replace('|', '/')} |"
                  for name, seconds, outcome, note in self.rows]
        total = sum(row[1] for row in self.rows)
        lines.append(f"| total | {total:.1f} | {'ok' if self.ok else 'FAIL'} | |")
        return "\n".join(lines)

    @property
    def ok(self) -> bool:
        return all(row[2] == "ok" for row in self.rows)


def sh(*command, check=True, capture=False, stdin=None, stdout=None, env=None,
       timeout=900) -> subprocess.CompletedProcess:
    print("$", " ".join(map(str, command)), flush=True)
    return subprocess.run(list(map(str, command)), cwd=ROOT, check=check, text=stdout is None and stdin is None,
                          capture_output=capture and stdout is None, stdin=stdin, stdout=stdout, env=env,
                          timeout=timeout)


def docker_cli() -> str:
    """Debian's client (/usr/bin/docker) first: it matches Debian's engine and builds with BuildKit by itself;
    a newer client elsewhere on PATH may need the buildx plug-in to build."""
    return "/usr/bin/docker" if Path("/usr/bin/docker").exists() else (shutil.which("docker") or "docker")


def compose(*args, **kwargs) -> subprocess.CompletedProcess:
    return sh("docker-compose", *ENV_FILE, "-p", PROJECT, *COMPOSE_FILES, *args, **kwargs)


# --- 1. engine ------------------------------------------------------------------------------------------------

def engine(install: bool) -> str:
    needed = (("/usr/sbin/dockerd", "docker.io"), ("docker-compose", "docker-compose"), ("debootstrap", "debootstrap"))
    missing = [package for command, package in needed
               if not (Path(command).exists() if command.startswith("/") else shutil.which(command))]
    notes = []
    if missing:
        if not install:
            raise StepFailed(f"missing: {', '.join(missing)}")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        sh("apt-get", "update", "-qq", env=environment)
        sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, "iptables", env=environment)
        notes.append(f"installed {', '.join(missing)}")
    docker = docker_cli()
    if subprocess.run([docker, "info"], capture_output=True).returncode != 0:
        WORK.mkdir(parents=True, exist_ok=True)
        log = open(WORK / "dockerd.log", "ab")  # noqa: SIM115  (dockerd keeps it open)
        subprocess.Popen(["dockerd"], stdout=log, stderr=log, start_new_session=True)
        for _ in range(60):
            time.sleep(1)
            if subprocess.run([docker, "info"], capture_output=True).returncode == 0:
                break
        else:
            raise StepFailed(f"dockerd did not answer within 60 s (see {WORK / 'dockerd.log'})")
        notes.append("started dockerd")
    server = sh(docker, "version", "--format", "{{.Server.Version}}", capture=True).stdout.strip()
    version = sh("docker-compose", "version", "--short", capture=True).stdout.strip()
    notes.append(f"Docker Engine {server}, docker-compose {version}")
    return "; ".join(notes)


# --- 2. compose config ------------------------------------------------------------------------------------------

def config() -> str:
    environment = {**os.environ, "EXTRA_CA_BUNDLE": CA_BUNDLE}
    checked = []
    composes = [("docker-compose", ["docker-compose"])]
    for candidate in (shutil.which("docker"), "/usr/bin/docker"):
        if candidate and subprocess.run([candidate, "compose", "version"], capture_output=True).returncode == 0:
            composes.append(("docker compose", [candidate, "compose"]))
            break
    for label, command in composes:
        for files in (["-f", "docker-compose.yml"], COMPOSE_FILES):
            sh(*command, *ENV_FILE, "-p", PROJECT, *files, "config", "-q", env=environment)
        checked.append(label)
    if len(composes) == 1:
        checked.append("no Compose v2 on this machine")
    return "config -q of both files: " + ", ".join(checked)


# --- 3. base images ---------------------------------------------------------------------------------------------

def image_exists(name: str) -> bool:
    return subprocess.run([docker_cli(), "image", "inspect", name], capture_output=True).returncode == 0


def base_images() -> str:
    notes = []
    if not image_exists(DEBIAN_IMAGE):
        rootfs = WORK / "rootfs"
        shutil.rmtree(rootfs, ignore_errors=True)
        sh("debootstrap", "--variant=minbase", "bookworm", rootfs, MIRROR, timeout=1800)
        for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for path in (rootfs / leftover).glob("*"):
                if path.is_file():
                    path.unlink()
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        sh(docker_cli(), "import", "-", DEBIAN_IMAGE, stdin=tar.stdout)
        tar.wait()
        shutil.rmtree(rootfs)
        notes.append(f"{DEBIAN_IMAGE} by debootstrap")
    else:
        notes.append(f"{DEBIAN_IMAGE} reused")
    environment = {**os.environ, "DOCKER_BUILDKIT": "1"}
    for name in ("python", "postgres", "redis"):
        sh(docker_cli(), "build", "-q", "-f", f"ops/stack/{name}.Dockerfile", "--label", LABEL,
           "-t", f"cc-stack/{name}:test", "ops/stack", env=environment, capture=True)
    notes.append("cc-stack/python, postgres, redis :test built (layers cached after the first run)")
    return "; ".join(notes)


# --- 4. application image -----------------------------------------------------------------------------------

def app_image() -> str:
    environment = {**os.environ, "DOCKER_BUILDKIT": "1"}
    sh(docker_cli(), "build", "--progress=plain", "--secret", f"id=extra_ca,src={CA_BUNDLE}",
       "--build-arg", "BASE_IMAGE=cc-stack/python:test", "--build-arg", "PG_MAJOR=15",
       "--build-arg", "PG_CLIENT_SOURCE=debian", "--label", LABEL, "-t", APP_IMAGE, ".", env=environment,
       timeout=1800)
    # the image this build replaced, now untagged
    sh(docker_cli(), "image", "prune", "-f", "--filter", f"label={LABEL}", capture=True)
    size = int(sh(docker_cli(), "image", "inspect", "--format", "{{.Size}}", APP_IMAGE, capture=True).stdout)
    probe = sh(docker_cli(), "run", "--rm", APP_IMAGE, "sh", "-c",
               "id -u; pg_dump --version; for t in gcc cc c++ g++ clang make ld as; do command -v $t; done; true",
               capture=True).stdout.split("\n")
    uid, pg_dump = probe[0].strip(), probe[1].strip()
    tools = [line.strip() for line in probe[2:] if line.strip()]
    print(f"image {APP_IMAGE}: {size / 1e6:.0f} MB, uid {uid}, {pg_dump}, build tools: {tools or 'none'}")
    if uid == "0":
        raise StepFailed("the image runs as root")
    if tools:
        raise StepFailed(f"build tools in the image: {', '.join(tools)}")
    return f"{size / 1e6:.0f} MB; runs as uid {uid}; no compiler, make or linker; {pg_dump}"


# --- 5. up and health ---------------------------------------------------------------------------------------

def containers(service: str) -> list[str]:
    return compose("ps", "-q", service, capture=True).stdout.split()


def state(container: str) -> dict:
    out = sh(docker_cli(), "inspect", "--format", "{{json .State}}", container, capture=True).stdout
    return json.loads(out)


def wait_healthy(timeout: float = 300) -> str:
    wanted = {"db": 1, "redis": 1, "web": 2, "worker": 1}
    deadline = time.monotonic() + timeout
    while True:
        report, done = [], True
        for service, count in wanted.items():
            ids = containers(service)
            healthy = [i for i in ids if state(i).get("Health", {}).get("Status") == "healthy"]
            report.append(f"{service} {len(healthy)}/{count}")
            done = done and len(healthy) >= count and len(ids) == count
        running = [i for i in containers("beat") if state(i).get("Running")]
        report.append(f"beat {len(running)}/1 running")
        done = done and len(running) == 1
        if done:
            return ", ".join(report) + " healthy"
        if time.monotonic() > deadline:
            raise StepFailed("not healthy in time: " + ", ".join(report))
        time.sleep(3)


def up() -> str:
    compose("up", "-d", "--no-build", env={**os.environ, "EXTRA_CA_BUNDLE": CA_BUNDLE})
    health = wait_healthy()
    migrate = containers("migrate")
    if not migrate:
        raise StepFailed("no migrate container")
    status = state(migrate[0])
    if status.get("Running") or status.get("ExitCode") != 0:
        raise StepFailed(f"migrate: exit code {status.get('ExitCode')}")
    plan = compose("exec", "-T", "--index=1", "web", "python", "manage.py", "showmigrations", "--plan",
                   capture=True).stdout
    applied, pending = plan.count("[X]"), plan.count("[ ]")
    if pending:
        raise StepFailed(f"{pending} migrations not applied")
    return f"{health}; migrate exited 0 with {applied} migrations applied, none pending"


# --- 6. demo data and logins ------------------------------------------------------------------------------

def demo_data() -> str:
    out = compose("exec", "-T", "--index=1", "web", "python", "manage.py", "load_demo", "--quiet-logins",
                  capture=True).stdout
    return out.strip().splitlines()[-1] if out.strip() else "load_demo"


def last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise StepFailed(f"no result in: {text[-300:]}")


def logins() -> str:
    notes = []
    for index in (1, 2):  # each web replica, on its own port 8000, as the proxy reaches it
        result = compose("exec", "-T", f"--index={index}", "web", "python", "ops/stack/in_stack.py", "logins",
                         "--host", "localhost", check=False, capture=True)
        data = last_json(result.stdout + "\n" + result.stderr)
        failed = [f"{row['role']}: {row.get('status')} {row.get('error', '')}"
                  for row in data["logins"] if not row["ok"]]
        if failed or not data["ok"] or not data["logins"]:
            raise StepFailed(f"web replica {index}: " + ("; ".join(failed) or "no demo logins"))
        notes.append(f"replica {index}: {len(data['logins'])} roles, home 200")
        roles = ", ".join(row["role"] for row in data["logins"])
    # and once through the service name from another container (Docker's DNS: both replicas' addresses)
    result = compose("exec", "-T", "worker", "python", "ops/stack/in_stack.py", "logins", "--host", "web",
                     check=False, capture=True)
    data = last_json(result.stdout + "\n" + result.stderr)
    if not data["ok"]:
        raise StepFailed(f"via web:8000: {data}")
    notes.append(f"via web:8000 from the worker: {len(data['logins'])} roles")
    return "; ".join(notes) + f" ({roles})"


def ca_in_containers() -> str:
    code = ("import urllib.request as u; "
            "print(u.urlopen('https://pypi.org/simple/pip/', timeout=20).status)")
    result = compose("exec", "-T", "worker", "python", "-c", code, check=False, capture=True)
    if result.returncode != 0 or "200" not in result.stdout:
        raise StepFailed("HTTPS from the worker failed: " + (result.stderr.strip().splitlines() or ["?"])[-1])
    return "HTTPS from the worker verifies with the mounted host bundle (PyPI answered 200)"


# --- 7. reminders ------------------------------------------------------------------------------------------

def mail() -> list[dict]:
    out = compose("exec", "-T", "smtp", "python", "/sink/smtp_sink.py", "list", "--folder", "/mail",
                  capture=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def seed(mark: str, lead: int) -> dict:
    result = compose("exec", "-T", "worker", "python", "ops/stack/in_stack.py", "seed-reminder", mark,
                     "--lead", lead, capture=True)
    return last_json(result.stdout)


def wait_for_mail(marks: list[str], timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        found = {mark: sum(mark in message["marks"] for message in mail()) for mark in marks}
        if all(found.values()) or time.monotonic() > deadline:
            return found
        time.sleep(3)


def reminder() -> str:
    seeded = seed("STACKTEST-A", 15)
    started = time.monotonic()
    found = wait_for_mail(["STACKTEST-A"], timeout=180)
    if found["STACKTEST-A"] != 1:
        raise StepFailed(f"STACKTEST-A in the sink {found['STACKTEST-A']} times (want 1)")
    waited = time.monotonic() - started
    return f"due {seeded['due_at'][11:19]} Copenhagen time, in the SMTP sink once, {waited:.0f} s after seeding"


# --- 8. backup and restore ---------------------------------------------------------------------------------

def backup_restore() -> str:
    WORK.mkdir(parents=True, exist_ok=True)
    archive = WORK / "backup.tar.gz"
    # The documented command (docs/deployment.md, "With docker compose").
    with open(archive, "wb") as out:
        compose("run", "--rm", "-T", "--no-deps", "web", "python", "manage.py", "backup", "--output", "-", stdout=out)
    size = archive.stat().st_size
    compose("exec", "-T", "db", "dropdb", "-U", "circular", "--if-exists", "restore_check")
    compose("exec", "-T", "db", "createdb", "-U", "circular", "restore_check")
    password = next(line.split("=", 1)[1] for line in (ROOT / "ops/stack/test.env").read_text().splitlines()
                    if line.startswith("POSTGRES_PASSWORD="))
    scratch = f"postgres://circular:{password}@db:5432/restore_check"
    with open(archive, "rb") as source:
        compose("run", "--rm", "-T", "--no-deps", "web", "python", "manage.py", "restore", "-", "--database-url",
                scratch, "--media-root", "/tmp/restore-check", stdin=source)  # noqa: S108  (in the container)
    live = last_json(compose("exec", "-T", "worker", "python", "ops/stack/in_stack.py", "counts",
                             capture=True).stdout)["counts"]
    restored = last_json(compose("exec", "-T", "-e", f"DATABASE_URL={scratch}", "worker", "python",
                                 "ops/stack/in_stack.py", "counts", capture=True).stdout)["counts"]
    compose("exec", "-T", "db", "dropdb", "-U", "circular", "restore_check")
    if live != restored or not live.get("accounts.User"):
        raise StepFailed(f"restored rows differ: live {live}, restored {restored}")
    return (f"archive {size / 1024:.0f} KiB; restored into a fresh database: "
            + ", ".join(f"{name.split('.')[1]} {count}" for name, count in restored.items()) + " (same as live)")


# --- 9. restart --------------------------------------------------------------------------------------------

def restart() -> str:
    seeded = seed("STACKTEST-B", 5)  # falls due while the containers restart (a restart takes 8 s or more)
    due = datetime.fromisoformat(seeded["due_at"])
    began = datetime.now(UTC)
    compose("restart", "web", "worker", "beat")
    ended = datetime.now(UTC)
    health = wait_healthy()
    logins()
    found = wait_for_mail(["STACKTEST-A", "STACKTEST-B"], timeout=240)
    time.sleep(25)  # two more scans and a sweep chance: a duplicate would show now
    found = {mark: sum(mark in message["marks"] for message in mail()) for mark in found}
    ids = [message["message_id"] for message in mail()]
    if found != {"STACKTEST-A": 1, "STACKTEST-B": 1}:
        raise StepFailed(f"reminders in the sink after the restart: {found} (want each once)")
    if len(ids) != len(set(ids)):
        raise StepFailed("a Message-ID arrived twice")
    when = (f"{(due - began).total_seconds():.0f} s after `restart` began, which took "
            f"{(ended - began).total_seconds():.0f} s")
    return (f"{health}; logins on both replicas again; a reminder due {when} arrived once, the first one is "
            f"still there once ({len(ids)} e-mails in the sink)")


# --- 10. down ----------------------------------------------------------------------------------------------

def down() -> str:
    compose("down", "-v", "--remove-orphans", "--timeout", "30", env={**os.environ, "EXTRA_CA_BUNDLE": CA_BUNDLE})
    left = sh(docker_cli(), "ps", "-aq", "--filter", f"label=com.docker.compose.project={PROJECT}",
              capture=True).stdout.split()
    if left:
        raise StepFailed(f"{len(left)} containers left")
    return "containers, network and volumes removed"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="leave the stack running at the end")
    parser.add_argument("--no-engine-install", action="store_true")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("make stack-test needs root (it installs and starts the Docker Engine).", file=sys.stderr)
        return 2
    os.environ["EXTRA_CA_BUNDLE"] = CA_BUNDLE
    steps = Steps()
    ready = (steps.run("engine", engine, not args.no_engine_install)
             and steps.run("compose config", config)
             and steps.run("base images", base_images)
             and steps.run("application image", app_image))
    if ready:
        try:
            compose("down", "-v", "--remove-orphans", check=False)  # what an interrupted run left
            if steps.run("up, migrate, health", up) and steps.run("demo data", demo_data):
                steps.run("logins over HTTP", logins)
                steps.run("CA bundle in containers", ca_in_containers)
                if steps.run("reminder via worker", reminder):
                    steps.run("backup and restore", backup_restore)
                    steps.run("restart web worker beat", restart)
        finally:
            if not args.keep:
                if not steps.ok:
                    compose("logs", "--no-color", "--tail", "40", check=False)
                steps.run("down", down)
    table = steps.table()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "table.md").write_text(table + "\n")
    print("\n" + table)
    return 0 if steps.ok else 1


if __name__ == "__main__":
    sys.exit(main())

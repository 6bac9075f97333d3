# ruff: noqa: S603, S607, S108  (starts our own servers; gunicorn's heartbeat files in /dev/shm)
"""Starting and stopping the servers of the benchmark and the load test: our own Redis, our own PostgreSQL
cluster, gunicorn, Celery. Everything lives under ``var/`` and listens on localhost ports of its own, so the
machine's PostgreSQL (5432) and Redis (6379), which other people's tests use, are never touched."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def wait_for_port(port: int, *, timeout: float = 30.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Nothing listens on {host}:{port} after {timeout:.0f} s")


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def stop(process: subprocess.Popen | None, *, timeout: float = 20.0) -> None:
    """Stop one process we started (and its process group), by its id."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def spawn(args: list[str], *, env: dict, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = open(log, "ab")  # noqa: SIM115  (the child keeps it)
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)


class Redis:
    """A throw-away redis-server: no persistence, our port, our process."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder = port, folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = spawn([shutil.which("redis-server") or "redis-server", "--port", str(self.port),
                              "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                             env=dict(os.environ), log=self.folder / "redis.log")
        wait_for_port(self.port)

    def stop(self) -> None:
        stop(self.process)
        self.process = None


class Postgres:
    """A throw-away PostgreSQL cluster in ``folder`` (initdb once), on its own port and socket directory.

    initdb and postgres refuse to run as root: as root, they run as the ``postgres`` system user."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder = port, folder
        self.data = folder / "data"
        self.sockets = folder / "run"

    def _as_owner(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, check=True, cwd="/", **kwargs)

    def init(self) -> None:
        if self.data.exists():
            shutil.rmtree(self.data)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sockets.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.sockets, "postgres")
            # the postgres user must be able to reach the folder; var/ and its parents are root's
            for parent in [self.folder, *self.folder.parents]:
                if parent == Path("/"):
                    break
                os.chmod(parent, os.stat(parent).st_mode | 0o011)  # noqa: S103  (search, not read)
        self._as_owner([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.sockets}'\nmax_connections = 200\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")

    def pg_ctl(self, *args: str) -> None:
        self._as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "postgres.log"),
                        "-w", "-t", "60", *args], stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self.pg_ctl("start")
        wait_for_port(self.port)

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "fast")

    def createdb(self, name: str) -> None:
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
                       check=True)


def gunicorn(*, port: int, workers: int, threads: int, env: dict, log: Path, preload: bool = False) -> subprocess.Popen:
    """``preload``: the master loads the application once and forks every worker from it, so a new worker (after
    SIGHUP) starts in a moment, with the code imported and nothing else in memory."""
    process = spawn([str(VENV_BIN / "gunicorn"), "circular_cities.wsgi:application", "--bind", f"127.0.0.1:{port}",
                     "--workers", str(workers), "--threads", str(threads), "--timeout", "60",
                     "--graceful-timeout", "10", "--worker-tmp-dir", "/dev/shm", *(["--preload"] if preload else [])],
                    env=env, log=log)
    wait_for_port(port, timeout=60)
    return process

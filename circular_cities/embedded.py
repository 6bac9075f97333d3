"""The embedded run behind `make run`: web server, Celery worker and beat, no external service.

Starts the three processes, prints where to go, and stops them all on Ctrl-C."""

import argparse
import os
import signal
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "circular_cities.settings", "PYTHONUNBUFFERED": "1"}
    python = sys.executable
    commands = {
        "worker": [python, "-m", "celery", "-A", "circular_cities", "worker", "--loglevel=WARNING",
                   "--concurrency=2", "--without-gossip", "--without-mingle"],
        "beat": [python, "-m", "celery", "-A", "circular_cities", "beat", "--loglevel=WARNING"],
        "web": [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
    }
    processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}  # noqa: S603
    print(f"\n  Circular Cities is running at http://{args.host}:{args.port}/  (Ctrl-C stops web, worker and beat)\n",
          flush=True)
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

# Production image. The same image runs web (gunicorn), worker and beat (celery);
# docker-compose.yml picks the command. Needs BuildKit (Docker 20.10+: DOCKER_BUILDKIT=1, or
# `docker compose build`); no `# syntax=` line, so the builder's built-in Dockerfile frontend is used and
# nothing is pulled from a registry besides BASE_IMAGE.
#
# Build arguments (defaults are what production uses; docs/deployment.md, "Building the image"):
#   BASE_IMAGE        python:3.11-slim  any Debian-based image with Python 3.11 as `python` and its venv module
#   PG_MAJOR          16                the db service's PostgreSQL major version: pg_dump/pg_restore must match it
#   PG_CLIENT_SOURCE  pgdg              pgdg: postgresql-client-$PG_MAJOR from the PostgreSQL project's apt
#                                       repository; debian: from the base image's own Debian (bookworm has 15)
# Build secret (optional) `extra_ca`: a CA bundle (PEM) that apt and pip trust during the build instead of their
# own, for networks behind a TLS-inspecting proxy:
#   docker build --secret id=extra_ca,src=/etc/ssl/certs/ca-certificates.crt .
# It is used only while building and is not stored in the image.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

# PYTHONPATH=/app: the code in /app wins over the copy pip installs into
# site-packages, so BASE_DIR (templates/, static/, locale/) is /app in every process.
# The packages live in a virtual environment (/opt/venv, first on PATH), so the image builds the same on the
# official Python image and on a Debian python3 whose system packages pip must not touch.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

# pg_dump and pg_restore for `manage.py backup` / `restore`. The client must be at least the server's
# major version (docker-compose.yml runs postgres:16; Debian bookworm's own client is 15), so by default it
# comes from the PostgreSQL project's repository, set up with the script and key Debian's postgresql-common
# ships. With PG_CLIENT_SOURCE=debian it comes from the base image's Debian, for a server of that version.
ARG PG_MAJOR=16
ARG PG_CLIENT_SOURCE=pgdg
# hadolint ignore=DL3008
RUN --mount=type=secret,id=extra_ca \
    set -eu; \
    if [ -s /run/secrets/extra_ca ]; then \
        echo 'Acquire::https::CAInfo "/run/secrets/extra_ca";' > /etc/apt/apt.conf.d/99extra-ca; \
    fi; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates; \
    case "$PG_CLIENT_SOURCE" in \
        pgdg) apt-get install -y --no-install-recommends postgresql-common \
              && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y ;; \
        debian) ;; \
        *) echo "PG_CLIENT_SOURCE must be pgdg or debian, not $PG_CLIENT_SOURCE" >&2; exit 1 ;; \
    esac; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/* /etc/apt/apt.conf.d/99extra-ca; \
    pg_dump --version | grep -q " ${PG_MAJOR}\."

WORKDIR /app

# pyproject.toml pins the direct dependencies, constraints.txt the whole tree. They are installed before the
# code is copied, so a change of code reuses this layer.
COPY pyproject.toml constraints.txt ./
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=secret,id=extra_ca \
    set -eu; \
    if [ -s /run/secrets/extra_ca ]; then export PIP_CERT=/run/secrets/extra_ca; fi; \
    python -m venv "$VIRTUAL_ENV"; \
    python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt; \
    pip install -c constraints.txt -r /tmp/requirements.txt; \
    rm /tmp/requirements.txt

COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=secret,id=extra_ca \
    if [ -s /run/secrets/extra_ca ]; then export PIP_CERT=/run/secrets/extra_ca; fi; \
    pip install --no-deps . && rm -rf build ./*.egg-info

# Compile translations when there are catalogues; pybabel fails on an empty locale/.
RUN set -- locale/*/LC_MESSAGES/django.po; \
    if [ -f "$1" ]; then \
        pybabel compile -d locale -D django; \
    else \
        echo "no locale/*/LC_MESSAGES/django.po: no translations to compile"; \
    fi

# Static files are baked into the image and served by WhiteNoise. Production
# settings refuse to load without a secret key and allowed hosts, so this one step
# gets dummies; they are build args, not part of the image's environment.
# settings.py creates var/ on import: drop that and give the app user a clean one.
# Code and static files stay root-owned, i.e. read-only for the app. Writable are
# var/ (mail files if EMAIL_URL is missing) and /data/media (uploads; an empty named
# volume mounted there takes over this directory's ownership).
# hadolint ignore=DL3064
ARG DJANGO_SECRET_KEY=collectstatic-only-not-a-real-secret
ARG DJANGO_ALLOWED_HOSTS=localhost
ARG SITE_URL=https://collectstatic.invalid
RUN DJANGO_PRODUCTION=1 \
    DJANGO_SECRET_KEY="$DJANGO_SECRET_KEY" \
    DJANGO_ALLOWED_HOSTS="$DJANGO_ALLOWED_HOSTS" \
    SITE_URL="$SITE_URL" \
    python manage.py collectstatic --noinput \
    && rm -rf var \
    && mkdir -p var /data/media \
    && chown app:app var /data/media

USER 1000:1000

# FORWARDED_ALLOW_IPS: only the reverse proxy and the compose network reach port
# 8000, so gunicorn may trust X-Forwarded-* from any peer. (Django reads
# X-Forwarded-Proto itself through SECURE_PROXY_SSL_HEADER.)
# GUNICORN_WORKERS: about one per CPU the container gets; threads absorb slow
# clients and waits on the database. Both can be overridden in the environment.
ENV MEDIA_ROOT=/data/media \
    FORWARDED_ALLOW_IPS="*" \
    GUNICORN_WORKERS=3 \
    GUNICORN_THREADS=4

EXPOSE 8000

# Shell form so the variables above expand; exec makes gunicorn PID 1 (signals).
# hadolint ignore=DL3025
CMD exec gunicorn circular_cities.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "$GUNICORN_WORKERS" \
    --threads "$GUNICORN_THREADS" \
    --worker-tmp-dir /dev/shm \
    --timeout 60 \
    --graceful-timeout 30 \
    --max-requests 2000 \
    --max-requests-jitter 200 \
    --access-logfile - \
    --error-logfile -

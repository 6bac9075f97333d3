# syntax=docker/dockerfile:1
# Production image. The same image runs web (gunicorn), worker and beat (celery);
# docker-compose.yml picks the command.
FROM python:3.11-slim

# PYTHONPATH=/app: the code in /app wins over the copy pip installs into
# site-packages, so BASE_DIR (templates/, static/, locale/) is /app in every process.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

# pg_dump and pg_restore for `manage.py backup` / `restore`. The client must be at least the server's
# major version (docker-compose.yml runs postgres:16; Debian's own client is older), so it comes from the
# PostgreSQL project's repository, set up with the script and key Debian's postgresql-common ships.
ARG PG_MAJOR=16
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .

# pyproject.toml pins the direct dependencies, constraints.txt the whole tree.
RUN --mount=type=cache,target=/root/.cache/pip \
    test -f pyproject.toml && test -f constraints.txt \
    && pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info

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

# Test-only stand-in for postgres:16 (make stack-test): Debian bookworm's PostgreSQL 15, which matches the
# postgresql-client-15 the application image then installs from the same Debian. It reads the official image's
# variables (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB) and keeps its data in /var/lib/postgresql/data.
ARG DEBIAN_IMAGE=cc-stack/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
    && pg_dropcluster 15 main \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["sh", "/usr/local/bin/postgres-entrypoint.sh"]

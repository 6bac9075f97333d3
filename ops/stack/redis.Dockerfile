# Test-only stand-in for redis:7 (make stack-test): Debian bookworm's Redis 7.0. Like the official image it runs
# as the user redis in /data and accepts connections from the compose network (no protected mode).
ARG DEBIAN_IMAGE=cc-stack/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
    && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
# The compose file's command starts with redis-server; this adds what the official image builds in.
ENTRYPOINT ["sh", "-c", "exec \"$@\" --protected-mode no --bind 0.0.0.0", "redis-entrypoint"]
CMD ["redis-server"]

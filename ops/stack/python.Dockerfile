# Test-only stand-in for python:3.11-slim (make stack-test): Debian bookworm's own Python 3.11, on a base image
# made with debootstrap because no image registry is reachable from the test machine. `python` is python3.
ARG DEBIAN_IMAGE=cc-stack/debian:bookworm
FROM ${DEBIAN_IMAGE}
ENV LANG=C.UTF-8
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python-is-python3 ca-certificates \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
CMD ["python3"]

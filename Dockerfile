# Multi-stage image: front-end libraries from npm, Python packages from the pinned constraints, a slim non-root runtime.
# Runs the migrations, then the server. Configuration: BALLOT_* environment variables (docs/operations.md).

FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY ballot/static/js/crypto ballot/static/js/crypto
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir --upgrade pip
COPY constraints.txt pyproject.toml README.md ./
COPY crypto crypto
COPY audits audits
COPY ballot ballot
COPY --from=assets /src/ballot/static/build ballot/static/build
RUN /opt/venv/bin/pip install --no-cache-dir -c constraints.txt babel \
 && /opt/venv/bin/pybabel compile -d ballot/locale -D messages \
 && /opt/venv/bin/pip install --no-cache-dir -c constraints.txt ./crypto ./audits .

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /app ballot
COPY --from=build /opt/venv /opt/venv
COPY --chown=ballot:ballot templates /app/templates
COPY --from=assets --chown=ballot:ballot /src/node_modules /app/node_modules
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BALLOT_ENV=production \
    BALLOT_VAR_DIR=/app/var \
    BALLOT_TEMPLATES_DIR=/app/templates \
    BALLOT_VENDOR_DIR=/app/node_modules \
    BALLOT_SECURE_COOKIES=1
WORKDIR /app
USER ballot
RUN mkdir -p /app/var
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["sh", "-c", "ballot db upgrade && exec ballot serve --host 0.0.0.0 --port 8000 --workers ${BALLOT_WORKERS:-2}"]

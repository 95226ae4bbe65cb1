# Belong: one image for every process of the portal: web (gunicorn), worker and beat (Celery), migrate.
#   docker compose build     (see docker-compose.yml and README.md, "Production with Docker Compose")

ARG PYTHON_IMAGE=python:3.12-slim

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
# Exactly the locked versions (every dependency is pinned in the lock, so --no-deps), each file checked
# against its hash. requirements.lock has no `dev` extra: the embedded PostgreSQL/Redis never ship here.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-deps --require-hashes -r /tmp/requirements.lock && pip check && rm /tmp/requirements.lock

FROM base AS build
# gettext's msgfmt compiles translations; it stays out of the runtime image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# Settings need these to import; nothing connects to them while building.
RUN export SECRET_KEY=build-only-not-a-secret \
        DATABASE_URL=postgres://build@127.0.0.1:1/build \
        REDIS_URL=redis://127.0.0.1:1/0 \
        STATIC_MANIFEST=true \
 && if [ -n "$(find . -name '*.po' -not -path './staticfiles/*' -print -quit)" ]; then \
        python manage.py compilemessages --ignore 'staticfiles/*'; \
    fi \
 && python manage.py collectstatic --no-input \
 && python -m compileall -q belong accounts groups equity_plan comments funding

FROM base AS runtime
RUN groupadd --system --gid 10001 belong \
 && useradd --system --uid 10001 --gid belong --home-dir /app --no-create-home --shell /usr/sbin/nologin belong \
 && install -d -o belong -g belong -m 700 /var/lib/belong/private
WORKDIR /app
# Code and static files belong to root: the app user can read them, never change them.
COPY --from=build /app /app
ENV DJANGO_SETTINGS_MODULE=belong.settings \
    PYTHONPATH=/app \
    PORT=8000 \
    DEBUG=false \
    STATIC_MANIFEST=true
USER belong:belong
EXPOSE 8000
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "belong.wsgi"]

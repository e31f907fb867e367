# The portal image: one image for web, Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files (Bootstrap, htmx, the portal's own) are collected at build time; the
# production settings need their variables to import, not real ones.
RUN PRODUCTION=true SECRET_KEY=build-only-not-used-at-runtime ALLOWED_HOSTS=build \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://build:6379/0 \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv \
    && mkdir -p /app/media \
    && chown -R portal:portal /app/media

USER portal
EXPOSE 8000
CMD ["gunicorn", "mou_portal.wsgi", "--bind", "0.0.0.0:8000"]

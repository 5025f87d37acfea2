# Qualipref production image: gunicorn (web), and the same image runs the Celery worker and beat
# (see docker-compose.yml). Settings come from the environment (.env.example lists every variable).
FROM python:3.11-slim-bookworm

ENV DEBUG=0 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    QUALIPREF_VAR_DIR=/var/lib/qualipref \
    MEDIA_ROOT=/var/lib/qualipref/media \
    STATIC_ROOT=/app/staticfiles \
    DB_CONN_MAX_AGE=300 \
    PORT=8000

# WeasyPrint (PDF reports): Pango, HarfBuzz and fonts; nothing else is needed at run time.
# postgresql-client: pg_dump / pg_restore of `manage.py backup` and `restore` (15, as the postgres service).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/ requirements/
RUN pip install -r requirements/base.txt

COPY . .
# Static files are collected (hashed, compressed) at build time and served by whitenoise.
# The secret key below only exists during this step: the settings refuse DEBUG=0 without one.
RUN SECRET_KEY=collectstatic-build-step-only-not-a-secret-0123456789 ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin qualipref \
    && mkdir -p "$MEDIA_ROOT" "$QUALIPREF_VAR_DIR/celery" \
    && chown -R qualipref:qualipref "$QUALIPREF_VAR_DIR"

USER qualipref
EXPOSE 8000

# /healthz answers 200 when the database and the broker answer; the Host header must be an allowed host.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; host = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.'); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': host}), timeout=8)"

CMD ["sh", "-c", "exec gunicorn qualipref.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --access-logfile - --no-control-socket"]

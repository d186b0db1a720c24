# Lokale's production image: one image for web (gunicorn), worker and beat (Celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LOKALE_STATIC_ROOT=/app/staticfiles

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. psycopg-binary brings
# its own libpq, so the slim image needs no system packages.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Translations are compiled, and static files collected into the image and served by
# WhiteNoise from the web process.
RUN python scripts/compile_messages.py \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app lokale
USER lokale

EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]

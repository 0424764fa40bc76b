# First version: the production issue adds the heartbeat health check, compose and webhook mode.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Dependencies first, in their own cached layer: only pyproject.toml changes invalidate it.
COPY pyproject.toml README.md ./
RUN mkdir -p bot dialogs models migrations \
    && touch bot/__init__.py dialogs/__init__.py models/__init__.py migrations/__init__.py \
    && pip install --no-cache-dir . \
    && pip uninstall -y carpool-bot

COPY bot ./bot
COPY dialogs ./dialogs
COPY models ./models
COPY migrations ./migrations
RUN pip install --no-cache-dir --no-deps . \
    && useradd --create-home --uid 10001 carpool \
    && mkdir -p /data /app/logs && chown carpool:carpool /data /app/logs

USER carpool
ENV DATABASE_URL=sqlite:////data/carpool.sqlite3 LOG_DIR=/app/logs
VOLUME ["/data", "/app/logs"]
ENTRYPOINT ["carpool-bot"]
CMD ["run"]

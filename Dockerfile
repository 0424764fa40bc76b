# Carpool bot: one process, polling (development) or webhook (production, WEBHOOK_URL set).
# Data (SQLite database, backups) lives in /data. Logs go to stdout only (`docker logs`;
# LOG_FORMAT=json for a collector): a log file shared by replicas would be corrupted.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# 1. Dependencies only, in their own cached layer: it is rebuilt only when
#    pyproject.toml changes. The stub packages let pip resolve the project;
#    the project itself is uninstalled again right after. Versions are bounded
#    in pyproject.toml (DL3013 asks for == pins, which belong to a lock file).
COPY pyproject.toml README.md ./
# hadolint ignore=DL3013
RUN mkdir -p bot dialogs models migrations \
    && touch bot/__init__.py dialogs/__init__.py models/__init__.py migrations/__init__.py \
    && pip install --no-cache-dir ".[postgres,redis]" \
    && pip uninstall -y carpool-bot \
    && rm -rf bot dialogs models migrations build ./*.egg-info

# 2. The code, installed (with its migrations) and then read-only for the bot user.
COPY bot ./bot
COPY dialogs ./dialogs
COPY models ./models
COPY migrations ./migrations
# hadolint ignore=DL3013
RUN pip install --no-cache-dir --no-deps . \
    && rm -rf bot dialogs models migrations build ./*.egg-info \
    && groupadd --gid 10001 carpool \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin carpool \
    && mkdir -p /data \
    && chown carpool:carpool /data

USER 10001:10001
ENV DATABASE_URL=sqlite:////data/carpool.sqlite3 \
    LOG_DIR="" \
    HEARTBEAT_FILE=/tmp/carpool-bot.heartbeat \
    WEBHOOK_PORT=8080
VOLUME ["/data"]
EXPOSE 8080

# The bot rewrites its heartbeat file every 10 s with its verdict (the database takes a
# write, most recent updates did not fail); this check reads it with the standard library
# only (importing aiogram costs ~3 s). The file is in the container, not on the /data
# volume, so replicas sharing the volume cannot answer for each other.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.health"]

# `carpool-bot` (= `carpool-bot run`) applies pending migrations, backing the
# SQLite file up first, then starts the bot.
ENTRYPOINT ["carpool-bot"]
CMD ["run"]

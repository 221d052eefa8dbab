# The same steps as `make run`: a virtual environment, the package, compiled translations;
# the bot applies migrations itself when it starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/mentorbot.sqlite3

RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 mentorbot \
    && mkdir -p /data /app \
    && chown mentorbot:mentorbot /data /app

WORKDIR /app
USER mentorbot
COPY --chown=mentorbot:mentorbot . .
RUN make install i18n-compile

VOLUME ["/data"]
# Webhook mode listens here when WEBHOOK_URL is set; long polling needs no port.
EXPOSE 8080
STOPSIGNAL SIGTERM
# Unhealthy when the bot has not polled Telegram (or served a webhook) for a minute.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s \
    CMD [".venv/bin/python", "-m", "bot", "health"]
# Python itself is PID 1, so SIGTERM reaches the bot and it stops cleanly.
CMD [".venv/bin/python", "-m", "bot", "run"]

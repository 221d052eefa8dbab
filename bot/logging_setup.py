"""Logging that never prints the bot token, whoever formats the message."""

from __future__ import annotations

import logging
import re

# aiogram and aiohttp may mention request URLs, which contain the token after "/bot".
_TOKEN_LIKE = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{30,100}")


class RedactTokenFilter(logging.Filter):
    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN_LIKE.sub("<token>", message)
        if self._token:
            redacted = redacted.replace(self._token, "<token>")
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception texts are rendered later by the formatter; render and redact them now.
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = _TOKEN_LIKE.sub("<token>", formatted)
            if self._token:
                record.exc_text = record.exc_text.replace(self._token, "<token>")
            record.exc_info = None
        return True


def setup_logging(level: str, token: str | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(RedactTokenFilter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # One line per received update is noise at INFO in production.
    logging.getLogger("aiogram.event").setLevel(max(logging.getLevelName(level), logging.WARNING))

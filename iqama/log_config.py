"""The logging configuration: JSON lines through structlog's formatter for stdlib logging (every
logger, Django's and the libraries' included), or plain text for people; the request id
(``core.request_id``) on every line either way."""

from __future__ import annotations

from typing import Any

import structlog

_CHAIN = [
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),  # request_id, and what a call passes in ``extra``
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """``LOGGING`` for ``log_format`` ``json`` (the default) or ``plain``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": _CHAIN,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(),
                ],
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "plain" if log_format == "plain" else "json",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            "axes": {"level": "WARNING"},  # not every successful sign-in
        },
    }

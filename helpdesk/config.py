"""Every setting, read from the environment only (SPEC 7). One line each says what it is for."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SECRET_NAMES = ("SECRET_KEY", "HELPDESK_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL", "HELPDESK_SMTP_URL")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; raised when the app starts, not at import."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def database_url(raw: str) -> str:
    """psycopg 3 for every PostgreSQL URL, whatever driver (or none) it names."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def from_environment() -> dict[str, Any]:
    """The settings of this process. Relative paths are taken from the working directory."""
    data_dir = Path(os.environ.get("HELPDESK_DATA_DIR") or "instance").resolve()
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'helpdesk.sqlite3'}"
    return {
        # Signs sessions and portal links; stored-secret keys derive from it unless set below.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        # Comma-separated Fernet keys, newest first, to rotate the keys of stored secrets.
        "HELPDESK_ENCRYPTION_KEYS": os.environ.get("HELPDESK_ENCRYPTION_KEYS") or None,
        # sqlite:///path or postgresql://user@host:5432/db (psycopg 3 is used for PostgreSQL).
        "SQLALCHEMY_DATABASE_URI": database_url(db_url),
        # Attachments and other files; shared storage when several machines serve.
        "HELPDESK_DATA_DIR": str(data_dir),
        # Redis for RQ jobs and rate limits; unset means jobs run in process (embedded mode).
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Largest request body accepted, in bytes (webhooks, widget, uploads).
        "HELPDESK_MAX_BODY": _int("HELPDESK_MAX_BODY", 25 * 1024 * 1024),
        # Largest single attachment, in bytes.
        "HELPDESK_MAX_ATTACHMENT": _int("HELPDESK_MAX_ATTACHMENT", 10 * 1024 * 1024),
        # Public base URL for links in mail (portal links); default: the request's own host, which the client
        # chooses (its Host header): set it wherever the app is reachable by anyone but yourself.
        "HELPDESK_BASE_URL": os.environ.get("HELPDESK_BASE_URL") or None,
        # Reverse proxies in front of the app whose X-Forwarded-For and X-Forwarded-Proto are believed (0: none,
        # the app faces clients directly and a client's forged header would pass for its address).
        "HELPDESK_PROXY_HOPS": _int("HELPDESK_PROXY_HOPS", 1),
        # Default outbound mail server, smtp://[user:pass@]host[:port] or smtps://…
        "HELPDESK_SMTP_URL": os.environ.get("HELPDESK_SMTP_URL") or None,
        # Failed logins allowed per account (from any address), and per address (any accounts).
        "HELPDESK_LOGIN_LIMIT": os.environ.get("HELPDESK_LOGIN_LIMIT") or "5 per minute;30 per hour",
        "HELPDESK_LOGIN_IP_LIMIT": os.environ.get("HELPDESK_LOGIN_IP_LIMIT") or "30 per minute;300 per hour",
        # Widget complaints allowed per IP.
        "HELPDESK_WIDGET_LIMIT": os.environ.get("HELPDESK_WIDGET_LIMIT") or "30 per minute",
        # Shopper portal pages per IP, and requests for a new portal link per IP.
        "HELPDESK_PORTAL_LIMIT": os.environ.get("HELPDESK_PORTAL_LIMIT") or "120 per minute",
        "HELPDESK_MAGIC_LINK_LIMIT": os.environ.get("HELPDESK_MAGIC_LINK_LIMIT") or "5 per minute;20 per hour",
        # Seconds a worker waits in IMAP IDLE per pass (0: poll every 30 s; IDLE ties a worker to a mailbox).
        "HELPDESK_MAIL_IDLE_SECONDS": _int("HELPDESK_MAIL_IDLE_SECONDS", 0),
        # Secure cookies: on unless explicitly off (plain-HTTP development).
        "SESSION_COOKIE_SECURE": _bool("HELPDESK_SECURE_COOKIES", False),
        # Logging level of the app's own logger.
        "HELPDESK_LOG_LEVEL": os.environ.get("HELPDESK_LOG_LEVEL") or "INFO",
        # "development" allows a missing SECRET_KEY (make run writes one anyway).
        "HELPDESK_ENV": os.environ.get("HELPDESK_ENV") or "production",
    }


# Threads of each `helpdesk serve` process (gunicorn gthread). The engine's pool is sized from it below.
WEB_THREADS = 8


def pool_options(database_uri: str) -> dict[str, Any]:
    """A server database's pool: a connection for each thread's request, and as many again for the webhooks'
    held ones (`intake.held_connections`, at most WEB_THREADS idle), so a page never waits for one that the
    webhooks keep. An SQLite file is pooled alike; an in-memory one lives in a single connection."""
    if database_uri.startswith("sqlite") and (database_uri.rstrip("/") == "sqlite:" or ":memory:" in database_uri
                                              or "mode=memory" in database_uri):
        return {}
    return {"pool_size": WEB_THREADS, "max_overflow": WEB_THREADS}


STATIC_DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "fr",
    "API_TITLE": "Helpdesk API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "RATELIMIT_HEADERS_ENABLED": True,
    # A Redis outage must not lock people out: limits fall back to per-process memory until it is back.
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "TESTING": False,
}


def masked(config: dict[str, Any]) -> dict[str, Any]:
    """The effective settings with secrets hidden, for `helpdesk config`."""
    out = {}
    for key, value in sorted(config.items()):
        if not (key.startswith(("HELPDESK_", "SQLALCHEMY_DATABASE", "REDIS", "SECRET", "SESSION_COOKIE"))):
            continue
        if value and any(s in key for s in ("SECRET", "KEYS", "REDIS_URL", "SMTP_URL", "DATABASE")):
            value = _mask_url(str(value)) if "://" in str(value) else "***"
        out[key] = value
    return out


def _mask_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    if "@" in rest:
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url

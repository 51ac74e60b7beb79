"""The helpdesk Flask application: `create_app` is the composition root."""
from __future__ import annotations

import logging
import zoneinfo
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_babel import refresh as babel_refresh
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .extensions import HelpdeskApi, SessionInterface, babel, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent

# One set of time-zone rules for the whole product: Babel formats dates with pytz's copy of the IANA database,
# so the clocks (zoneinfo) read the same release from the `tzdata` package, not the system's copy, which may be
# older (Morocco's rules change often). Otherwise a page and a deadline can disagree by an hour.
zoneinfo.reset_tzpath(to=[])


def _template_folder() -> str:
    """The wheel ships templates inside the package; a checkout keeps them at the top level."""
    packaged = PACKAGE_DIR / "templates"
    return str(packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=_template_folder(), static_folder="static")
    app.config.update(settings.STATIC_DEFAULTS)
    app.config.update(settings.from_environment())
    if test_config:
        app.config.update(test_config)
    _check_config(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**settings.pool_options(app.config["SQLALCHEMY_DATABASE_URI"]),
                                               **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    app.config["MAX_CONTENT_LENGTH"] = app.config["HELPDESK_MAX_BODY"]
    app.session_interface = SessionInterface()
    _configure_logging(app)
    _init_extensions(app)
    _register_parts(app)
    # Outermost, after the parts have mounted theirs (the webhooks' own app), so every request sees the client.
    # X-Forwarded-Host is never believed: links in mail would follow a host any client can name.
    hops = app.config["HELPDESK_PROXY_HOPS"]
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[method-assign]
    return app


def _check_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        if app.config.get("TESTING") or app.config.get("HELPDESK_ENV") == "development":
            app.config["SECRET_KEY"] = "development-only-secret-key-not-for-production"
        else:
            raise settings.ConfigError("SECRET_KEY is not set: set it in the environment (SPEC 7)")
    Path(app.config["HELPDESK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)


def _configure_logging(app: Flask) -> None:
    logger = logging.getLogger("helpdesk")
    logger.setLevel(app.config["HELPDESK_LOG_LEVEL"])
    if not logging.getLogger().handlers and not logger.handlers:
        handler = logging.StreamHandler()  # stderr: stdout stays free for machine-read output
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout, so serve, poll-mail and sla-sweep can share one SQLite file (SPEC 7)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)

    @app.before_request
    def _forget_the_last_caller() -> None:
        # An application context can outlive a request (tests, the embedded server's jobs): the user
        # Flask-Login cached on it, and the language and time zone Flask-Babel chose for the previous
        # request, must not answer for this one.
        g.pop("_login_user", None)
        babel_refresh()

    csrf.init_app(app)
    # Limits are shared by every web process through Redis; per process in the embedded mode.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_locale, timezone_selector=_timezone)
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    # One flask-smorest Api per app: it holds that app's OpenAPI document.
    app.extensions["rest_api"] = HelpdeskApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})


def _locale() -> str:
    from flask_login import current_user

    lang = getattr(current_user, "language", None) if current_user else None
    # Shopper pages: an explicit choice (g.language), else the browser, else the shop's language (SPEC 4.3).
    return (g.get("language") or lang or request.accept_languages.best_match(["fr", "en", "ar"])
            or g.get("default_language") or "fr")


def _timezone() -> str:
    """Dates are shown in the merchant's time zone: the staff member's shop, or the shop of the portal page."""
    from flask import has_request_context
    from flask_login import current_user

    merchant = g.get("merchant") or (getattr(current_user, "merchant", None) if has_request_context() else None)
    return getattr(merchant, "timezone", None) or "UTC"


def _register_parts(app: Flask) -> None:
    from . import cli, company_views, errors, labels, security
    from .api import register as register_api
    from .auth import views as auth_views
    from .intake import views as delivery_views
    from .mediation import views as mediation_views
    from .reports import views as report_views
    from .sla import views as sla_views
    from .tickets import macro_views, workspace_views
    from .tickets import views as ticket_views
    from .views import health

    errors.register_error_handlers(app)
    security.init_app(app)
    labels.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(ticket_views.bp)
    app.register_blueprint(sla_views.bp)
    app.register_blueprint(delivery_views.bp)
    app.register_blueprint(macro_views.bp)
    app.register_blueprint(workspace_views.bp)
    app.register_blueprint(report_views.bp)
    app.register_blueprint(mediation_views.bp)
    app.register_blueprint(company_views.bp)
    _register_shopper_side(app)
    register_api(app)
    cli.register(app)
    _register_outside_parts(app)


def _register_shopper_side(app: Flask) -> None:
    """The widget, the portal and the demo shop page (issue 7)."""
    from .portal import views as portal_views
    from .widget import demo
    from .widget import views as widget_views

    app.register_blueprint(widget_views.bp)
    app.register_blueprint(portal_views.bp)
    app.register_blueprint(demo.bp)


def _register_outside_parts(app: Flask) -> None:
    """`integrations/` and `worker/` depend on helpdesk; only this composition root knows them."""
    import integrations
    import worker

    worker.init_app(app)
    integrations.init_app(app)
    # The portal's mails (withdrawal acknowledgements, fresh links) are recorded and sent by the email channel.
    from integrations.email.outbound import queue_mail

    app.extensions["helpdesk_queue_mail"] = queue_mail

"""Portal tokens never reach an access log line (SPEC 7.1)."""
from __future__ import annotations

from types import SimpleNamespace

from helpdesk.portal.redaction import RedactingLogger, redact_tokens

TOKEN = "eyJsIjoxLCJuIjoiMmI1Y2Q4ZjJjZTQyNDNjNjZiN2JmZjcxIn0.aw0CWA.ePt-t44BANJXVFxRSMvr1JxQbGc"


def test_paths_lose_their_token_and_keep_the_rest():
    assert redact_tokens(f"GET /portal/{TOKEN}/attachments/3 HTTP/1.1") == \
        "GET /portal/<redacted>/attachments/3 HTTP/1.1"
    assert redact_tokens(f"https://help.example/portal/{TOKEN}?lang=fr") == "https://help.example/portal/<redacted>?lang=fr"
    assert redact_tokens("POST /portal/link HTTP/1.1") == "POST /portal/link HTTP/1.1"


def test_the_access_log_line_of_gunicorn_has_no_token():
    from gunicorn.config import Config

    logger = RedactingLogger(Config())
    req = SimpleNamespace(method="GET", path=f"/portal/{TOKEN}", query="lang=ar", uri=f"/portal/{TOKEN}?lang=ar",
                          version=(1, 1), headers=[("REFERER", f"https://help.example/portal/{TOKEN}")])
    resp = SimpleNamespace(status="200 OK", sent=10, response_length=10, headers=[])
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/portal/{TOKEN}?lang=ar", "PATH_INFO": f"/portal/{TOKEN}",
               "QUERY_STRING": "lang=ar", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": f"https://help.example/portal/{TOKEN}"}
    from datetime import timedelta

    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))
    line = logger.cfg.access_log_format % atoms
    assert TOKEN not in line and "/portal/<redacted>" in line


def test_an_unexpected_error_on_a_portal_page_logs_the_path_without_its_token(make_app):
    import logging

    class Keep(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.lines.append(self.format(record))  # the traceback included

    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(token: str) -> str:
        raise RuntimeError("database is locked")

    app.add_url_rule("/portal/<token>/broken", "broken_portal_page", broken)
    kept, logger = Keep(), logging.getLogger("helpdesk.errors")
    logger.addHandler(kept)
    try:
        r = app.test_client().get(f"/portal/{TOKEN}/broken")
    finally:
        logger.removeHandler(kept)
    assert r.status_code == 500
    logged = "\n".join(kept.lines)
    assert "unhandled error on GET /portal/<redacted>/broken" in logged and TOKEN not in logged

"""A live server and headless Chromium for the browser tests.

The app runs in werkzeug's server on a free port, in a thread of this
process, against the pass's test database (CSRF on, as in production).
Chromium is Debian's (/usr/bin/chromium), driven by Playwright with
`executable_path`: no browser is ever downloaded. Missing, it skips on a
laptop and fails under CI=true.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import need_service

CHROMIUM = os.environ.get("HD_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


@pytest.fixture
def live(make_app: Any) -> Iterator[tuple[Any, str]]:
    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    need_service(Path(CHROMIUM).exists(), "Chromium (/usr/bin/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need_service(False, "Playwright (pip install playwright)")
        raise
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()

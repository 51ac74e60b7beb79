"""A plain `pip install .` (a wheel, not the checkout) gives a working `helpdesk` from any directory."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.pg_only
def test_installed_wheel_migrates_classifies_and_serves(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "instance", "__pycache__", "*.pyc"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Dependencies come from this environment (a path line, which does not load its editable install);
    # the project itself is built as a wheel and installed.
    site = next(venv.glob("lib/python*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "test-deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", str(src)],
                   check=True, timeout=600, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPDESK_", "FLASK_", "PYTHONPATH"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}", SECRET_KEY="wheel-test-secret-0123456789",
               HELPDESK_DATA_DIR=str(tmp_path / "data"))
    env.pop("REDIS_URL", None)
    helpdesk = str(venv / "bin" / "helpdesk")
    shutil.rmtree(src)  # nothing may come from the checkout any more
    subprocess.run([helpdesk, "init-db"], env=env, cwd=elsewhere, check=True, capture_output=True, timeout=300)
    out = subprocess.run([helpdesk, "classify"], input='{"subject": "", "body": "colis jamais arrivé"}\n',
                         env=env, cwd=elsewhere, capture_output=True, text=True, timeout=300, check=True).stdout
    assert '"category"' in out
    port = _free_port()
    server = subprocess.Popen([helpdesk, "serve", "--port", str(port)], env=env, cwd=elsewhere,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=3).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "serve did not come up"
                time.sleep(0.5)
        assert 'type="password"' in page
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css", timeout=3).read()
        assert b"--accent" in css
    finally:
        os.killpg(server.pid, 15)
        server.wait(20)

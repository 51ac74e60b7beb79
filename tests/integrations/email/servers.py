"""Real mail servers for the email tests: a private Dovecot (IMAP) and an aiosmtpd sink (SMTP).

Each test session starts its own Dovecot with its own config, port and
Maildir root (under /dev/shm when there is one), and each test gets its own
IMAP user, so concurrent runs never collide. Under CI=true a missing
Dovecot fails the tests; on a laptop they skip.
"""
from __future__ import annotations

import errno
import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
MAIL_USER = "vmail"
POOL = 300  # IMAP accounts per server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dovecot_available() -> bool:
    """Installed, and we may create its mail user (root, as on CI)."""
    return Path(DOVECOT).exists() and os.geteuid() == 0


def _mail_user() -> tuple[int, int]:
    """uid and gid owning the mail: passwd-file refuses uid 0, so a system user is created once."""
    try:
        entry = pwd.getpwnam(MAIL_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", MAIL_USER],
                       check=True, capture_output=True)
        entry = pwd.getpwnam(MAIL_USER)
    return entry.pw_uid, entry.pw_gid


@dataclass
class Dovecot:
    """One private Dovecot process: ``add_user`` gives each test a mailbox of its own."""

    root: Path
    port: int
    uid: int
    gid: int
    process: subprocess.Popen[bytes] | None = None
    users: list[str] = field(default_factory=list)
    spare: list[tuple[str, str]] = field(default_factory=list)

    @property
    def users_file(self) -> Path:
        return self.root / "users"

    def start(self) -> None:
        (self.root / "run").mkdir(parents=True, exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        os.chown(self.root / "home", self.uid, self.gid)
        # Users are written before the start: Dovecot may not notice a passwd-file changed within one second.
        self.spare = [(f"u{i}-{secrets.token_hex(3)}@shop.test", secrets.token_urlsafe(12)) for i in range(POOL)]
        self.users_file.write_text("".join(
            f"{u}:{{PLAIN}}{p}:{self.uid}:{self.gid}::{self.root / 'home' / u}\n" for u, p in self.spare))
        _chgrp_dovecot(self.users_file)
        (self.root / "dovecot.log").unlink(missing_ok=True)  # a failed start's log must not look like ours
        config = self.root / "dovecot.conf"
        config.write_text(_CONFIG.format(root=self.root, port=self.port, uid=self.uid, users=self.users_file))
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {_tail(self.root / 'dovecot.log')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            # Something listens; it is ours once our own login process logs the probe (another run's
            # server may have taken the port, and then this Dovecot exits on its bind).
            if "imap-login:" in _tail(self.root / "dovecot.log"):
                return
            time.sleep(0.05)
        raise RuntimeError("dovecot did not start listening")

    def stop(self, *, keep_root: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if not keep_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self) -> tuple[str, str]:
        """A fresh IMAP account (from the pool written at start); returns (user, password)."""
        user, password = self.spare.pop()
        self.users.append(user)
        return user, password

    def client(self, user: str, password: str) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(user, password)
        return client

    def append(self, user: str, password: str, messages: list[bytes], folder: str = "INBOX") -> None:
        """APPEND messages (MULTIAPPEND when the server offers it)."""
        with self.client(user, password) as client:
            if client.has_capability("MULTIAPPEND") and len(messages) > 1:
                for start in range(0, len(messages), 500):
                    client.multiappend(folder, messages[start:start + 500])
            else:
                for raw in messages:
                    client.append(folder, raw)


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"


def _chgrp_dovecot(path: Path) -> None:
    try:
        os.chown(path, -1, grp.getgrnam("dovecot").gr_gid)
    except (KeyError, PermissionError):
        pass
    path.chmod(0o640)


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/run
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = {uid}
stats_writer_socket_path =
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {users}
}}
userdb {{
  driver = passwd-file
  args = {users}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def start_dovecot() -> Dovecot:
    uid, gid = _mail_user()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix="hd-dovecot-", dir=base))
    root.chmod(0o755)
    for attempt in range(3):
        server = Dovecot(root, free_port(), uid, gid)
        try:
            server.start()
            return server
        except RuntimeError:
            # Most likely the other pass of `make test` took the free port first: try another one.
            server.stop(keep_root=attempt < 2)
            if attempt == 2:
                raise
        except Exception:
            server.stop()
            raise
    raise AssertionError("unreachable")


class SmtpSink:
    """An aiosmtpd server on a free loopback port that keeps every message it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self.fail_next = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return "451 4.3.0 try again later"
            self.envelopes.append(envelope)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        # The two passes of `make test` run at once: another process may take the free port before we bind it.
        for _ in range(5):
            try:
                self.controller.start()
                return self
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                from aiosmtpd.controller import Controller
                self.port = free_port()
                self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        raise RuntimeError("no free port for the SMTP sink")

    def stop(self) -> None:
        self.controller.stop()

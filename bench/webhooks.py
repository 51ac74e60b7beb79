"""Webhook intake under load, as production runs it, against a bare Flask route in the same run.

    .venv/bin/python bench/webhooks.py [--duration 10] [--rounds 3] [--connections 8] [--keep]

Serves the helpdesk with `helpdesk serve` (gunicorn, 2 workers, PostgreSQL,
Redis) and, with the same gunicorn settings, a bare Flask route answering
200. wrk (Debian's package) sends signed generic deliveries, each with its
own delivery id and shopper, over loopback; both are measured alike and their
ratio printed. The two are measured in turns (bare, webhook, bare, webhook,
…) and the median of the rounds' ratios is the figure: on a shared two-core
machine one round's ratio can move by a third. One run of forged deliveries
(signed with a wrong secret, all answered 401) follows: what refused traffic
costs. Then 2 RQ workers (`helpdesk worker`) turn the journal into tickets,
timed until the last one; every delivery answered `accepted` must be
journaled and become exactly one ticket: lost and duplicated are counted.

Needs: PostgreSQL at 127.0.0.1:5432 (trust auth as postgres), Redis at
127.0.0.1:6379, wrk. Uses a throwaway database and Redis db, dropped at the end.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("BENCH_REDIS_BASE", "redis://127.0.0.1:6379")
SECRET = "bench-generic-secret-0123456789"
SLUG = "bench-shop"

LUA = r"""
-- Each wrk thread sends its own slice of pre-signed deliveries and writes down the ids answered "accepted".
local lines, n, i = {}, 0, 0
local out
function setup(thread)
  thread:set("tid", __tid or 0)
  __tid = (__tid or 0) + 1
end
function init(args)
  local step, first = tonumber(args[2]), tid
  local k = 0
  for line in io.lines(args[1]) do
    if k % step == first then n = n + 1; lines[n] = line end
    k = k + 1
  end
  out = io.open(args[3] .. "." .. tid, "w")
end
function request()
  i = i + 1
  local line = lines[((i - 1) % n) + 1]
  local delivery, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  return wrk.format("POST", wrk.path, {["Content-Type"] = "application/json",
    ["X-Helpdesk-Signature"] = signature, ["X-Helpdesk-Delivery"] = delivery}, body)
end
function response(status, headers, body)
  if status == 202 and body:find('"accepted"', 1, true) then
    out:write(body:match('"delivery":%s*"([^"]+)"') or "?", "\n")
  elseif status ~= 202 then
    out:write("!", status, "\n")
  end
end
"""

BARE_SERVER = """
import sys
from flask import Flask
from helpdesk.serving import Server

bare = Flask("bare")

@bare.post("/hooks/generic/<slug>")
def hook(slug):
    return "ok", 200

class BareServer(Server):
    def load(self):
        return bare

port = int(sys.argv[1])
BareServer({"bind": f"127.0.0.1:{port}", "workers": 2, "worker_class": "gthread", "threads": 8,
            "timeout": 120, "accesslog": "-", "errorlog": "-", "loglevel": "info"}).run()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def psql(sql: str, url: str = PG_ADMIN) -> str:
    return subprocess.run(["psql", url, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def wait_http(url: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def signed_lines(path: Path, count: int, run: str, secret: str = SECRET) -> None:
    """Pre-signed deliveries, one per line: id, signature, body (1.2 KB, a real-looking complaint)."""
    t = int(time.time())
    story = ("Bonjour, j'ai commandé deux pots en céramique et une lampe le 3 du mois. Le suivi indique toujours "
             "« étiquette créée » alors que la livraison était promise sous 72 heures. J'ai écrit deux fois au "
             "service client sans réponse. Pouvez-vous me dire où se trouve mon colis ou me rembourser ? ") * 2
    with path.open("w", encoding="utf-8") as f:
        for i in range(count):
            body = json.dumps({"email": f"shopper{i}.{run}@example.com", "name": f"Client {i}",
                               "order_number": f"B{run}-{i}", "subject": "Colis non reçu", "message": story},
                              ensure_ascii=False, separators=(",", ":")).encode()
            mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
            f.write(f"bench-{run}-{i}\tt={t},v1={mac}\t{body.decode()}\n")


def run_wrk(url: str, duration: int, connections: int, lines: Path, out: Path, script: Path) -> dict[str, float]:
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "-s", str(script), url,
           "--", str(lines), "2", str(out)]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
        assert m, text
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "non2xx": int(non2xx.group(1)) if non2xx else 0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=10, help="seconds of load per server")
    ap.add_argument("--rounds", type=int, default=3, help="turns of bare route then webhook")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--keep", action="store_true", help="keep the database for a look afterwards")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install -y wrk", file=sys.stderr)
        return 2

    run = secrets.token_hex(3)
    db_name = f"hd_bench_{run}"
    psql(f"CREATE DATABASE {db_name}")
    db_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{db_name}"
    redis_url = f"{REDIS_BASE}/{11 + secrets.randbelow(4)}"
    tmp = Path(tempfile.mkdtemp(prefix="hd-bench-"))
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "SECRET_KEY": secrets.token_hex(32),
           "HELPDESK_DATA_DIR": str(tmp / "data"), "PYTHONPATH": str(ROOT)}  # this checkout's code
    helpdesk = [str(Path(sys.executable).parent / "helpdesk")]
    procs: list[subprocess.Popen[bytes]] = []

    def start(cmd: list[str], **kw: object) -> subprocess.Popen[bytes]:
        p = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True, **kw)  # type: ignore[call-overload]
        procs.append(p)
        return p

    try:
        import redis
        redis.Redis.from_url(redis_url).flushdb()
        for cmd in (["init-db"], ["create-merchant", SLUG, "--name", "Bench Shop"],
                    ["add-integration", SLUG, "generic", "--secret", SECRET]):
            done = subprocess.run(helpdesk + cmd, check=False, env=env, cwd=tmp, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"helpdesk {' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
        count = max(20_000, 4_000 * args.duration)
        script = tmp / "deliveries.lua"
        script.write_text(LUA)

        bare_port, app_port = free_port(), free_port()
        bare_file = tmp / "bare.py"
        bare_file.write_text(BARE_SERVER)
        start([sys.executable, str(bare_file), str(bare_port)])
        start(helpdesk + ["serve", "--port", str(app_port), "--workers", "2"])
        wait_http(f"http://127.0.0.1:{app_port}/healthz")
        time.sleep(1)
        bare_url = f"http://127.0.0.1:{bare_port}/hooks/generic/{SLUG}"
        hook_url = f"http://127.0.0.1:{app_port}/hooks/generic/{SLUG}"

        print(f"load: wrk, 2 threads, {args.connections} connections, {args.duration} s each, "
              f"1.2 KB signed JSON bodies; gunicorn 2 workers x 8 threads both; {args.rounds} rounds", flush=True)
        ratios = []
        for n in range(args.rounds):
            # Deliveries of its own for each round (a repeated id is answered `duplicate`, which costs less), signed
            # just before it (the generic webhook refuses a timestamp older than its window).
            lines = tmp / f"deliveries-{n}.tsv"
            signed_lines(lines, count, f"{run}r{n}")
            bare = run_wrk(bare_url, args.duration, args.connections, lines, tmp / f"bare{n}.out", script)
            hook = run_wrk(hook_url, args.duration, args.connections, lines, tmp / f"hook{n}.out", script)
            ratios.append(hook["rps"] / bare["rps"])
            for name, r in (("bare route", bare), ("webhook", hook)):
                print(f"round {n + 1} {name:>10}: {r['rps']:8.0f} deliveries/s  p50 {r['p50']:6.2f} ms  "
                      f"p99 {r['p99']:7.2f} ms  non-2xx {r['non2xx']}", flush=True)
            print(f"round {n + 1}      ratio: {ratios[-1]:.2f}x", flush=True)
        print(f"      ratio: {statistics.median(ratios):.2f}x the bare route, median of {args.rounds} rounds "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}; aim >= 0.5)", flush=True)
        # Anyone can post to a webhook URL: a forged delivery (wrong secret) must not cost more than a real one.
        forged_lines = tmp / "forged.tsv"
        signed_lines(forged_lines, count, f"{run}f", secret=SECRET + "-forged")
        forged = run_wrk(hook_url, args.duration, args.connections, forged_lines, tmp / "forged.out", script)
        print(f"     forged: {forged['rps']:8.0f} refused/s  p50 {forged['p50']:6.2f} ms  p99 {forged['p99']:7.2f} ms  "
              f"(wrong signature, all 401: {forged['non2xx']} non-2xx)", flush=True)

        accepted: set[str] = set()
        refused = 0
        for part in tmp.glob("hook*.out.*"):
            for line in part.read_text().split():
                if line.startswith("!"):
                    refused += 1
                else:
                    accepted.add(line)
        journaled = int(psql("SELECT count(*) FROM inbound_delivery", db_url))
        keys = set(psql("SELECT key FROM inbound_delivery", db_url).split())
        missing = accepted - {k.split(":", 1)[1] for k in keys}  # keys are "<merchant id>:<delivery id>"
        print(f"accepted {len(accepted)}, refused {refused}, journaled {journaled} "
              f"(in flight when wrk stopped may be journaled without an answer)", flush=True)

        started = time.monotonic()
        for _ in range(2):
            start(helpdesk + ["worker"])
        last, stalled = -1, time.monotonic()
        while True:
            done = int(psql("SELECT count(*) FROM inbound_delivery WHERE status <> 'pending'", db_url))
            if done >= journaled:
                break
            if done != last:
                last, stalled = done, time.monotonic()
            elif time.monotonic() - stalled > 120:
                print("workers stalled", file=sys.stderr)
                break
            time.sleep(0.2)
        took = time.monotonic() - started
        tickets = int(psql("SELECT count(*) FROM ticket", db_url))
        messages = int(psql("SELECT count(*) FROM message", db_url))
        failed = int(psql("SELECT count(*) FROM inbound_delivery WHERE status <> 'done'", db_url))
        no_ticket = int(psql("SELECT count(*) FROM inbound_delivery WHERE ticket_id IS NULL", db_url))
        print(f"2 RQ workers: {journaled} deliveries to tickets in {took:.1f} s ({journaled / took:.0f}/s)",
              flush=True)
        lost = len(missing) + no_ticket
        duplicated = (tickets - journaled) + (messages - journaled)
        print(f"lost {lost} (accepted but not journaled {len(missing)}, journaled without ticket {no_ticket}, "
              f"not done {failed}); duplicated {duplicated} (tickets {tickets}, messages {messages})", flush=True)
        return 0 if lost == 0 and duplicated == 0 else 1
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept: {db_url} and {tmp}")


if __name__ == "__main__":
    sys.exit(main())

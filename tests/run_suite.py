"""`make test`: the whole suite on SQLite and, beside it, on PostgreSQL with Redis (SPEC: both backends).

Each pass gets its own database (a throwaway PostgreSQL database, a temp
SQLite file), its own Redis database number and its own data folder, so
runs never collide. With CI=true a missing PostgreSQL or Redis fails the
run instead of skipping.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("HD_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("HD_TEST_REDIS_BASE", "redis://127.0.0.1:6379")
CI = os.environ.get("CI", "").lower() == "true"


def _pg(sql: str) -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)
        return True
    except Exception as exc:  # noqa: BLE001 - reported below
        print(f"PostgreSQL not usable ({type(exc).__name__}: {exc})", file=sys.stderr)
        return False


def _redis_ok() -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS_BASE, socket_connect_timeout=3).ping())
    except Exception as exc:  # noqa: BLE001
        print(f"Redis not usable ({type(exc).__name__}: {exc})", file=sys.stderr)
        return False


def _pass(name: str, extra_env: dict[str, str], args: list[str]) -> tuple[subprocess.Popen[bytes], Path]:
    log = Path(tempfile.mkstemp(prefix=f"hd-test-{name}-", suffix=".log")[1])
    env = {**os.environ, **extra_env, "HD_TEST_PASS": name, "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--durations=15", *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    return proc, log


def main() -> int:
    args = sys.argv[1:]
    run_id = secrets.token_hex(4)
    pg_db = f"hd_test_{run_id}"
    have_pg = _pg(f"CREATE DATABASE {pg_db}")
    have_redis = _redis_ok()
    if CI and not (have_pg and have_redis):
        print("CI=true: PostgreSQL and Redis are required and one is missing", file=sys.stderr)
        return 3
    redis_db = str(2 + secrets.randbelow(13))
    common = {"HD_TEST_REDIS_URL": f"{REDIS_BASE}/{redis_db}" if have_redis else ""}
    started = time.monotonic()
    passes = [("sqlite", _pass("sqlite", {**common, "HD_TEST_DATABASE_URL": ""}, args + ["-m", "not pg_only"]))]
    if have_pg:
        pg_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{pg_db}"
        passes.append(("postgresql", _pass("postgresql", {**common, "HD_TEST_DATABASE_URL": pg_url}, args)))
    failed = 0
    try:
        for name, (proc, log) in passes:
            code = proc.wait()
            print(f"\n===== {name} pass (exit {code}) =====", flush=True)
            sys.stdout.write(log.read_text(errors="replace"))
            failed += code != 0
    finally:
        if have_pg:
            _pg(f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)")
    print(f"\nsuite finished in {time.monotonic() - started:.0f} s: "
          f"{len(passes) - failed} passes green, {failed} red", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The staff workspace at a million tickets: p50/p95 of the pages an agent and a supervisor live in.

Usage: python bench/workspace.py [--tickets 1000000] [--messages-per-ticket 3] [--requests 40]
       [--keep] [--reuse DBNAME] [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

Creates its own PostgreSQL database (bench_workspace_<pid>), migrates it with
the app's migrations, and fills it server-side (INSERT … SELECT over
generate_series, indexes dropped during the load and built after, as a restore
would) with three merchants (60/30/10 % of the tickets), their agents and
supervisors, shoppers, orders with tracking, tickets created over two years
(French, English and Arabic subjects and bodies, four categories, statuses by
age, assignees, SLA due times, breaches), on average --messages-per-ticket
messages each (the complaint, replies, follow-ups quoting it, internal notes),
two timeline events per ticket, ratings, and the search rows the app's
services write (the same tsvector expression as helpdesk/search). Then ANALYZE
and measure through the app (Flask test client, logged in as an agent of the
biggest merchant, or its supervisor for the reports) each page --requests
times, and print p50/p95 against the aims: lists and the ticket view under
100 ms, search under 300 ms, reports under 1 s (p95).

The timeline events carry placeholder hashes (the chain check is not part of
what is measured). --reuse DBNAME skips the load and measures an existing
bench database (from an earlier --keep); the database is dropped at the end
unless --keep or --reuse. A 50,000-ticket run (--tickets 50000) takes about a
minute; the full million about 15 minutes on 2 cores: run it in the background.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from workspace_corpus import text_rows, word_rows

PASSWORD = "Bench-passw0rd-long-enough"
MERCHANTS = (("bench-souk", "Souk Bench", "Africa/Casablanca", "MA"), ("bench-boutique", "Boutique Bench",
             "Europe/Paris", "FR"), ("bench-store", "Store Bench", "Africa/Casablanca", "MA"))
AGENTS_PER_MERCHANT = 12
LOADED_TABLES = ("customer", "shop_order", "fulfilment", "ticket", "ticket_sla", "message", "ticket_event",
                 "search_entry", "ticket_rating")
# Kept equal to helpdesk/search/service.py `_document` (and the search migration).
DOCUMENT = ("to_tsvector('simple', unaccent({c})) || to_tsvector('french', {c}) || to_tsvector('english', {c}) "
            "|| to_tsvector('arabic', {c})")
REF_ALPHABET = "ACDEFGHJKMNPQRTUVWXY345679"
FRENCH_WORDS = ("remboursement", "transporteur", "cassé", "facture", "livraison", "rétractation")
ARABIC_WORDS = ("مكسورا", "استرجاع", "الشحن", "الفاتورة", "الطلبية", "الضمان")
AIMS = {"list": 0.100, "ticket": 0.100, "search": 0.300, "report": 1.0}


def ref_sql(i: str) -> str:
    """A unique, scattered reference per ticket number (48271 is prime to 26^6, so i -> ref is one to one)."""
    x = f"(({i}::bigint * 48271) %% 308915776)"
    chars = " || ".join(f"substr('{REF_ALPHABET}', (({x} / {26 ** k}) %% 26)::int + 1, 1)" for k in range(6))
    return f"'HD-' || {chars}"


PLAN_SQL = """
CREATE UNLOGGED TABLE bench_plan AS
WITH base AS (
  SELECT i, CASE WHEN i %% 10 < 6 THEN 0 WHEN i %% 10 < 9 THEN 1 ELSE 2 END AS m,
         LEAST(%(start)s::timestamptz + (i::float8 / %(n)s) * (%(now)s::timestamptz - %(start)s::timestamptz)
               + (random() - 0.5) * interval '20 minutes', %(now)s::timestamptz - interval '1 minute') AS created_at,
         random() AS r_lang, random() AS r_cat, random() AS r_status, random() AS r_msg, random() AS r_assign,
         random() AS r_order, random() AS r_text, random() AS r_prod, random() AS r_prio, random() AS r_chan,
         random() AS r_resp, random() AS r_res, random() AS r_conf, random() AS r_cust
  FROM generate_series(1, %(n)s) AS i),
staged AS (
  SELECT *, %(now)s::timestamptz - created_at < interval '14 days' AS recent,
         CASE WHEN r_lang < 0.5 THEN 'fr' WHEN r_lang < 0.75 THEN 'en' ELSE 'ar' END AS lang,
         CASE WHEN r_cat < 0.42 THEN 'late_delivery' WHEN r_cat < 0.62 THEN 'return'
              WHEN r_cat < 0.85 THEN 'non_conformity' ELSE 'other' END AS category
  FROM base)
SELECT i, m, created_at, lang, category,
  CASE WHEN recent THEN (CASE WHEN r_status < 0.15 THEN 'new' WHEN r_status < 0.45 THEN 'open'
        WHEN r_status < 0.6 THEN 'waiting_customer' WHEN r_status < 0.85 THEN 'resolved'
        WHEN r_status < 0.95 THEN 'closed' ELSE 'escalated' END)
       ELSE (CASE WHEN r_status < 0.003 THEN 'open' WHEN r_status < 0.006 THEN 'waiting_customer'
        WHEN r_status < 0.016 THEN 'escalated' WHEN r_status < 0.3 THEN 'resolved' ELSE 'closed' END) END AS status,
  1 + floor(r_msg * (2 * %(msgs)s - 1))::int AS nmsg,
  10 * (1 + floor(r_cust * %(k)s)::int) + (i %% 10) AS customer_id,
  floor(r_assign * 1000)::int AS r_assign,
  r_order < 0.75 AS has_order, r_order < 0.72 AS order_synced,
  floor(r_text * 3)::int AS variant, floor(r_prod * 8)::int AS product,
  CASE WHEN r_prio < 0.1 THEN 'low' WHEN r_prio < 0.8 THEN 'normal' WHEN r_prio < 0.95 THEN 'high'
       ELSE 'urgent' END AS priority,
  CASE WHEN r_chan < 0.45 THEN 'email' WHEN r_chan < 0.7 THEN 'widget'
       WHEN r_chan < 0.9 THEN (ARRAY['shopify', 'woocommerce', 'webhook'])[m + 1] ELSE 'api' END AS channel,
  CASE WHEN i %% 10 < 6 THEN '#' || (100000 + i) WHEN i %% 10 < 9 THEN (50000 + i)::text
       ELSE 'CMD-' || lpad(i::text, 7, '0') END AS order_number,
  r_resp, r_res, r_conf
FROM staged
"""

# Times follow the status: answered within 0-12 h (8 h target), resolved within 0.1-4.1 days (3 days target).
TICKET_SQL = f"""
CREATE UNLOGGED TABLE bench_ticket AS
WITH timed AS (
  SELECT p.*, mm.merchant_id,
    CASE WHEN p.status = 'new' THEN NULL
         ELSE LEAST(p.created_at + p.r_resp ^ 2 * interval '12 hours', %(now)s::timestamptz) END AS answered,
    CASE WHEN p.status IN ('resolved', 'closed')
         THEN LEAST(p.created_at + (0.1 + p.r_res ^ 2 * 4) * interval '1 day', %(now)s::timestamptz) END AS resolved,
    CASE WHEN p.status = 'new' AND p.r_assign < 600 THEN NULL WHEN p.r_assign < 50 THEN NULL
         ELSE a.user_id END AS assignee_id
  FROM bench_plan p JOIN bench_merchant mm ON mm.m = p.m
  JOIN bench_agent a ON a.m = p.m AND a.k = p.r_assign %% {AGENTS_PER_MERCHANT}),
paused AS (
  SELECT *, CASE WHEN resolved IS NOT NULL THEN resolved
                 WHEN status = 'waiting_customer' THEN LEAST(answered + interval '1 hour', %(now)s::timestamptz)
            END AS paused_since,
            created_at + interval '8 hours' AS fr_due, created_at + interval '3 days' AS res_due
  FROM timed),
flagged AS (
  SELECT *, coalesce(answered > fr_due, %(now)s::timestamptz > fr_due) AS fr_breached,
            coalesce(resolved > res_due, paused_since IS NULL AND %(now)s::timestamptz > res_due) AS res_breached
  FROM paused)
SELECT f.i AS id, f.merchant_id, {ref_sql('f.i')} AS ref, f.status, f.category,
  0.5 + f.r_conf / 2 AS category_confidence,
  CASE WHEN f.r_conf < 0.85 THEN 'model' WHEN f.r_conf < 0.95 THEN 'rule' ELSE 'agent' END AS category_source,
  f.r_conf < 0.2 AS needs_review, f.priority, f.channel,
  replace(replace(s.text, '{{n}}', CASE WHEN f.has_order THEN f.order_number ELSE '' END), '{{p}}', w.word)
    AS subject,
  replace(replace(b.text, '{{n}}', CASE WHEN f.has_order THEN f.order_number ELSE '' END), '{{p}}', w.word)
    AS body,
  f.lang AS language, f.customer_id, CASE WHEN f.order_synced THEN f.i END AS order_id,
  CASE WHEN f.has_order THEN f.order_number END AS order_number, f.assignee_id,
  f.fr_due AS first_response_due_at, f.res_due AS resolution_due_at,
  f.answered AS first_response_at, f.resolved AS resolved_at, f.paused_since AS sla_paused_since,
  f.fr_breached AS first_response_breached, f.res_breached AS resolution_breached,
  f.created_at + interval '6 hours' AS first_response_warn_at, f.created_at + interval '2 days' AS resolution_warn_at,
  f.fr_breached OR %(now)s::timestamptz > f.created_at + interval '6 hours' AS first_response_warned,
  f.res_breached OR %(now)s::timestamptz > f.created_at + interval '2 days' AS resolution_warned,
  CASE WHEN f.status IN ('new', 'open', 'escalated') THEN
    CASE WHEN f.answered IS NULL AND NOT f.fr_breached THEN
           greatest(f.created_at + interval '6 hours', LEAST(f.fr_due, %(now)s::timestamptz))
         WHEN NOT f.res_breached THEN f.created_at + interval '2 days' END END AS sla_next_check_at,
  f.created_at, coalesce(f.resolved, f.answered, f.created_at) AS updated_at,
  f.nmsg, f.variant, w.word AS product_word, f.m, f.r_res
FROM flagged f
JOIN bench_text s ON s.lang = f.lang AND s.category = f.category AND s.kind = 'subject' AND s.variant = f.variant
JOIN bench_text b ON b.lang = f.lang AND b.category = f.category AND b.kind = 'body' AND b.variant = f.variant
JOIN bench_word w ON w.lang = f.lang AND w.kind = 'product' AND w.k = f.product
"""

TICKET_COLUMNS = """id, merchant_id, ref, status, category, category_confidence, category_source, needs_review,
  priority, channel, subject, language, customer_id, order_id, order_number, assignee_id, first_response_due_at,
  resolution_due_at, first_response_at, resolved_at, sla_paused_since, first_response_breached, resolution_breached,
  first_response_warn_at, resolution_warn_at, created_at, updated_at"""

# The sweep's narrow row beside each ticket (models/sla.py TicketSla).
TICKET_SLA_SQL = """
INSERT INTO ticket_sla (ticket_id, merchant_id, next_check_at, first_response_warned, resolution_warned)
SELECT id, merchant_id, sla_next_check_at, first_response_warned, resolution_warned FROM bench_ticket
"""

CUSTOMER_SQL = """
INSERT INTO customer (id, merchant_id, email, name, language, created_at)
SELECT j, mm.merchant_id, 'shopper' || j || '@example.' || (ARRAY['com', 'fr', 'ma'])[1 + j %% 3],
       w.word || ' ' || chr(65 + (j / 7) %% 26) || '.', w.lang, %(start)s::timestamptz
FROM generate_series(10, 10 * %(k)s + 9) AS j
JOIN bench_merchant mm ON mm.m = CASE WHEN j %% 10 < 6 THEN 0 WHEN j %% 10 < 9 THEN 1 ELSE 2 END
JOIN bench_word w ON w.kind = 'name' AND w.lang = (ARRAY['fr', 'fr', 'en', 'ar'])[1 + j %% 4] AND w.k = j %% 8
"""

ORDER_SQL = """
INSERT INTO shop_order (id, merchant_id, customer_id, platform, external_id, number, number_key, email, status,
                        placed_at, promised_delivery_at, delivered_at, total, currency, items, created_at, updated_at)
SELECT t.id, t.merchant_id, t.customer_id, (ARRAY['shopify', 'woocommerce', 'manual'])[t.m + 1], 'ext-' || t.id,
       t.order_number,
       regexp_replace(lower(regexp_replace(t.order_number, '[\\W_]+', '', 'g')),
                      '^(n(o|um(ero|éro|ber)?)?|commande|order|cmd)(?=\\d)', ''),
       c.email, CASE WHEN t.category = 'late_delivery' THEN 'in_transit' ELSE 'delivered' END,
       t.created_at - interval '6 days', t.created_at - interval '1 day',
       CASE WHEN t.category <> 'late_delivery' THEN t.created_at - interval '2 days' END,
       round((19 + (t.id %% 480))::numeric + 0.99, 2), (ARRAY['MAD', 'EUR', 'MAD'])[t.m + 1],
       json_build_array(json_build_object('title', t.product_word, 'quantity', 1 + t.id %% 2,
                                          'price', (19 + (t.id %% 480))::text || '.99')),
       t.created_at - interval '6 days', t.created_at
FROM bench_ticket t JOIN customer c ON c.id = t.customer_id
WHERE t.order_id IS NOT NULL
"""

FULFILMENT_SQL = """
INSERT INTO fulfilment (merchant_id, order_id, external_id, status, tracking_company, tracking_number, tracking_url,
                        shipped_at, delivered_at)
SELECT o.merchant_id, o.id, 'f-' || o.id, o.status,
       (ARRAY['Amana', 'CTM Messagerie', 'Colissimo', 'DHL'])[1 + o.id %% 4], 'TRK' || lpad(o.id::text, 10, '0'),
       'https://track.example.com/TRK' || o.id, o.placed_at + interval '1 day', o.delivered_at
FROM shop_order o
"""

# Message kinds cycle: the complaint, a reply, a follow-up quoting the complaint, an internal note, a reply.
MESSAGE_SQL = """
INSERT INTO message (merchant_id, ticket_id, direction, internal, author_user_id, body, new_text, language,
                     headers, created_at)
SELECT t.merchant_id, t.id,
  (ARRAY['inbound', 'outbound', 'inbound', 'note', 'outbound'])[kind.k + 1], kind.k = 3,
  CASE WHEN kind.k IN (1, 3, 4) THEN coalesce(t.assignee_id, a.user_id) END,
  CASE WHEN kind.k = 0 THEN t.body WHEN kind.k = 2 THEN x.text || E'\\n\\nLe ' || to_char(t.created_at, 'DD/MM/YYYY')
       || E' :\\n> ' || t.body
       ELSE replace(replace(x.text, '{n}', coalesce(t.order_number, t.ref)), '{p}', t.product_word) END,
  CASE WHEN kind.k = 0 THEN t.body WHEN kind.k = 2 THEN x.text
       ELSE replace(replace(x.text, '{n}', coalesce(t.order_number, t.ref)), '{p}', t.product_word) END,
  t.language, '{}', LEAST(t.created_at + s * interval '5 hours' - interval '5 hours', %(now)s::timestamptz)
FROM bench_ticket t
CROSS JOIN LATERAL generate_series(1, t.nmsg) AS s
CROSS JOIN LATERAL (SELECT (s - 1) %% 5 AS k) AS kind
JOIN bench_agent a ON a.m = t.m AND a.k = 0
LEFT JOIN bench_text x ON kind.k > 0 AND x.lang = t.language AND x.category = '*'
  AND x.kind = (ARRAY['', 'reply', 'followup', 'note', 'reply'])[kind.k + 1] AND x.variant = (t.variant + s) %% 3
ORDER BY t.id, s
"""

EVENT_SQL = """
INSERT INTO ticket_event (merchant_id, ticket_id, seq, kind, actor, data, created_at, content_hash, chain_hash,
                          redacted)
SELECT t.merchant_id, t.id, e.seq, e.kind, e.actor, e.data, t.created_at, md5(t.id || e.kind) || md5(e.kind),
       md5(e.kind || t.id) || md5(t.ref), false
FROM bench_ticket t CROSS JOIN LATERAL (VALUES
  (1, 'ticket.created', 'shopper', json_build_object('channel', t.channel, 'ref', t.ref)),
  (2, 'ticket.categorised', 'triage:' || t.category_source,
   json_build_object('category', t.category, 'confidence', round(t.category_confidence::numeric, 3)))
) AS e(seq, kind, actor, data)
"""

RATING_SQL = """
INSERT INTO ticket_rating (merchant_id, ticket_id, score, comment, created_at, updated_at)
SELECT merchant_id, id, (ARRAY[1, 2, 3, 4, 4, 5, 5, 5])[1 + id %% 8], '', resolved_at + interval '1 day',
       resolved_at + interval '1 day'
FROM bench_ticket WHERE resolved_at IS NOT NULL AND r_res < 0.2 AND resolved_at < %(now)s::timestamptz - interval '1 day'
"""

SEARCH_TICKET_SQL = f"""
INSERT INTO search_entry (merchant_id, ticket_id, key, content, document)
SELECT merchant_id, id, 't:' || id, content, {DOCUMENT.format(c='content')}
FROM (SELECT t.merchant_id, t.id, concat_ws(' ', t.ref, t.subject, t.order_number, c.email, c.name) AS content
      FROM ticket t JOIN customer c ON c.id = t.customer_id) AS facts
"""

SEARCH_MESSAGE_SQL = f"""
INSERT INTO search_entry (merchant_id, ticket_id, key, content, document)
SELECT merchant_id, ticket_id, 'm:' || id, content, {DOCUMENT.format(c='content')}
FROM (SELECT merchant_id, ticket_id, id, coalesce(new_text, body, '') AS content FROM message) AS said
"""


def step(what: str, func: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    print(f"  {what} …", end="", flush=True)
    value = func()
    print(f" {time.perf_counter() - started:.1f} s", flush=True)
    return value


def setup_app(url: str, *, fresh: bool):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from helpdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                      "SECRET_KEY": secrets.token_hex(32), "REDIS_URL": None, "WTF_CSRF_ENABLED": False,
                      "HELPDESK_DATA_DIR": tempfile.mkdtemp(prefix="hd-bench-"), "RATELIMIT_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    if fresh:
        with app.app_context():
            upgrade()
            create_staff()
    return app


def create_staff() -> None:
    """Three merchants, each with AGENTS_PER_MERCHANT agents and two supervisors (through the services)."""
    from helpdesk.auth.accounts import create_user
    from helpdesk.extensions import db
    from helpdesk.merchants import create_merchant
    from helpdesk.models import Role

    for m, (slug, name, zone, country) in enumerate(MERCHANTS):
        merchant = create_merchant(slug, name, timezone=zone, country=country)
        for k in range(AGENTS_PER_MERCHANT):
            create_user(f"agent{k}@{slug}.example.com", PASSWORD, Role.AGENT, merchant=merchant)
        for k in range(2):
            create_user(f"supervisor{k}@{slug}.example.com", PASSWORD, Role.SUPERVISOR, merchant=merchant)
        print(f"  merchant {m}: {slug}", flush=True)
    db.session.commit()


def load(url: str, n: int, msgs: int) -> None:
    """Fill the database server-side: staging tables first, then each table with one INSERT … SELECT."""
    now = datetime.now(UTC).replace(microsecond=0)
    params = {"n": n, "msgs": msgs, "k": max(1, n // 30), "now": now, "start": now - timedelta(days=730)}
    with psycopg.connect(url) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET session_replication_role = replica")  # no FK triggers during the load (a restore)
        conn.execute("SELECT setseed(0.42)")
        stage_lookups(conn)
        dropped = step("drop indexes", lambda: drop_indexes(conn))
        step(f"plan {n:,} tickets", lambda: conn.execute(PLAN_SQL, params))
        step("customers", lambda: conn.execute(CUSTOMER_SQL, params))
        step("ticket rows", lambda: conn.execute(TICKET_SQL, params))
        step("tickets", lambda: conn.execute(f"INSERT INTO ticket ({TICKET_COLUMNS}) "
                                             f"SELECT {TICKET_COLUMNS} FROM bench_ticket"))
        step("SLA rows", lambda: conn.execute(TICKET_SLA_SQL))
        step("orders", lambda: conn.execute(ORDER_SQL, params))
        step("fulfilments", lambda: conn.execute(FULFILMENT_SQL, params))
        step(f"messages (about {n * msgs:,})", lambda: conn.execute(MESSAGE_SQL, params))
        step("timeline events", lambda: conn.execute(EVENT_SQL))
        step("ratings", lambda: conn.execute(RATING_SQL, params))
        step("search rows of tickets", lambda: conn.execute(SEARCH_TICKET_SQL))
        step("search rows of messages", lambda: conn.execute(SEARCH_MESSAGE_SQL))
        for table in ("customer", "shop_order", "ticket"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.execute("DROP TABLE bench_plan, bench_ticket, bench_text, bench_word, bench_agent, bench_merchant")
        conn.commit()
        for name, definition in dropped:
            step(f"index {name}", lambda d=definition: (conn.execute(d), conn.commit()))
    with psycopg.connect(url, autocommit=True) as conn:
        step("VACUUM ANALYZE", lambda: conn.execute("VACUUM ANALYZE"))


def stage_lookups(conn: psycopg.Connection) -> None:
    conn.execute("CREATE UNLOGGED TABLE bench_text (lang text, category text, kind text, variant int, text text)")
    with conn.cursor().copy("COPY bench_text FROM STDIN") as copy:
        for row in text_rows():
            copy.write_row(row)
    conn.execute("CREATE UNLOGGED TABLE bench_word (lang text, kind text, k int, word text)")
    with conn.cursor().copy("COPY bench_word FROM STDIN") as copy:
        for row in word_rows():
            copy.write_row(row)
    conn.execute("CREATE UNLOGGED TABLE bench_merchant AS SELECT m - 1 AS m, id AS merchant_id "
                 "FROM (SELECT id, row_number() OVER (ORDER BY id) AS m FROM merchant) AS ranked")
    conn.execute(f"""CREATE UNLOGGED TABLE bench_agent AS
        SELECT bm.m, (row_number() OVER (PARTITION BY u.merchant_id ORDER BY u.id) - 1) % {AGENTS_PER_MERCHANT} AS k,
               u.id AS user_id
        FROM user_account u JOIN bench_merchant bm ON bm.merchant_id = u.merchant_id WHERE u.role = 'agent'""")


def drop_indexes(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """The plain indexes of the loaded tables (not those behind a primary key or unique constraint)."""
    rows = conn.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.schemaname = 'public'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                        [list(LOADED_TABLES)]).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return rows


# --- measuring ---------------------------------------------------------------------------------------------

def login(client, email: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


def samples(url: str, count: int) -> dict[str, list[str]]:
    """Random refs and order numbers of the biggest merchant (the one the bench users work for)."""
    slug = MERCHANTS[0][0]
    with psycopg.connect(url) as conn:
        merchant_id = conn.execute("SELECT id FROM merchant WHERE slug = %s", [slug]).fetchone()[0]  # type: ignore[index]
        refs = [r[0] for r in conn.execute(
            "SELECT ref FROM ticket WHERE merchant_id = %s ORDER BY random() LIMIT %s",
            [merchant_id, count]).fetchall()]
        orders = [r[0] for r in conn.execute(
            "SELECT order_number FROM ticket WHERE merchant_id = %s AND order_number IS NOT NULL "
            "ORDER BY random() LIMIT %s", [merchant_id, count]).fetchall()]
    return {"refs": refs, "orders": orders}


def timed_gets(client, paths: list[str], *, expect: str | None = None) -> list[float]:  # type: ignore[no-untyped-def]
    client.get(paths[0])  # warm the code path (templates, caches); not counted
    out = []
    for path in paths:
        started = time.perf_counter()
        r = client.get(path)
        out.append(time.perf_counter() - started)
        assert r.status_code == 200, (path, r.status_code)
        if expect is not None:
            assert expect not in r.get_data(as_text=True), f"{path}: no result"
    return out


def measure(app, url: str, requests: int) -> list[tuple[str, str, list[float]]]:  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    slug = MERCHANTS[0][0]
    rng = random.Random(11)
    picked = samples(url, requests)
    agents = [f"agent{k}@{slug}.example.com" for k in range(AGENTS_PER_MERCHANT)]
    categories = ("late_delivery", "return", "non_conformity", "other")
    none = "No tickets match."
    agent, supervisor = app.test_client(), app.test_client()
    login(agent, agents[0])
    login(supervisor, f"supervisor0@{slug}.example.com")
    today = datetime.now(UTC).date()
    kinds: list[tuple[str, str, Any, list[str], str | None]] = [
        ("default queue", "list", agent, ["/tickets"] * requests, None),
        ("queue: mine", "list", agent, ["/tickets?queue=mine"] * requests, None),
        ("filtered queue (status+category+assignee)", "list", agent,
         [f"/tickets?status=open&category={rng.choice(categories)}&assignee={rng.choice(agents)}"
          for _ in range(requests)], None),
        ("ticket view", "ticket", agent, [f"/tickets/{ref}" for ref in picked["refs"]], None),
        ("search: order number", "search", agent, [f"/tickets?q={quote(o)}" for o in picked["orders"]], none),
        ("search: French word", "search", agent,
         [f"/tickets?q={quote(rng.choice(FRENCH_WORDS))}" for _ in range(requests)], none),
        ("search: Arabic word", "search", agent,
         [f"/tickets?q={quote(rng.choice(ARABIC_WORDS))}" for _ in range(requests)], none),
        ("reports (30 days)", "report", supervisor, ["/reports"] * max(3, requests // 4), None),
        ("reports (a year)", "report", supervisor,
         [f"/reports?from={(today - timedelta(days=364)).isoformat()}"] * max(3, requests // 4), None),
    ]
    results = []
    for name, aim, client, paths, expect in kinds:
        print(f"  {name} ×{len(paths)} …", end="", flush=True)
        times = timed_gets(client, paths, expect=expect)
        print(f" p95 {percentile(times, 95) * 1000:.0f} ms", flush=True)
        results.append((name, aim, times))
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def print_table(results: list[tuple[str, str, list[float]]], tickets: int, messages: int) -> None:
    print(f"\n{tickets:,} tickets, {messages:,} messages (biggest merchant: 60 %)")
    print(f"{'page':<44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'aim p95':>8}  ")
    for name, aim, times in results:
        p95 = percentile(times, 95)
        ok = "ok" if p95 <= AIMS[aim] else "SLOW"
        print(f"{name:<44} {len(times):>4} {statistics.median(times) * 1000:>8.1f} {p95 * 1000:>8.1f} "
              f"{max(times) * 1000:>8.1f} {AIMS[aim] * 1000:>8.0f}  {ok}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages-per-ticket", type=int, default=3, help="on average (1 to 2k-1 each)")
    parser.add_argument("--requests", type=int, default=40, help="requests per page measured")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="DBNAME", help="measure an existing bench database (no load)")
    parser.add_argument("--admin-url", default=os.environ.get("HD_TEST_PG_ADMIN",
                                                              "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    name = args.reuse or f"bench_workspace_{os.getpid()}"
    url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    if not args.reuse:
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
    print(f"database {name}", flush=True)
    try:
        app = setup_app(url, fresh=not args.reuse)
        if not args.reuse:
            started = time.perf_counter()
            load(url, args.tickets, args.messages_per_ticket)
            print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
        with psycopg.connect(url) as conn:
            tickets, messages = conn.execute(
                "SELECT (SELECT count(*) FROM ticket), (SELECT count(*) FROM message)").fetchone()  # type: ignore[misc]
        results = measure(app, url, args.requests)  # no app context around it: each request has its own `g`
        print_table(results, tickets, messages)
    finally:
        if not args.keep and not args.reuse:
            with psycopg.connect(args.admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

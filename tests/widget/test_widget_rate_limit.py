"""The widget's per-IP limit (SPEC 4.3 and 7): at least 30 a minute by default, then 429; Redis holds the
counts when REDIS_URL is set, so every web process shares them."""
from __future__ import annotations

import secrets

from tests.conftest import REDIS_URL, make_merchant, need_service
from tests.conftest import test_config as config_for


def _post(client, merchant, ip="203.0.113.7"):
    return client.post(f"/widget/{merchant.widget_key}/complaints", json={"email": "x"},
                       environ_base={"REMOTE_ADDR": ip})


def test_thirty_a_minute_pass_and_the_next_is_429(app, client):
    merchant = make_merchant()
    answers = [_post(client, merchant).status_code for _ in range(30)]
    assert answers == [422] * 30
    limited = _post(client, merchant)
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert _post(client, merchant, ip="198.51.100.9").status_code == 422, "another shopper is not limited"


def test_withdrawals_count_against_the_same_limit(make_app):
    app = make_app(HELPDESK_WIDGET_LIMIT="2 per minute")
    with app.app_context():
        merchant = make_merchant()
        client = app.test_client()
        assert _post(client, merchant).status_code == 422
        assert client.post(f"/widget/{merchant.widget_key}/withdrawals", json={},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 422
        assert _post(client, merchant).status_code == 429


def test_limits_live_in_redis_when_redis_url_is_set(_database, tmp_path):
    need_service(bool(REDIS_URL), "Redis")
    import redis

    from helpdesk import create_app

    prefix = f"hd-test-{secrets.token_hex(4)}"
    config = config_for(_database, tmp_path / "data", REDIS_URL=REDIS_URL, HELPDESK_WIDGET_LIMIT="3 per minute",
                         RATELIMIT_KEY_PREFIX=prefix)
    del config["RATELIMIT_STORAGE_URI"]  # derived from REDIS_URL, as in production
    app = create_app(config)
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    from tests.conftest import _prepare

    _prepare(app, _database)
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        with app.app_context():
            merchant = make_merchant()
            first, second = app.test_client(), app.test_client()  # two clients: the count is not per connection
            assert [_post(first, merchant).status_code for _ in range(3)] == [422] * 3
            assert _post(second, merchant).status_code == 429
        assert any(connection.scan_iter(f"*{prefix}*")), "the counts are kept in Redis"
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        from helpdesk.extensions import db

        with app.app_context():
            db.engine.dispose()

"""The signature checks themselves (SPEC 4.1): right and wrong secrets, rotation, the generic time window."""

from __future__ import annotations

import time

from integrations.storefronts import signatures

from .hooks import b64_hmac, generic_signature

BODY = b'{"id": 5820982911001, "name": "#1043"}'
CURRENT, PREVIOUS = b"current-secret-0123456789", b"previous-secret-0123456789"


def test_base64_hmac_accepts_either_secret_of_a_rotation():
    for secret in (CURRENT, PREVIOUS):
        assert signatures.verify_base64_hmac(BODY, b64_hmac(secret.decode(), BODY), [CURRENT, PREVIOUS])
    assert not signatures.verify_base64_hmac(BODY, b64_hmac(PREVIOUS.decode(), BODY), [CURRENT])


def test_base64_hmac_refuses_what_does_not_match():
    good = b64_hmac(CURRENT.decode(), BODY)
    for header in (None, "", good[:-2], good + "=", "é" * 44, b64_hmac(CURRENT.decode(), BODY + b" ")):
        assert not signatures.verify_base64_hmac(BODY, header, [CURRENT])
    assert signatures.verify_base64_hmac(BODY, f"  {good} ", [CURRENT])
    assert not signatures.verify_base64_hmac(BODY, good, [])


def test_generic_signature_and_its_window():
    now = time.time()
    assert signatures.verify_generic(
        BODY, generic_signature(CURRENT.decode(), BODY, int(now)), [CURRENT], now=now
    )
    assert signatures.verify_generic(
        BODY, generic_signature(PREVIOUS.decode(), BODY, int(now)), [CURRENT, PREVIOUS], now=now
    )
    for offset in (-301, 301):
        header = generic_signature(CURRENT.decode(), BODY, int(now) + offset)
        assert not signatures.verify_generic(BODY, header, [CURRENT], now=now)
    for offset in (-300, 300):
        header = generic_signature(CURRENT.decode(), BODY, int(now) + offset)
        assert signatures.verify_generic(BODY, header, [CURRENT], now=int(now))


def test_generic_signature_binds_the_timestamp_and_the_body():
    now = int(time.time())
    header = generic_signature(CURRENT.decode(), BODY, now)
    moved = header.replace(f"t={now}", f"t={now + 1}")
    assert not signatures.verify_generic(BODY, moved, [CURRENT], now=now)
    assert not signatures.verify_generic(BODY + b"\n", header, [CURRENT], now=now)


def test_generic_header_shapes():
    now = int(time.time())
    good = generic_signature(CURRENT.decode(), BODY, now)
    v1 = good.split("v1=")[1]
    assert signatures.verify_generic(BODY, f"t={now},v1={'0' * 64},v1={v1}", [CURRENT], now=now)  # several v1
    assert signatures.verify_generic(BODY, f"v1={v1.upper()}, t={now}", [CURRENT], now=now)
    for header in (None, "", f"t={now}", f"v1={v1}", f"t=-{now},v1={v1}", f"t={now}.5,v1={v1}", "x" * 2000):
        assert not signatures.verify_generic(BODY, header, [CURRENT], now=now)
    assert signatures.parse_generic_header(f"t={now},v1=ab,v0=cd") == (now, [b"ab"])

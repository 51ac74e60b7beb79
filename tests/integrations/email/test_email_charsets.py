"""Charset fallbacks and header decoding: the shopper's words survive whatever was declared."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.email.charsets import clean_text, codec_for, decode_bytes, repair_surrogates
from integrations.email.headers import decode_text, message_id, message_ids, parse_date

FRENCH = "Commande arrivée abîmée, déjà signalé à deux reprises : « remboursez-moi » 49,90 €"
ARABIC = "السلام عليكم، لم أستلم طلبي رقم 1043 حتى الآن، وأريد استرجاع المبلغ كاملا"


@pytest.mark.parametrize(
    ("label", "codec"),
    [("utf-8", "utf-8"), ("UTF8", "utf-8"), ("uft-8", "utf-8"), ("us-ascii", "ascii"), ("iso-8859-1", "cp1252"),
     ("ISO-8859-8-I", "iso8859-8"), ("windows-1256", "cp1256"), ("ks_c_5601-1987", "cp949"), ("gb2312", "gb18030"),
     ("unicode-1-1-utf-7", "utf-7"), ("x-unknown", None), ("unknown-8bit", None), ("rot13", None), ("zlib", None),
     ("unicode_escape", None), ("no-such-charset", None), ("", None), (None, None), ('"utf-8"', "utf-8")],
)
def test_codec_for(label: str | None, codec: str | None) -> None:
    assert codec_for(label) == codec


def test_declared_charset_is_used_when_it_fits() -> None:
    assert decode_bytes(ARABIC.encode("cp1256"), "windows-1256").text == ARABIC
    assert decode_bytes(FRENCH.encode("cp1252"), "iso-8859-1").text == FRENCH  # € lives in windows-1252 only


def test_utf8_behind_a_legacy_label_is_recognised() -> None:
    decoded = decode_bytes(FRENCH.encode("utf-8"), "iso-8859-1")
    assert decoded.text == FRENCH and decoded.charset == "utf-8" and "UTF-8" in (decoded.note or "")


@pytest.mark.parametrize("label", ["us-ascii", "x-unknown", "bogus", None])
def test_undeclared_or_wrong_labels_fall_back_to_detection(label: str | None) -> None:
    assert decode_bytes(ARABIC.encode("cp1256"), label).text == ARABIC
    assert decode_bytes(FRENCH.encode("cp1252"), label).text == FRENCH


def test_short_runs_use_the_message_hints() -> None:
    assert decode_bytes("é".encode("cp1252"), None).text == "é"
    assert decode_bytes("ب".encode("cp1256"), None, hints=["windows-1256"]).text == "ب"


def test_a_few_bad_bytes_in_utf8_do_not_trigger_detection() -> None:
    data = (ARABIC * 3).encode("utf-8") + b"\xff"
    decoded = decode_bytes(data, "utf-8")
    assert decoded.text.startswith(ARABIC) and decoded.text.endswith("\ufffd")


def test_seven_bit_charsets_are_decoded() -> None:
    assert decode_bytes("日本語".encode("iso-2022-jp"), "iso-2022-jp").text == "日本語"
    assert decode_bytes(b"+AOk-t+AOk-", "utf-7").text == "été"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.one_of(st.none(), st.sampled_from(
    ["utf-8", "us-ascii", "iso-8859-1", "windows-1256", "iso-2022-jp", "utf-7", "utf-16", "x-unknown", "gb2312"])))
def test_decode_never_raises(data: bytes, label: str | None) -> None:
    text = clean_text(decode_bytes(data, label).text)
    text.encode("utf-8")
    assert "\x00" not in text


def test_repair_surrogates_and_clean_text() -> None:
    raw = "Andr\udce9 caf\udcc3\udca9"  # latin-1 then UTF-8 bytes, as the stdlib keeps raw 8-bit header bytes
    assert repair_surrogates(raw) == "André café"
    assert clean_text("a\x00b\x07c\ud800d\te\n") == "abc?d\te\n"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("=?utf-8?B?2LfZhNioINix2YLZhSAxMDQz?=", "طلب رقم 1043"),
        ("=?iso-8859-1?Q?R=E9clamation?= =?iso-8859-1?Q?_n=B0?=1043", "Réclamation n°1043"),
        ("=?utf-8?q?caf=C3=A9?=   =?utf-8?q?_cr=C3=A8me?=", "café crème"),
        ("=?x-unknown?Q?Andr=E9?=", "André"),
        ("=?utf-8*fr?Q?=C3=A9t=C3=A9?=", "été"),
        ("=?utf-8?B?w6l0w6k?=", "été"),  # missing base64 padding
        ("=?utf-8?B?###?=", "=?utf-8?B?###?="),
        ("Re:\r\n   multi\t  line", "Re: multi line"),
        ("", ""),
    ],
)
def test_decode_text(raw: str, text: str) -> None:
    assert decode_text(raw) == text


def test_message_ids() -> None:
    assert message_id(" <abc@example.com> ") == "abc@example.com"
    assert message_id("abc@example.com") == "abc@example.com"
    assert message_id("<id@x> (message from Salma)") == "id@x"
    assert message_id("<>") is None and message_id(None) is None
    assert message_ids("<a@x>\r\n <b@x> <a@x> <c@x>") == ["a@x", "b@x", "c@x"]


def test_parse_date() -> None:
    assert parse_date("Tue, 4 Nov 2026 09:15:42 +0100") is not None
    assert parse_date("not a date") is None and parse_date("31 Feb 2026 25:61:00 +9999") is None

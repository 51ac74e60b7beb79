"""HTML sanitising/conversion and format=flowed unwrapping."""

from __future__ import annotations

from integrations.email.flowed import unflow
from integrations.email.htmltext import html_to_text, sanitize_html


def test_sanitize_drops_active_content_and_keeps_layout() -> None:
    dirty = ('<?xml version="1.0" encoding="utf-8"?><html><head><title>T</title><style>b{}</style></head>'
             '<body><div dir="rtl" onclick="x()">مرحبا <b>بك</b></div><script>alert(1)</script>'
             '<iframe src="https://evil.example"></iframe><img src="cid:img1@x" onerror="y()">'
             '<a href="javascript:alert(1)">a</a><a href="https://ok.example">b</a></body></html>')
    clean = sanitize_html(dirty)
    assert '<div dir="rtl">مرحبا <b>بك</b></div>' in clean
    assert '<img src="cid:img1@x">' in clean
    assert 'href="https://ok.example"' in clean and "nofollow" in clean
    for banned in ("<script", "alert", "onclick", "onerror", "<iframe", "<title", "<style", "javascript", "<?xml"):
        assert banned not in clean


def test_html_to_text_keeps_paragraphs() -> None:
    text = html_to_text(sanitize_html("<p>Bonjour,</p><p>Colis <b>cassé</b>.</p><table><tr><td>A</td></tr></table>"))
    assert text.startswith("Bonjour,\n\nColis cassé.")
    assert html_to_text("") == "" and html_to_text("   ") == ""


def test_unflow_joins_soft_breaks_by_quote_depth() -> None:
    flowed = "Le colis est \narrivé cassé.\n> Votre colis \n> est parti.\n-- \nSalma"
    assert unflow(flowed) == "Le colis est arrivé cassé.\n> Votre colis est parti.\n-- \nSalma"


def test_unflow_delsp_and_space_stuffing() -> None:
    assert unflow("Lang \nwort", delsp=True) == "Langwort"
    assert unflow(" From me") == "From me"
    assert unflow("dernière ligne \n") == "dernière ligne \n"

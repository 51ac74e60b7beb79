"""Every page string is translated into French and Arabic, and the compiled catalogues match the sources."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import PASSWORD, make_merchant, make_ticket, make_user

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "helpdesk" / "translations"
METHODS = [("helpdesk/**.py", "python"), ("integrations/**.py", "python"), ("templates/**.html", "jinja2")]


def _source_ids() -> set[str]:
    found = extract_from_dir(str(ROOT), METHODS, keywords={"_": None, "_l": None, "N_": None,
                                                            "gettext": None, "lazy_gettext": None})
    return {msg for _, _, msg, _, _ in found if isinstance(msg, str)}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_catalogue_covers_every_string_and_is_compiled(lang):
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert _source_ids() - translated == set()
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (po.with_suffix(".mo")).read_bytes() == compiled.getvalue(), "run the catalogue compile again"


def test_login_page_follows_the_browser_language(make_app):
    # No app context around the requests: each request picks its own locale, as in production.
    client = make_app().test_client()
    arabic = client.get("/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "تسجيل الدخول" in arabic
    french = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert 'dir="ltr"' in french and "Se connecter" in french and "Mot de passe" in french


def test_staff_see_categories_in_their_language(make_app):
    app = make_app()
    with app.app_context():
        merchant = make_merchant()
        make_ticket(merchant, "Le colis est arrivé complètement cassé", category_hint="non_conformity")
        email = make_user(merchant, "agent").email
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    page = client.get("/tickets", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Non-conformité" in page and "Nouveau" in page

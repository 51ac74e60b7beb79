"""The dependency rule: `helpdesk` imports neither `integrations` nor `worker` (only create_app does)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "helpdesk"
COMPOSITION_ROOT = PACKAGE / "__init__.py"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_helpdesk_does_not_import_integrations_or_worker():
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p != COMPOSITION_ROOT and "migrations" not in p.parts
                 and _imports(p) & {"integrations", "worker"}]
    assert offenders == []

"""`helpdesk sla-sweep` (SPEC 8)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .cli import emit, fails_cleanly


@click.command("sla-sweep")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def sla_sweep(as_json: bool) -> None:
    """Run the SLA sweep once: record breaches that happened since the last sweep."""
    from .sla.sweep import sweep

    result = sweep()
    emit({"breaches": [{"ref": ref, "clock": clock} for ref, clock in result.breaches]}, as_json,
         f"{len(result.breaches)} new breach(es)")


COMMANDS = (sla_sweep,)

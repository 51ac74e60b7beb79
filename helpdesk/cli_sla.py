"""The deadline sweeps, once, from the command line: `helpdesk sla-sweep` (SPEC 8) and `helpdesk mediation-sweep`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .cli import emit, fails_cleanly, finish_jobs


@click.command("sla-sweep")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def sla_sweep(as_json: bool) -> None:
    """Run the SLA sweep once: record warnings and breaches due since the last sweep, fire escalation steps."""
    from .sla.sweep import sweep

    result = sweep()
    emit({"warnings": [{"ref": ref, "clock": clock} for ref, clock in result.warnings],
          "breaches": [{"ref": ref, "clock": clock} for ref, clock in result.breaches],
          "escalations": [{"ref": ref, "action": action} for ref, action in result.escalations]}, as_json,
         f"{len(result.warnings)} warning(s), {len(result.breaches)} breach(es), "
         f"{len(result.escalations)} escalation step(s)")


@click.command("mediation-sweep")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
@fails_cleanly
def mediation_sweep(as_json: bool) -> None:
    """Run the mediation deadlines once: admissibility warnings, consent silence, proposal lapses, 90 days."""
    from .mediation.deadlines import sweep_deadlines

    counts = sweep_deadlines().counts
    finish_jobs()  # the mails it queued, in the embedded mode
    emit(counts, as_json, ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(counts.items()))
         or "no mediation deadline due")


COMMANDS = (sla_sweep, mediation_sweep)

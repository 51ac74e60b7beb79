"""The mediation workspace pages: the queue, one case (dossier, room, proposals, documents), collective cases
and the service's yearly figures, for mediators and, on their own cases, for the merchant's staff.

Every page finds the case through `queue` (anyone else gets the 404 of a case that does not exist) and
shows it through `present.case_view` for the reader, so the room's confidentiality is decided there and
nowhere here. The forms are in `page_actions`: they call the same services as the API.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request, send_file
from sqlalchemy import select

from ..auth.pages import restrict_pages
from ..auth.principal import Principal, require_principal
from ..errors import NotFound
from ..extensions import db
from ..files import path_for
from ..labels import when
from ..models import (
    CaseStatus,
    CollectiveCase,
    Consent,
    MediationAttachment,
    MediationCase,
    MediationService,
    Party,
    Role,
    RoomChannel,
    utcnow,
)
from . import agenda, collective, queue, stats
from .actors import Actor, actor_of
from .documents import document_available
from .documents_http import KINDS, document_response
from .page_forms import CollectiveForm, ProposalForm
from .present import case_view
from .room import readable_channels
from .transitions import TRANSITIONS
from .wording import case_word, channel_name

bp = Blueprint("mediation", __name__, url_prefix="/mediation")
restrict_pages(bp, (Role.AGENT, Role.SUPERVISOR, Role.MEDIATOR))
bp.add_app_template_filter(case_word, "case_word")


@bp.app_template_filter("case_when")
def case_when(value: Any, fmt: str = "short") -> str:
    """An instant of the dossier, which keeps them as ISO 8601 text, in the reader's language and zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return when(value, fmt)


def mediator_service(principal: Principal) -> MediationService:
    """The mediator's own service; the pages only for mediators are a 404 for anyone else."""
    if principal.role is not Role.MEDIATOR or principal.mediation_service_id is None:
        abort(404)
    service = db.session.get(MediationService, principal.mediation_service_id)
    if service is None:
        abort(404)
    return service


def _viewer(principal: Principal | None = None) -> Party:
    party = actor_of(principal or require_principal()).party
    assert party is not None  # a signed-in reader is the mediator or a party, never the clock
    return party


@bp.get("/cases")
def cases():  # type: ignore[no-untyped-def]
    principal = require_principal()
    status = request.args.get("status") or agenda.ACTIVE
    if status != agenda.ACTIVE and status not in {s.value for s in CaseStatus}:
        status = agenda.ACTIVE
    now = utcnow()
    found, deadlines = agenda.queue_of(principal, status, now)
    viewer = _viewer(principal)
    rows = [(case_view(c, viewer, full=False), deadlines[c.id]) for c in found]
    return render_template("mediation/queue.html", rows=rows, status=status, counts=agenda.status_counts(principal),
                           statuses=[agenda.ACTIVE, *(s.value for s in CaseStatus)], limit=agenda.QUEUE_LIMIT,
                           mediator=viewer is Party.MEDIATOR)


@bp.get("/cases/<id>")
def case(id: str):  # type: ignore[no-untyped-def]
    found = queue.get_case(id)
    actor = actor_of(require_principal())
    party = _viewer()
    g.merchant = found.merchant  # dates in the merchant's time zone, for the mediator too
    view = case_view(found, party)
    channels = [c.value for c in RoomChannel if c in readable_channels(party)]
    room = {c: [m for m in view["messages"] if m["channel"] == c] for c in channels}
    return render_template(
        "mediation/case.html", case=view, actor=actor, may=_may(found, actor), room=room,
        channel_name=lambda c: channel_name(c, party.value),
        deadlines=agenda.deadlines_of([found], utcnow())[found.id],
        documents=[k for k in KINDS if document_available(k, found.status.value)],
        chosen=request.args.get("channel") or "joint")


def _may(case: MediationCase, actor: Actor) -> dict[str, bool]:
    """Which forms to offer; only a hint for the page (the services refuse anything else with 403 or 409)."""
    mediator, supervisor = actor.party is Party.MEDIATOR, actor.supervisor
    active, status = case.status in TRANSITIONS, case.status
    return {
        "dossier": active and (mediator or supervisor),
        "decide": mediator and status is CaseStatus.SUBMITTED,
        "consent": supervisor and status is CaseStatus.AWAITING_CONSENT and case.consent_merchant is Consent.PENDING,
        "post": active,
        "propose": (mediator or supervisor) and status is CaseStatus.OPEN,
        "respond": supervisor and status is CaseStatus.OPEN,
        "extend": mediator and active and case.ends_at is not None,
        "close": mediator and status is CaseStatus.OPEN,
        "withdraw": supervisor and active,
    }


@bp.get("/cases/<id>/documents/<kind>")
def document(id: str, kind: str) -> Response:
    """The settlement or the certificate, built from the case as this reader sees it."""
    found = queue.get_case(id)
    return document_response(found, kind, _viewer())


@bp.get("/cases/<id>/attachments/<aid>")
def attachment(id: str, aid: str):  # type: ignore[no-untyped-def]
    """A room attachment, only if it is on a message this reader may see (always a download)."""
    found = queue.get_case(id)
    view = case_view(found, _viewer())
    visible = {str(a["id"]) for m in view["messages"] for a in m["attachments"]}
    row = db.session.get(MediationAttachment, int(aid)) if aid in visible else None
    if row is None:
        raise NotFound("No such file.")
    return send_file(path_for(row.sha256), mimetype="application/octet-stream", as_attachment=True,
                     download_name=row.filename)


@bp.get("/cases/<id>/evidence/<n>")
def evidence(id: str, n: str):  # type: ignore[no-untyped-def]
    """A file of the dossier's evidence (the public attachments of the ticket when it was escalated)."""
    found = queue.get_case(id)
    files = (case_view(found, _viewer())["dossier"] or {}).get(
        "evidence") or []
    if not n.isdigit() or int(n) >= len(files) or not path_for(files[int(n)]["sha256"]).exists():
        raise NotFound("No such file.")
    chosen = files[int(n)]
    return send_file(path_for(chosen["sha256"]), mimetype="application/octet-stream", as_attachment=True,
                     download_name=chosen["filename"])


@bp.get("/collective")
def collectives():  # type: ignore[no-untyped-def]
    """The service's collective cases, and its open cases that can still be joined, by merchant."""
    principal = require_principal()
    service = mediator_service(principal)
    joinable = list(db.session.scalars(queue.visible_cases(principal).where(
        MediationCase.status == CaseStatus.OPEN, MediationCase.collective_id.is_(None)).order_by(
        MediationCase.merchant_id, MediationCase.id)))
    by_merchant: dict[str, list[dict[str, Any]]] = {}
    for c in joinable:
        by_merchant.setdefault(c.merchant.name, []).append(case_view(c, Party.MEDIATOR, full=False))
    existing = list(db.session.scalars(select(CollectiveCase).where(
        CollectiveCase.mediation_service_id == service.id).order_by(CollectiveCase.id.desc())))
    return render_template("mediation/collectives.html", joinable=by_merchant, existing=existing,
                           form=CollectiveForm())


def find_collective(id: str, principal: Principal) -> CollectiveCase:
    """The mediator's service's collective case, or one of the staff's own merchant; else 404."""
    return queue.get_collective(id, principal)


@bp.get("/collective/<id>")
def collective_case(id: str):  # type: ignore[no-untyped-def]
    principal = require_principal()
    found = find_collective(id, principal)
    g.merchant = found.merchant
    view = collective.collective_view(found)
    viewer = _viewer(principal)
    members = [case_view(c, viewer, full=False) for c in collective.members(found)]
    actor = actor_of(principal)
    may_propose = (actor.is_mediator or actor.supervisor) and any(m["status"] == "open" for m in members)
    return render_template("mediation/collective.html", collective=view, members=members, form=ProposalForm(),
                           may_propose=may_propose)


@bp.get("/stats")
def yearly_stats():  # type: ignore[no-untyped-def]
    """The yearly activity figures; `?format=csv` gives the same numbers as a file."""
    service = mediator_service(require_principal())
    this_year = utcnow().year
    year = request.args.get("year", type=int) or this_year
    if not 2000 <= year <= this_year + 1:
        year = this_year
    figures = stats.year_stats(service, year)
    if request.args.get("format") == "csv":
        return Response(stats.stats_csv(figures), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="mediation-{service.slug}-{year}.csv"'})
    return render_template("mediation/stats.html", stats=figures, service=service, outcomes=stats.OUTCOMES,
                           years=range(this_year, this_year - 6, -1))


from . import page_actions  # noqa: F401  (the forms' routes, on this blueprint)

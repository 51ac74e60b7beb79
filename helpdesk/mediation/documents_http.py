"""A case's document as an HTTP answer, for the API, the staff pages and the portal alike."""
from __future__ import annotations

from flask import Response
from flask_babel import get_locale

from ..errors import NotFound
from ..models import MediationCase, Party
from .present import case_view

KINDS = ("settlement", "certificate")


def document_response(case: MediationCase, kind: str, viewer: Party, *, language: str | None = None) -> Response:
    """The PDF built from the case as this viewer sees it (so no other party's caucus can reach it)."""
    from .documents import document_available, render_document

    if kind not in KINDS:
        raise NotFound("No such document.")
    if not document_available(kind, case.status.value):
        raise NotFound(f"No {kind} exists for a case that is {case.status.value}.", code="document_not_available")
    language = language or str(get_locale() or "fr")[:2]
    pdf = render_document(kind, case_view(case, viewer), language=language, service_name=case.mediation_service.name,
                          timezone=case.merchant.timezone)
    filename = f"{kind}-case-{case.id}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})

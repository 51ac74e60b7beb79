"""Who may open a blueprint's pages: signed in, with one of the roles; anyone else sees a 404, as for a page that
does not exist (a shopper or a mediator learns nothing of the staff side)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from ..models import Role

STAFF = (Role.AGENT, Role.SUPERVISOR)
SUPERVISORS = (Role.SUPERVISOR,)


def restrict_pages(bp: Blueprint, roles: tuple[Role, ...]) -> None:
    @bp.before_request
    @login_required
    def only_these_roles():  # type: ignore[no-untyped-def]
        if current_user.role not in roles:
            abort(404)

"""schemathesis drives every operation of /api/v1/openapi.json with generated requests.

No request, however odd, may produce a server error, and every answer must
match the status codes, content types and schemas the document declares.
Integrators generate clients from that document: a mismatch breaks them.
"""
from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpdesk.extensions import db
from tests.conftest import bearer, make_merchant, make_ticket, make_token, make_user

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api(make_app: Any) -> Any:
    app = make_app()
    with app.app_context():
        merchant = make_merchant("atlas", name="Atlas Shop")
        refs = [make_ticket(merchant, text, order_number="#1001").ref
                for text in ("Mon colis n'est jamais arrivé.", "The blender arrived cracked.", "بغيت نرجع السلعة")]
        auth = bearer(make_token(make_user(merchant)))
        db.session.remove()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), auth, refs[0]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_generated_request_breaks_the_api_or_its_document(api: Any, mode: GenerationMode) -> None:
    schema, auth, known_ref = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, "the document lost its operations"
    # Operations on one ticket run twice: with generated refs (mostly unknown) and on a real ticket.
    runs = [(op, None) for op in operations] + [(op, {"ref": known_ref}) for op in operations if "{ref}" in op.path]
    for operation, path_parameters in runs:

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def exercise(case: Any) -> None:
            case.call_and_validate(headers=auth, checks=CHECKS)

        exercise()

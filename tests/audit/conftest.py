"""Fixtures shared by several test modules of this folder."""

from __future__ import annotations

import pytest

from lantoa.audit.models import AuditEvent
from lantoa.audit.services import audit_record
from tests.conftest import Officers, Tree


@pytest.fixture
def events(officers: Officers, tree: Tree) -> dict[str, AuditEvent]:
    made = {
        "a": audit_record(
            action="unit.update", actor=officers.a_admin, unit=tree.a_g1, target="A-G1"
        ),
        "b": audit_record(
            action="unit.update", actor=officers.b_admin, unit=tree.b_g1, target="B-G1"
        ),
        "none": audit_record(
            action="auth.login_failed", target="ai_do", data={"username": "ai_do"}
        ),
        "self": audit_record(action="auth.login", actor=officers.a_leader),
        "about": audit_record(
            action="officer.role_add",
            actor=officers.national_admin,
            unit=tree.vn,
            target="lanhdao_a",
            data={"subject_id": officers.a_leader.pk},
        ),
    }
    # Logging in through the fixture writes its own rows; keep only the ones above.
    AuditEvent.objects.exclude(pk__in=[e.pk for e in made.values()]).delete()
    return made

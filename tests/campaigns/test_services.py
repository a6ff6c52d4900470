"""Campaign services (lantoa.campaigns.services): validation and status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lantoa.audit.models import AuditEvent
from lantoa.campaigns import services
from lantoa.campaigns.models import Campaign, CampaignStatus
from tests.campaigns.support import make_campaign
from tests.conftest import Officers, Tree


def test_campaign_validation_and_status(tree: Tree, officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        make_campaign(
            tree.pa, officers.a_admin, starts_on=dt.date(2026, 5, 31), ends_on=dt.date(2026, 5, 1)
        )
    assert exc.value.message_dict["ends_on"] == [
        "Ngày kết thúc 01/05/2026 trước ngày bắt đầu 31/05/2026."
    ]
    with pytest.raises(ValidationError) as exc:
        make_campaign(tree.pa, officers.a_admin, audiences=["aliens"])
    assert exc.value.message_dict["audiences"] == ["Không có đối tượng “aliens”."]
    assert Campaign.objects.count() == 0

    past = make_campaign(
        tree.pa, officers.a_admin, starts_on=dt.date(2020, 5, 1), ends_on=dt.date(2020, 5, 31)
    )
    assert past.status == CampaignStatus.FINISHED
    c = make_campaign(
        tree.pa,
        officers.a_admin,
        audiences=["members_workers", "press"],
        planned_channels=["facebook_page", "loudspeaker"],
        status="planned",
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    assert services.campaigns_sync_status(today=dt.date(2026, 4, 30)) == 0
    assert services.campaigns_sync_status(today=dt.date(2026, 5, 2)) == 1
    c.refresh_from_db()
    assert c.status == CampaignStatus.RUNNING
    assert services.campaigns_sync_status(today=dt.date(2026, 6, 1)) == 1
    c.refresh_from_db()
    assert c.status == CampaignStatus.FINISHED
    assert c.audience_labels() == ["Đoàn viên, người lao động", "Báo chí"]
    assert AuditEvent.objects.filter(action="campaign.create").count() == 2

"""The home page ("/"): a signed-in officer goes on to their unit; one without a unit is told
so (lantoa.portal.views)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lantoa.accounts.models import User
from tests.conftest import Officers, Tree, login

pytestmark = pytest.mark.django_db


def test_home_redirects_to_home_unit_and_no_unit_page(
    client: Client, tree: Tree, officers: Officers
) -> None:
    login(client, officers.a_leader)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=["P-A"])
    lonely = User.objects.create_user(username="chua_co", password="x-" * 6)
    login(client, lonely)
    response = client.get("/")
    assert response.status_code == 200
    assert "Chưa được phân công đơn vị" in response.content.decode()

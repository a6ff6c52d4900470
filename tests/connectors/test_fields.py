"""Encrypted secret fields (lantoa.connectors.fields): stored encrypted, key rotation."""

from __future__ import annotations

from django.db import connection
from django.test.utils import override_settings

from lantoa.connectors.fields import decrypt, encrypt
from lantoa.connectors.models import ConnectorAccount
from tests.conftest import Tree
from tests.fixtures.connectors.support import ZALO_OA_SECRET, zalo_account


def test_secrets_are_encrypted_in_the_database(tree: Tree) -> None:
    account = zalo_account(tree.a_kcn)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT webhook_secret, access_token, refresh_token FROM connectors_connectoraccount "
            "WHERE id = %s",
            [account.pk],
        )
        raw = cursor.fetchone()
    assert raw is not None
    assert ZALO_OA_SECRET not in raw[0] and raw[0].startswith("gAAAA")
    assert "tok-access-old" not in raw[1] and "tok-refresh-old" not in raw[2]
    stored = ConnectorAccount.objects.get(pk=account.pk)
    assert stored.webhook_secret == ZALO_OA_SECRET
    assert stored.access_token == "tok-access-old"


def test_field_key_rotation() -> None:
    with override_settings(LANTOA_FIELD_KEY="khoa-cu-rat-dai-va-ngau-nhien"):
        token = encrypt("bí mật")
    with override_settings(LANTOA_FIELD_KEY="khoa-moi-rat-dai,khoa-cu-rat-dai-va-ngau-nhien"):
        assert decrypt(token) == "bí mật"
        assert encrypt("x") != encrypt("x")  # random IV
    with override_settings(LANTOA_FIELD_KEY="khoa-khac-han"):
        assert decrypt(token) == ""  # unreadable: the page must be reconnected
    assert encrypt("") == "" and decrypt("") == ""

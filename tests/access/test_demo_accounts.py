"""The demo accounts (lantoa.accounts.demo): one hash of the one published password."""

from __future__ import annotations

from lantoa.accounts.models import User
from tests.conftest import Tree


def test_demo_accounts_share_one_hash_of_the_demo_password(tree: Tree) -> None:
    from lantoa.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts

    accounts = ensure_demo_accounts()
    assert len(accounts) == len(DEMO_ACCOUNTS) > 1
    users = list(User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]))
    assert len(users) == len(DEMO_ACCOUNTS)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    # Hashed once per run (a slow Argon2 hash on a real install), not once per account.
    assert len({u.password for u in users}) == 1
    before = {u.pk: u.password for u in users}
    ensure_demo_accounts()  # a second start changes nothing
    assert dict(User.objects.filter(pk__in=before).values_list("pk", "password")) == before

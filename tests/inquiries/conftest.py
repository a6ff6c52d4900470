"""Fixtures shared by several test modules of this folder."""

from __future__ import annotations

import pytest

from lantoa.accounts.models import Role, User
from tests.conftest import Tree, make_officer


@pytest.fixture
def g1_handler(tree: Tree) -> User:
    """A handler whose role is held at the grassroots union itself."""
    return make_officer("tuyengiao_g1", tree.a_g1, Role.PROPAGANDA)

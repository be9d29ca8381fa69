"""One role normalizer for the engine, the chat-log readers and the service."""
from __future__ import annotations

import pytest
from kefulint.text.roles import AGENT_ROLES, BUYER_ROLES, UnknownRole, normalize_role, role_of


def test_role_sets_do_not_overlap():
    assert not AGENT_ROLES & BUYER_ROLES


@pytest.mark.parametrize("value, role", [
    ("buyer", "buyer"), ("顾客", "buyer"), (" Client ", "buyer"), (0, "buyer"), (False, "buyer"),
    ("客服", "agent"), ("SELLER", "agent"), (1, "agent"), (True, "agent"),
])
def test_known_roles(value, role):
    assert role_of(value) == role == normalize_role(value)


def test_unknown_role_names_the_value_and_masks_numbers():
    assert role_of("robot") is None
    with pytest.raises(UnknownRole) as exc:
        normalize_role("13800138000")
    assert "unknown role '138****8000'" in str(exc.value)
    assert "顾客" in str(exc.value)

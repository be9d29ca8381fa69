"""Who said a turn: the one normalizer of speaker roles, for the engine's buyer context, the chat-log
readers and the service. A role is matched case-insensitively after trimming; anything not listed
is an error the caller reports (a turn silently dropped is a context rule silently missed)."""
from __future__ import annotations

from .mask import quoted

AGENT = "agent"
BUYER = "buyer"

# JDDC's waiter_send column is 1 for the shop and 0 for the buyer; some exports write true/false.
AGENT_ROLES = frozenset({"agent", "waiter", "seller", "staff", "service", "kefu", "客服", "商家", "卖家",
                         "1", "true", "assistant", "server", "shop"})
BUYER_ROLES = frozenset({"buyer", "user", "customer", "client", "买家", "客户", "顾客", "0", "false"})
ROLES_HINT = "buyer: buyer/user/customer/买家/客户/顾客/0; agent: agent/客服/seller/商家/1"


class UnknownRole(ValueError):
    """A role that is neither a buyer's nor an agent's; ``value`` is what was given."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(f"unknown role {quoted(value, 30)} ({ROLES_HINT})")


def role_of(value: object) -> str | None:
    """``"buyer"`` or ``"agent"`` for a known role (JSON ``true``/``false`` and ``0``/``1``
    included), else None."""
    key = str(value).strip().lower()
    if key in BUYER_ROLES:
        return BUYER
    if key in AGENT_ROLES:
        return AGENT
    return None


def normalize_role(value: object) -> str:
    """Like :func:`role_of`, but an unknown role raises :class:`UnknownRole`."""
    role = role_of(value)
    if role is None:
        raise UnknownRole(value)
    return role

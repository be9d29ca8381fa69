"""A rule as loaded from a ruleset file: plain, immutable data."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..finding import Severity


@dataclass(frozen=True, slots=True)
class Near:
    """Words that must (``near``) or must not (``not_near``) stand close to a candidate,
    measured in characters of the compact search form."""

    words: tuple[str, ...]
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class Context:
    """The rule applies only when one of the last ``turns`` buyer turns matches ``buyer`` (no
    ``buyer``: always), and not when one of them says an ``unless`` phrase: the buyer asked for what
    the reply does (帮我取消订单 before 已经帮您取消了)."""

    buyer: tuple[str, ...]
    turns: int = 3
    unless: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Frame:
    """An intent as words of two or more classes close together, in either order: a word of every
    slot within ``window`` characters (compact form) of a word of the first slot. With
    ``negation`` a negation or hedge in scope (不/没/别/禁止 ... before it in its clause, 没保障 ...
    after) clears it. A slot word may be ``%category``: a confirmed finding of that category in
    the same reply (a card number for a payment frame)."""

    slots: tuple[tuple[str, ...], ...]
    window: int = 12
    negation: bool = True
    ordered: bool = False  # the other slots follow the first

    def special(self) -> tuple[tuple[frozenset[str], tuple[str, ...], bool], ...]:
        """Per slot, the categories (``%``) and tokens (``#``) it accepts, and whether it has words."""
        return tuple(
            (
                frozenset(w[1:] for w in slot if w[0] == "%"),
                tuple(w for w in slot if w[0] == "#"),
                any(w[0] not in "%#" for w in slot),
            )
            for slot in self.slots
        )


# The closed set of checks a ``kind = "conversation"`` rule may make, and the key each one reads:
# a response slower than ``seconds``, or a first / last agent turn without any ``expect`` phrase.
CONVERSATION_CHECKS: dict[str, str] = {
    "first-response": "seconds",
    "reply-time": "seconds",
    "greeting": "expect",
    "farewell": "expect",
}


@dataclass(frozen=True, slots=True)
class ConversationCheck:
    """What a conversation rule judges (``kefulint scan``, :mod:`kefulint.scan.judge`): a timing
    check with its limit in ``seconds``, or a phrase check with the phrases it ``expect``s."""

    check: str  # a key of CONVERSATION_CHECKS
    seconds: float | None = None
    expect: tuple[str, ...] = ()


# A turn of a conversation example: (role "buyer" or "agent", text, seconds from the start or None).
ExampleTurn = tuple[str, str, float | None]


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    context: tuple[str, ...] = ()
    conversation: tuple[ExampleTurn, ...] = ()  # the examples of conversation rules


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: str
    severity: Severity
    points: int
    message: str
    suggestion: str
    ruleset: str
    source: str  # the file the rule came from
    reference: str = ""
    kind: str = "pattern"
    phrases: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    detector: str | None = None
    options: dict = field(default_factory=dict, hash=False, compare=False)
    allow: tuple[str, ...] = ()
    boundary: str | None = None
    near: Near | None = None
    not_near: Near | None = None
    unless: tuple[str, ...] = ()
    context: Context | None = None
    frame: Frame | None = None
    conversation: ConversationCheck | None = None
    # a negation or hedge in scope clears a candidate (不接受线下付款, 私下转账没保障); see frames.py
    negation: bool = False
    platforms: tuple[str, ...] = ()
    fatal: bool = False
    sensitive: bool = False
    fix: str | None = None
    max_gap: int = 3
    # categories whose finding in the same reply says what this rule's would (an insult holds its
    # sneer: 穷鬼 磨叽半天 is abuse, not also a banned phrase); see assemble.py
    yields_to: tuple[str, ...] = ()
    trusted: bool = False  # shipped with kefulint: its regexes run on stdlib re, without a timeout
    bad: tuple[Example, ...] = ()
    good: tuple[Example, ...] = ()

    def with_overrides(self, *, severity: Severity | None = None, points: int | None = None) -> Rule:
        from dataclasses import replace

        return replace(
            self,
            severity=self.severity if severity is None else severity,
            points=self.points if points is None else points,
        )

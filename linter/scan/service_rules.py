"""The conversation rules ``kefulint scan`` judges (``kind = "conversation"``, shipped in
``rulesets/service.toml``), as the judge uses them: one per check, with its limit or phrases.

They come from the resolved rules, so ``disable``, ``severity`` and ``points`` in the config apply
to them as to every rule. The ``[scan.service]`` table is kept as an alias for one release: its
values override the rules' (see :class:`ServiceSettings`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..finding import Severity
from ..rules.model import CONVERSATION_CHECKS, Rule

SERVICE_RULESET = "service"


def _shipped_rules() -> tuple[Rule, ...]:
    """The shipped service rules, for a check the resolved rules lack (disabled): the schema loads
    slowly, and a scan with every service rule on never needs it."""
    from ..rules.schema import load_builtin

    return load_builtin(SERVICE_RULESET).rules


@dataclass(frozen=True)
class ServiceRule:
    id: str
    category: str
    severity: Severity
    points: int
    message: str
    suggestion: str
    seconds: float | None = None  # the limit of a timing check
    expect: tuple[str, ...] = ()  # the phrases of a greeting / farewell check
    enabled: bool = True  # a disabled timing rule still measures (per-agent summary), reports nothing


@dataclass(frozen=True)
class ServiceSettings:
    """The deprecated ``[scan.service]`` table: overrides of the conversation rules, each None
    (or empty) when not set. Use top-level ``disable`` / ``severity`` / ``points`` instead; to
    change a limit or the phrases, disable the shipped rule and add your own ``kind =
    "conversation"`` rule in a ruleset."""

    first_response_seconds: float | None = None
    reply_seconds: float | None = None
    greeting: tuple[str, ...] | None = None
    farewell: tuple[str, ...] | None = None
    severity: dict[str, str] = field(default_factory=dict)  # rule id or category -> severity
    points: dict[str, int] = field(default_factory=dict)
    disable: tuple[str, ...] = ()  # rule ids or categories (or "service")

    def _values(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for check, key, value in (("first-response", "seconds", self.first_response_seconds),
                                  ("reply-time", "seconds", self.reply_seconds),
                                  ("greeting", "expect", self.greeting), ("farewell", "expect", self.farewell)):
            if value is not None:
                out[check] = {key: value}
        return out

    def rules(self, resolved: Iterable[Rule]) -> dict[str, ServiceRule]:
        """check -> the rule that judges it: the enabled conversation rule of the resolved rules
        (a check without one keeps the shipped rule's values, disabled), with these overrides."""
        enabled = {r.conversation.check: r for r in resolved if r.conversation is not None}
        shipped = {} if len(enabled) == len(CONVERSATION_CHECKS) else {
            r.conversation.check: r for r in _shipped_rules() if r.conversation is not None
        }
        off = set(self.disable)
        values = self._values()
        out: dict[str, ServiceRule] = {}
        for check in CONVERSATION_CHECKS:
            rule = enabled.get(check) or shipped.get(check)
            if rule is None or rule.conversation is None:
                continue
            sev = self.severity.get(rule.id, self.severity.get(rule.category))
            out[check] = ServiceRule(
                rule.id, rule.category, Severity(sev) if sev else rule.severity,
                self.points.get(rule.id, self.points.get(rule.category, rule.points)),
                rule.message, rule.suggestion,
                **{"seconds": rule.conversation.seconds, "expect": rule.conversation.expect, **values.get(check, {})},
                enabled=check in enabled and not ({rule.id, rule.category, rule.ruleset} & off),
            )
        return out

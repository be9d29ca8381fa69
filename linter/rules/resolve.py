"""Resolving the rules a Settings enables: built-in and user rulesets, switches and overrides."""
from __future__ import annotations

from ..errors import RulesetError
from ..finding import Severity
from ..settings import Settings
from .model import Rule
from .schema import builtin_names, load_builtin, load_path


def resolve_rules(settings: Settings) -> list[Rule]:
    """Load the enabled rulesets and apply the settings' switches and overrides."""
    names = builtin_names() if settings.rulesets is None else list(settings.rulesets)
    errors: list[str] = []
    rulesets = []
    for name in names:
        try:
            rulesets.append(load_builtin(name))
        except RulesetError as exc:
            errors.extend(e for e in exc.errors if e not in errors)  # the shared vocabulary's, once
    for path in settings.extra_rulesets:
        try:
            rulesets.append(load_path(path))
        except RulesetError as exc:
            errors.extend(e for e in exc.errors if e not in errors)
    seen: dict[str, str] = {}
    rules: list[Rule] = []
    off = set(settings.disable)
    judged: dict[str, str] = {}  # conversation check -> the rule that judges it
    for rs in rulesets:
        if rs.name in off:
            continue
        for rule in rs.rules:
            if rule.id in seen:
                errors.append(f"{rs.source}: rule {rule.id}: id already defined in {seen[rule.id]}")
                continue
            seen[rule.id] = rs.source
            if rule.id in off or rule.category in off:
                continue
            if rule.conversation is not None:  # the judge runs one rule per conversation check
                other = judged.setdefault(rule.conversation.check, rule.id)
                if other != rule.id:
                    errors.append(f"{rs.source}: rule {rule.id}: check '{rule.conversation.check}' is already "
                                  f"judged by rule {other}; disable one of them")
                    continue
            sev = settings.severity.get(rule.id, settings.severity.get(rule.category))
            pts = settings.points.get(rule.id, settings.points.get(rule.category))
            rules.append(rule.with_overrides(severity=Severity(sev) if sev else None, points=pts))
    if errors:
        raise RulesetError(errors)
    return rules


"""Loading and validating rulesets (``rulesets/*.toml``).

Every problem of a file is collected and reported at once, each with the file, the rule id and
the offending key, e.g. ``rulesets/x.toml: rule contact.qq: unknown key 'severty' (did you mean
'severity'?)``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import regex

from ..detectors import DETECTORS
from ..errors import RulesetError, nearest
from ..finding import Severity
from .categories import CATEGORIES
from .model import Context, Example, Near, Rule
from .platforms import PLATFORM_NAMES

RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*)+$")
FIXES = ("mask", "suggestion", "remove")
REGEX_TIMEOUT = 0.05  # seconds per regex search; a user pattern that backtracks forever is stopped

_RULE_KEYS = {
    "id": str, "category": str, "severity": str, "points": int, "message": str, "suggestion": str,
    "reference": str, "phrases": list, "regex": list, "triggers": list, "detector": str,
    "options": dict, "allow": list, "boundary": str, "near": dict, "not_near": dict, "unless": list,
    "context": dict, "platforms": list, "fatal": bool, "sensitive": bool, "fix": str, "max_gap": int,
    "examples": dict,
}
_REQUIRED = ("id", "category", "severity", "points", "message", "suggestion")
_TOP_KEYS = ("ruleset", "rule")
_RULESET_KEYS = ("name", "description", "reference")
_NEAR_KEYS = ("words", "before", "after", "window")
_CONTEXT_KEYS = ("buyer", "turns")


# A quantified group whose body ends in a quantifier: (a+)+  (\d*)*  (ab+){2,}
_NESTED_QUANTIFIER = re.compile(r"\((?:\?:)?[^()]*[+*}]\)(?:[+*]|\{\d*,\d*\})")


@dataclass(frozen=True, slots=True)
class Ruleset:
    name: str
    description: str
    source: str
    rules: tuple[Rule, ...]


def builtin_names() -> list[str]:
    files = resources.files("kefulint.rulesets")
    return sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml"))


def load_builtin(name: str) -> Ruleset:
    files = resources.files("kefulint.rulesets")
    path = files.joinpath(f"{name}.toml")
    if not path.is_file():
        raise RulesetError([f"unknown ruleset '{name}' (built-in: {', '.join(builtin_names())})"])
    return parse_ruleset(path.read_text(encoding="utf-8"), f"rulesets/{name}.toml", default_name=name, trusted=True)


def load_path(path: str | Path) -> Ruleset:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesetError([f"{p}: cannot read ruleset: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise RulesetError([f"{p}: ruleset is not UTF-8"]) from None
    return parse_ruleset(text, str(p), default_name=p.stem)


def parse_ruleset(text: str, source: str, default_name: str, trusted: bool = False) -> Ruleset:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError([f"{source}: invalid TOML: {exc}"]) from None
    errors: list[str] = []
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(f"{source}: unknown top-level key '{key}'{nearest(key, _TOP_KEYS)}")
    meta = data.get("ruleset", {})
    if not isinstance(meta, dict):
        errors.append(f"{source}: [ruleset] must be a table")
        meta = {}
    for key in meta:
        if key not in _RULESET_KEYS:
            errors.append(f"{source}: [ruleset]: unknown key '{key}'{nearest(key, _RULESET_KEYS)}")
    name = meta.get("name", default_name)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        errors.append(f"{source}: no [[rule]] tables")
        raw_rules = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        rule_errors: list[str] = []
        rule = _parse_rule(raw, source, name, rule_errors, trusted)
        label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else f"#{index}"
        errors.extend(f"{source}: rule {label}: {e}" for e in rule_errors)
        if rule is not None and not rule_errors:
            if rule.id in seen:
                errors.append(f"{source}: rule {rule.id}: id used twice")
            seen.add(rule.id)
            rules.append(rule)
    if errors:
        raise RulesetError(errors)
    return Ruleset(name=name, description=str(meta.get("description", "")), source=source, rules=tuple(rules))


def _str_list(value, key: str, errors: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        errors.append(f"'{key}' must be a list of non-empty strings")
        return ()
    return tuple(value)


def _near(value: dict, key: str, errors: list[str], default: int) -> Near | None:
    for k in value:
        if k not in _NEAR_KEYS:
            errors.append(f"'{key}': unknown key '{k}'{nearest(k, _NEAR_KEYS)}")
    words = _str_list(value.get("words", []), f"{key}.words", errors)
    if not words:
        errors.append(f"'{key}.words' must not be empty")
    # "window" sets both sides; a side named alone leaves the other at 0
    if "window" in value or ("before" not in value and "after" not in value):
        window = value.get("window", default)
    else:
        window = 0
    before, after = value.get("before", window), value.get("after", window)
    for k, v in (("before", before), ("after", after)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            errors.append(f"'{key}.{k}' must be a whole number >= 0")
    return Near(words=words, before=before, after=after) if words else None


def _examples(value, key: str, errors: list[str]) -> tuple[Example, ...]:
    if not isinstance(value, list):
        errors.append(f"'examples.{key}' must be a list")
        return ()
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(Example(item))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            extra = set(item) - {"text", "context"}
            if extra:
                errors.append(f"'examples.{key}': unknown key '{min(extra)}' (allowed: text, context)")
            ctx = _str_list(item.get("context", []), f"examples.{key}.context", errors) if item.get("context") else ()
            out.append(Example(item["text"], ctx))
        else:
            errors.append(f"'examples.{key}' items must be strings or {{text, context}} tables")
    return tuple(out)


def _parse_rule(raw, source: str, ruleset: str, errors: list[str], trusted: bool = False) -> Rule | None:
    if not isinstance(raw, dict):
        errors.append("a [[rule]] must be a table")
        return None
    for key, value in raw.items():
        if key not in _RULE_KEYS:
            errors.append(f"unknown key '{key}'{nearest(key, _RULE_KEYS)}")
        elif not isinstance(value, _RULE_KEYS[key]) or (_RULE_KEYS[key] is int and isinstance(value, bool)):
            errors.append(f"'{key}' must be of type {_RULE_KEYS[key].__name__}")
    for key in _REQUIRED:
        if key not in raw:
            errors.append(f"missing required key '{key}'")
    if errors:
        return None
    if not RULE_ID.match(raw["id"]):
        errors.append(f"id '{raw['id']}' must look like 'ruleset.rule-name' (lower case, dots)")
    if raw["category"] not in CATEGORIES:
        errors.append(f"unknown category '{raw['category']}'{nearest(raw['category'], CATEGORIES)}")
    try:
        severity = Severity(raw["severity"])
    except ValueError:
        errors.append(f"severity must be one of error, warning, info, not '{raw['severity']}'")
        severity = Severity.ERROR
    if raw["points"] < 0:
        errors.append("points must be >= 0")
    for key in ("message", "suggestion"):
        if not raw[key].strip():
            errors.append(f"'{key}' must not be empty")
    phrases = _str_list(raw.get("phrases", []), "phrases", errors)
    patterns = _str_list(raw.get("regex", []), "regex", errors)
    for pattern in patterns:
        try:
            regex.compile(pattern)
        except regex.error as exc:
            errors.append(f"regex {pattern!r} does not compile: {exc}")
            continue
        if _NESTED_QUANTIFIER.search(pattern):
            errors.append(
                f"regex {pattern!r} repeats a group that itself repeats (like (a+)+): it can backtrack "
                "for ever on some inputs; rewrite it without the nested quantifier"
            )
    detector = raw.get("detector")
    options = raw.get("options", {})
    if detector is not None and detector not in DETECTORS:
        errors.append(f"unknown detector '{detector}'{nearest(detector, DETECTORS)}")
    elif detector is not None:
        errors.extend(DETECTORS[detector].validate(options))
    elif options:
        errors.append("'options' is only for rules with a detector")
    if not (phrases or patterns or detector):
        errors.append("needs at least one of 'phrases', 'regex' or 'detector'")
    boundary = raw.get("boundary")
    if boundary not in (None, "word"):
        errors.append(f"boundary must be \"word\", not '{boundary}'")
    fix = raw.get("fix")
    if fix is not None and fix not in FIXES:
        errors.append(f"fix must be one of {', '.join(FIXES)}, not '{fix}'")
    platforms = _str_list(raw.get("platforms", []), "platforms", errors) if "platforms" in raw else ()
    for p in platforms:
        if p not in PLATFORM_NAMES:
            errors.append(f"unknown platform '{p}'{nearest(p, PLATFORM_NAMES)}")
    context = None
    if "context" in raw:
        ctx = raw["context"]
        for k in ctx:
            if k not in _CONTEXT_KEYS:
                errors.append(f"'context': unknown key '{k}'{nearest(k, _CONTEXT_KEYS)}")
        buyer = _str_list(ctx.get("buyer", []), "context.buyer", errors)
        turns = ctx.get("turns", 3)
        if not buyer:
            errors.append("'context.buyer' must list the buyer phrases the rule needs")
        if not isinstance(turns, int) or turns < 1:
            errors.append("'context.turns' must be a whole number >= 1")
        context = Context(buyer=buyer, turns=turns)
    examples = raw.get("examples", {})
    for k in examples:
        if k not in ("bad", "good"):
            errors.append(f"'examples': unknown key '{k}' (allowed: bad, good)")
    bad = _examples(examples.get("bad", []), "bad", errors)
    good = _examples(examples.get("good", []), "good", errors)
    if not bad or not good:
        errors.append("needs at least one example in both 'examples.bad' and 'examples.good'")
    max_gap = raw.get("max_gap", 3)
    if errors:
        return None
    return Rule(
        id=raw["id"],
        category=raw["category"],
        severity=severity,
        points=raw["points"],
        message=raw["message"],
        suggestion=raw["suggestion"],
        ruleset=ruleset,
        source=source,
        reference=raw.get("reference", ""),
        phrases=phrases,
        regex=patterns,
        triggers=_str_list(raw.get("triggers", []), "triggers", errors) if "triggers" in raw else (),
        detector=detector,
        options=dict(options),
        allow=_str_list(raw.get("allow", []), "allow", errors) if "allow" in raw else (),
        boundary=boundary,
        near=_near(raw["near"], "near", errors, 8) if "near" in raw else None,
        not_near=_near(raw["not_near"], "not_near", errors, 6) if "not_near" in raw else None,
        unless=_str_list(raw.get("unless", []), "unless", errors) if "unless" in raw else (),
        context=context,
        platforms=platforms,
        fatal=raw.get("fatal", False),
        sensitive=raw.get("sensitive", False),
        fix=fix,
        max_gap=max_gap,
        trusted=trusted,
        bad=bad,
        good=good,
    )

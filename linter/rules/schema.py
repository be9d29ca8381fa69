"""Loading and validating rulesets (``rulesets/*.toml``).

Every problem of a file is collected and reported at once, each with the file, the rule id and
the offending key, e.g. ``rulesets/x.toml: rule contact.qq: unknown key 'severty' (did you mean
'severity'?)``.
"""
from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex

from ..detectors import DETECTORS
from ..errors import RulesetError, nearest
from ..finding import Severity
from ..text.normalize import fold_phrase
from ..text.phonetic import full_pinyin
from .builtin import VOCAB_FILE, builtin_names
from .categories import CATEGORIES
from .model import CONVERSATION_CHECKS, Context, ConversationCheck, Example, ExampleTurn, Frame, Near, Rule
from .platforms import PLATFORM_NAMES
from .vocab import Vocabulary, parse_vocab

RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*)+$")
FIXES = ("mask", "suggestion", "remove")
REGEX_TIMEOUT = 0.05  # seconds per regex search; a user pattern that backtracks forever is stopped

_RULE_KEYS = {
    "id": str, "category": str, "severity": str, "points": int, "message": str, "suggestion": str,
    "reference": str, "phrases": list, "regex": list, "triggers": list, "detector": str,
    "options": dict, "allow": list, "boundary": str, "near": dict, "not_near": dict, "unless": list,
    "context": dict, "platforms": list, "fatal": bool, "sensitive": bool, "fix": str, "max_gap": int,
    "examples": dict, "kind": str, "frame": list, "window": int, "negation": bool, "ordered": bool,
    "check": str, "seconds": float, "expect": list, "yields_to": list, "pinyin": str,
}
# The closed set of rule kinds: what each matches with, the keys it needs (one of each tuple) and
# the keys only it may use. Every kind may add the common keys (allow, near, unless, context, ...).
KINDS: dict[str, tuple[tuple[tuple[str, ...], ...], frozenset[str]]] = {
    "pattern": ((("phrases", "regex"),), frozenset({"phrases", "regex", "triggers", "boundary", "max_gap", "pinyin"})),
    "detector": ((("detector",),), frozenset({"detector", "options"})),
    "frame": ((("frame",),), frozenset({"frame", "window", "ordered", "pinyin"})),
    # judged on a whole conversation by `kefulint scan` (see model.CONVERSATION_CHECKS), not on a message
    "conversation": ((("check",),), frozenset({"check", "seconds", "expect"})),
}
_KIND_KEYS = frozenset().union(*(keys for _req, keys in KINDS.values()))
# Common keys that only mean something for a rule judging one message.
MESSAGE_KEYS = frozenset({"allow", "near", "not_near", "unless", "context", "platforms", "fatal", "sensitive",
                          "fix", "negation", "yields_to"})
CONVERSATION_KINDS = frozenset({"conversation"})
FRAME_TOKENS = ("#id", "#number", "#digits", "#quoted")
_REQUIRED = ("id", "kind", "category", "severity", "points", "message", "suggestion")
_TOP_KEYS = ("ruleset", "rule", "vocab")
_RULESET_KEYS = ("name", "description", "reference")
_NEAR_KEYS = ("words", "before", "after", "window")
_CONTEXT_KEYS = ("buyer", "turns", "unless")


# A quantified group whose body ends in a quantifier: (a+)+  (\d*)*  (ab+){2,}
_NESTED_QUANTIFIER = re.compile(r"\((?:\?:)?[^()]*[+*}]\)(?:[+*]|\{\d*,\d*\})")


@dataclass(frozen=True, slots=True)
class Ruleset:
    name: str
    description: str
    source: str
    rules: tuple[Rule, ...]


def shared_vocabulary(validate: bool = True) -> Vocabulary:
    """The classes of ``rulesets/vocab.toml``, usable as ``@name`` in every ruleset. With
    ``validate`` every class is expanded once so that a broken reference is reported at load; the
    engine, which needs only the negation words, reads the file without that (cold start)."""
    return _validated_vocabulary() if validate else _read_vocabulary()


@lru_cache(maxsize=1)
def _read_vocabulary() -> Vocabulary:
    source = f"rulesets/{VOCAB_FILE}.toml"
    text = resources.files("kefulint.rulesets").joinpath(f"{VOCAB_FILE}.toml").read_text(encoding="utf-8")
    errors: list[str] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError([f"{source}: invalid TOML: {exc}"]) from None
    for key in data:
        if key != "vocab":
            errors.append(f"{source}: unknown top-level key '{key}' (allowed: vocab)")
    vocab = Vocabulary(parse_vocab(data.get("vocab", {}), source, errors, nearest))
    if errors:
        raise RulesetError(errors)
    return vocab


@lru_cache(maxsize=1)
def _validated_vocabulary() -> Vocabulary:
    vocab = _read_vocabulary()
    errors: list[str] = []
    for name in vocab.classes:  # every reference resolves
        try:
            vocab.words(name, nearest)
        except KeyError as exc:
            errors.append(f"rulesets/{VOCAB_FILE}.toml: {exc.args[0]}")
    if errors:
        raise RulesetError(errors)
    return vocab


def load_builtin(name: str) -> Ruleset:
    files = resources.files("kefulint.rulesets")
    path = files.joinpath(f"{name}.toml")
    if not path.is_file():
        raise RulesetError([f"unknown ruleset '{name}' (built-in: {', '.join(builtin_names())})"])
    return _parse_builtin(path.read_text(encoding="utf-8"), name)


@lru_cache(maxsize=64)
def _parse_builtin(text: str, name: str) -> Ruleset:
    """A built-in ruleset parsed once per process for the same text: every Linter of a process (a
    reload, a lint run's config profiles) reads the same files; an edited file is parsed anew."""
    return parse_ruleset(text, f"rulesets/{name}.toml", default_name=name, trusted=True)


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
    vocab = shared_vocabulary()
    if "vocab" in data:
        vocab = vocab.merged(parse_vocab(data["vocab"], source, errors, nearest), errors)
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        errors.append(f"{source}: no [[rule]] tables")
        raw_rules = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        rule_errors: list[str] = []
        rule = _parse_rule(raw, source, name, rule_errors, trusted, vocab)
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


def _str_list(value, key: str, errors: list[str], vocab: Vocabulary | None = None) -> tuple[str, ...]:
    """A list of words; ``@name`` items are replaced by the words of that vocabulary class."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        errors.append(f"'{key}' must be a list of non-empty strings")
        return ()
    if vocab is None or not any(v.startswith("@") for v in value):
        return tuple(value)
    found: list[str] = []
    words = vocab.expand(value, nearest, found)
    errors.extend(f"'{key}': {e}" for e in found)
    return words


def _yields_to(raw: dict, errors: list[str]) -> tuple[str, ...]:
    """The categories a rule's finding gives way to (another category, each known)."""
    if "yields_to" not in raw:
        return ()
    categories = _str_list(raw["yields_to"], "yields_to", errors)
    for c in categories:
        if c not in CATEGORIES:
            errors.append(f"'yields_to': unknown category '{c}'{nearest(c, CATEGORIES)}")
        elif c == raw.get("category"):
            errors.append(f"'yields_to': '{c}' is the rule's own category")
    return categories


def _near(value: dict, key: str, errors: list[str], default: int, vocab: Vocabulary | None = None) -> Near | None:
    for k in value:
        if k not in _NEAR_KEYS:
            errors.append(f"'{key}': unknown key '{k}'{nearest(k, _NEAR_KEYS)}")
    words = _str_list(value.get("words", []), f"{key}.words", errors, vocab)
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


def _has_type(value, expected: type) -> bool:
    if isinstance(value, bool):
        return expected is bool
    if expected is float:
        return isinstance(value, (int, float))
    return isinstance(value, expected)


def _examples(value, key: str, errors: list[str], whole: bool = False) -> tuple[Example, ...]:
    if not isinstance(value, list):
        errors.append(f"'examples.{key}' must be a list")
        return ()
    if whole:
        return tuple(ex for item in value if (ex := _conversation_example(item, key, errors)) is not None)
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


_VOCAB_IN_REGEX = re.compile(r"\(@([a-z_][a-z0-9_]*)\)")


def _regex_vocab(pattern: str, vocab: Vocabulary | None, errors: list[str]) -> str:
    """``(@name)`` in a regex is the group of every word of that vocabulary class, in the compact
    form the regexes run on, longest first."""
    if vocab is None or "(@" not in pattern:
        return pattern

    def words(m: re.Match) -> str:
        try:
            found = vocab.words(m.group(1), nearest)
        except KeyError as exc:
            errors.append(f"regex {pattern!r}: {exc.args[0]}")
            return m.group()
        keys = sorted({fold_phrase(w) for w in found} - {""}, key=lambda k: (-len(k), k))
        return "(" + "|".join(re.escape(k) for k in keys) + ")"

    return _VOCAB_IN_REGEX.sub(words, pattern)


_TURN_ROLES = ("buyer", "agent")


def _conversation_example(item, key: str, errors: list[str]) -> Example | None:
    """``{conversation = [{buyer = "在吗", at = 0}, {agent = "您好", at = 2}]}``: ``at`` is seconds
    from the start (optional)."""
    where = f"'examples.{key}'"
    turns_raw = item.get("conversation") if isinstance(item, dict) else None
    if not isinstance(turns_raw, list) or not turns_raw or set(item) != {"conversation"}:
        errors.append(f"{where} items of a conversation rule must be {{conversation = [{{buyer = \"...\", at = 0}}, "
                      "{agent = \"...\", at = 5}, ...]} tables")
        return None
    turns: list[ExampleTurn] = []
    for i, turn in enumerate(turns_raw):
        roles = [r for r in _TURN_ROLES if r in turn] if isinstance(turn, dict) else []
        at = turn.get("at") if isinstance(turn, dict) else None
        if (len(roles) != 1 or not isinstance(turn[roles[0]], str) or set(turn) - {*roles, "at"}
                or not (at is None or (_has_type(at, float) and at >= 0))):
            errors.append(f"{where}: conversation turn {i + 1} must be {{buyer = \"...\"}} or {{agent = \"...\"}}, "
                          "with an optional 'at' (seconds from the start, >= 0)")
            return None
        turns.append((roles[0], turn[roles[0]], None if at is None else float(at)))
    if not any(role == "agent" for role, _t, _a in turns):
        errors.append(f"{where}: a conversation example needs an agent turn")
        return None
    return Example(text="", conversation=tuple(turns))


def _conversation(raw: dict, errors: list[str], vocab: Vocabulary | None) -> ConversationCheck | None:
    check = raw["check"]
    needs = CONVERSATION_CHECKS.get(check)
    if needs is None:
        errors.append(f"unknown check '{check}'{nearest(check, CONVERSATION_CHECKS)}")
        return None
    for key in ("seconds", "expect"):
        if key == needs and key not in raw:
            errors.append(f"check '{check}' needs '{key}'")
        elif key != needs and key in raw:
            errors.append(f"key '{key}' is not used by check '{check}'")
    seconds = raw.get("seconds")
    if seconds is not None and seconds <= 0:
        errors.append("'seconds' must be a number > 0")
    expect = _str_list(raw["expect"], "expect", errors, vocab) if "expect" in raw else ()
    allowed = {"seconds", "limit"} if needs == "seconds" else set()
    for key in ("message", "suggestion"):
        try:
            names = {name for _lit, name, _spec, _conv in string.Formatter().parse(raw[key]) if name is not None}
        except ValueError as exc:
            errors.append(f"'{key}': {exc}")
            continue
        for name in sorted(names - allowed):
            errors.append(f"'{key}': unknown placeholder {{{name}}}"
                          + (" (allowed: {seconds}, {limit})" if allowed else " (this check fills none)"))
    return ConversationCheck(check=check, seconds=None if seconds is None else float(seconds), expect=expect)


def _with_full_pinyin(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` and then their full pinyin spellings (a rule's ``pinyin = "full"``); a frame token
    (%category, #id) is no word."""
    spelt = dict.fromkeys(v for w in words if w[0] not in "%#" for v in sorted(full_pinyin(w)))
    return words + tuple(v for v in spelt if v not in words)


def _frame(raw: dict, errors: list[str], vocab: Vocabulary | None) -> Frame | None:
    slots_raw = raw["frame"]
    if not slots_raw or not all(isinstance(slot, list) and slot for slot in slots_raw):
        errors.append("'frame' must be a list of slots, each a non-empty list of words")
        return None
    slots = []
    for i, slot in enumerate(slots_raw):
        words = _str_list(slot, f"frame[{i}]", errors, vocab)
        for w in words:
            if w.startswith("#") and (w not in FRAME_TOKENS or i == 0):
                errors.append(f"'frame[{i}]': '{w}' must be one of {', '.join(FRAME_TOKENS)}, and not in the first slot"
                              if w in FRAME_TOKENS else f"'frame[{i}]': unknown token '{w}'{nearest(w, FRAME_TOKENS)}")
            if w.startswith("%") and (w[1:] not in CATEGORIES or i == 0):
                errors.append(f"'frame[{i}]': '{w}' must name a category, and not in the first slot"
                              if w[1:] in CATEGORIES else
                              f"'frame[{i}]': unknown category '{w[1:]}'{nearest(w[1:], CATEGORIES)}")
        if raw.get("pinyin") == "full":  # every word of the slot typed in full pinyin too
            words = _with_full_pinyin(words)
        slots.append(words)
    window = raw.get("window", 12)
    if window < 0:
        errors.append("'window' must be a whole number >= 0")
    return Frame(slots=tuple(slots), window=window, negation=raw.get("negation", True),
                 ordered=raw.get("ordered", False))


def _parse_rule(
    raw, source: str, ruleset: str, errors: list[str], trusted: bool = False, vocab: Vocabulary | None = None
) -> Rule | None:
    if not isinstance(raw, dict):
        errors.append("a [[rule]] must be a table")
        return None
    for key, value in raw.items():
        if key not in _RULE_KEYS:
            errors.append(f"unknown key '{key}'{nearest(key, _RULE_KEYS)}")
        elif not _has_type(value, _RULE_KEYS[key]):
            errors.append(f"'{key}' must be of type {_RULE_KEYS[key].__name__}")
    for key in _REQUIRED:
        if key not in raw:
            hint = f" (one of: {', '.join(KINDS)})" if key == "kind" else ""
            errors.append(f"missing required key '{key}'{hint}")
    if errors:
        return None
    kind = raw["kind"]
    if kind not in KINDS:
        errors.append(f"unknown kind '{kind}'{nearest(kind, KINDS)}")
        return None
    required, own = KINDS[kind]
    for key in raw:
        if key in _KIND_KEYS and key not in own:
            errors.append(f"key '{key}' is not used by kind '{kind}' (it belongs to kind "
                          f"'{next(k for k, (_r, keys) in KINDS.items() if key in keys)}')")
    for one_of in required:
        if not any(k in raw for k in one_of):
            errors.append(f"kind '{kind}' needs " + " or ".join(f"'{k}'" for k in one_of))
    if kind in CONVERSATION_KINDS:
        for key in raw:
            if key in MESSAGE_KEYS:
                errors.append(f"key '{key}' is not used by kind '{kind}' (it judges a whole conversation, "
                              "not one message)")
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
    phrases = _str_list(raw.get("phrases", []), "phrases", errors, vocab)
    if "pinyin" in raw:  # the phrases (a frame: its slots' words) typed in full pinyin too (zhuan zhang gei wo)
        if raw["pinyin"] != "full":
            errors.append(f"'pinyin' must be \"full\" (the phrases spelt in full pinyin), not {raw['pinyin']!r}")
        elif raw.get("boundary"):
            errors.append("'pinyin' cannot go with 'boundary': a pinyin spelling is no jieba word")
        else:
            phrases = _with_full_pinyin(phrases)
    patterns = tuple(_regex_vocab(p, vocab, errors) for p in _str_list(raw.get("regex", []), "regex", errors))
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
    options = dict(raw.get("options", {}))
    for k, v in options.items():  # word-list options (keywords, allow, names ...) may use @vocab
        if isinstance(v, list) and any(isinstance(x, str) and x.startswith("@") for x in v):
            options[k] = list(_str_list(v, f"options.{k}", errors, vocab))
    if detector is not None and detector not in DETECTORS:
        errors.append(f"unknown detector '{detector}'{nearest(detector, DETECTORS)}")
    elif detector is not None:
        errors.extend(DETECTORS[detector].validate(options))
    elif options:
        errors.append("'options' is only for rules with a detector")
    frame = _frame(raw, errors, vocab) if kind == "frame" and "frame" in raw else None
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
        buyer = _str_list(ctx.get("buyer", []), "context.buyer", errors, vocab)
        consent = _str_list(ctx.get("unless", []), "context.unless", errors, vocab)
        turns = ctx.get("turns", 3)
        if not buyer and not consent:
            errors.append("'context.buyer' must list the buyer phrases the rule needs (or 'context.unless' the ones that clear it)")
        if not isinstance(turns, int) or turns < 1:
            errors.append("'context.turns' must be a whole number >= 1")
        context = Context(buyer=buyer, turns=turns, unless=consent)
    examples = raw.get("examples", {})
    for k in examples:
        if k not in ("bad", "good"):
            errors.append(f"'examples': unknown key '{k}' (allowed: bad, good)")
    whole = kind in CONVERSATION_KINDS
    bad = _examples(examples.get("bad", []), "bad", errors, whole)
    good = _examples(examples.get("good", []), "good", errors, whole)
    conversation = _conversation(raw, errors, vocab) if kind == "conversation" and "check" in raw else None
    if not bad or not good:
        errors.append("needs at least one example in both 'examples.bad' and 'examples.good'")
    max_gap = raw.get("max_gap", 3)
    yields_to = _yields_to(raw, errors)
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
        kind=kind,
        phrases=phrases,
        regex=patterns,
        triggers=_str_list(raw.get("triggers", []), "triggers", errors, vocab) if "triggers" in raw else (),
        detector=detector,
        options=dict(options),
        allow=_str_list(raw.get("allow", []), "allow", errors, vocab) if "allow" in raw else (),
        boundary=boundary,
        near=_near(raw["near"], "near", errors, 8, vocab) if "near" in raw else None,
        not_near=_near(raw["not_near"], "not_near", errors, 6, vocab) if "not_near" in raw else None,
        unless=_str_list(raw.get("unless", []), "unless", errors, vocab) if "unless" in raw else (),
        context=context,
        frame=frame,
        conversation=conversation,
        negation=raw.get("negation", kind == "frame"),
        platforms=platforms,
        fatal=raw.get("fatal", False),
        # a frame that takes an account, a number or an id holds personal data in its span
        sensitive=raw.get("sensitive", False) or bool(
            frame and any(w[0] in "%#" for slot in frame.slots for w in slot)
        ),
        fix=fix,
        max_gap=max_gap,
        yields_to=yields_to,
        trusted=trusted,
        bad=bad,
        good=good,
    )

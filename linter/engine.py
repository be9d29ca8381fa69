"""The engine: compile rules once, then normalize -> match -> confirm -> findings per message.

A :class:`Linter` is immutable after construction, holds no global state, is safe to share
between threads and can be pickled for process pools (the automaton is rebuilt on unpickle).
"""
from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick_rs
import regex

from .detectors import DETECTORS
from .detectors._util import MIN_NUMBER_DIGITS, has_digit
from .finding import Finding, Severity
from .mask import mask_sensitive
from .normalize import Normalized, fold_phrase
from .platforms import Platform, get_platform, load_platforms
from .rule import Rule
from .ruleset import REGEX_TIMEOUT, RulesetError, builtin_names, load_builtin, load_path
from .segment import Segmenter
from .settings import Settings
from .view import MessageView

GLOBAL = -1  # rule index of settings-wide allow phrases
# Characters without which no number, link or e-mail detector can find anything (the gates of
# every detector that runs without a keyword look for one of these).
_GATE_CHARS = re.compile("[0-9.点@艾/wa]")
_NEWLINE = re.compile("\n")
_DIGIT = re.compile("[0-9]")
_BUYER_ROLES = frozenset({"buyer", "user", "customer", "买家", "客户", "0"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible finding before confirmation; ``explain`` shows every one with its fate."""

    rule: Rule
    cstart: int  # compact span
    cend: int
    start: int  # original span
    end: int
    source: str  # phrase / regex / detector text that produced it
    note: str = ""
    severity: Severity | None = None
    rejected: str = ""  # why it was dropped; empty when confirmed


class Result(NamedTuple):
    """The verdict on one reply. A named tuple: immutable, picklable and cheap to build (the engine
    makes one per message)."""

    text: str
    findings: tuple[Finding, ...]
    points: int
    blocked: bool  # a finding at or above the configured fail-on severity
    fatal: bool  # a dismissal item (开除项) was found
    suggested_text: str  # the reply with every safe fix applied
    platform: str = "taobao"
    candidates: tuple[Candidate, ...] = ()  # every candidate with its fate (explain)
    # problems that stopped a rule on this message (a user regex that timed out), by rule id
    errors: tuple[str, ...] = ()

    @property
    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None, key=lambda s: s.rank)

    def to_dict(self, show_matches: bool = False) -> dict:
        return {
            "points": self.points,
            "blocked": self.blocked,
            "fatal": self.fatal,
            "findings": [f.to_dict(show_matches) for f in self.findings],
            "suggested_text": self.suggested_text,
            "errors": list(self.errors),
        }


@lru_cache(maxsize=8192)
def _compact_of(text: str) -> str:
    """Compact form of a buyer turn; a conversation passes the same turns with every agent turn.
    (A pure function of the text, so a shared cache is safe.)"""
    return Normalized(text).compact


def _as_buyer_turns(context) -> list[str]:
    """Accepts ["text", ...] or [{"role": "buyer", "text": ...}, ...]; keeps buyer turns."""
    turns: list[str] = []
    for item in context or ():
        if isinstance(item, str):
            turns.append(item)
        elif isinstance(item, dict):
            role = str(item.get("role", "buyer")).lower()
            text = item.get("text")
            if isinstance(text, str) and role in _BUYER_ROLES:
                turns.append(text)
    return turns


def resolve_rules(settings: Settings) -> list[Rule]:
    """Load the enabled rulesets and apply the settings' switches and overrides."""
    names = builtin_names() if settings.rulesets is None else list(settings.rulesets)
    errors: list[str] = []
    rulesets = []
    for name in names:
        try:
            rulesets.append(load_builtin(name))
        except RulesetError as exc:
            errors.extend(exc.errors)
    for path in settings.extra_rulesets:
        try:
            rulesets.append(load_path(path))
        except RulesetError as exc:
            errors.extend(exc.errors)
    seen: dict[str, str] = {}
    rules: list[Rule] = []
    off = set(settings.disable)
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
            sev = settings.severity.get(rule.id, settings.severity.get(rule.category))
            pts = settings.points.get(rule.id, settings.points.get(rule.category))
            rules.append(rule.with_overrides(severity=Severity(sev) if sev else None, points=pts))
    if errors:
        raise RulesetError(errors)
    return rules


class Linter:
    def __init__(self, rules: Sequence[Rule], settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.platform = get_platform(self.settings.platform, self.settings.allow_domains)
        self._platform_name = self.platform.name
        self._platforms = {
            name: get_platform(name, self.settings.allow_domains) for name in load_platforms()
        }
        self._cues = [
            (fold_phrase(cue), name) for name, p in load_platforms().items() for cue in p.cues
        ]
        self._allow_numbers = frozenset(re.sub(r"\D", "", n) for n in self.settings.allow_numbers)
        self.segmenter = Segmenter(self.settings.user_words)
        self._compile()

    # construction ------------------------------------------------------------------------
    @classmethod
    def default(cls) -> Linter:
        return cls.from_settings(Settings())

    @classmethod
    def from_settings(cls, settings: Settings) -> Linter:
        return cls(resolve_rules(settings), settings)

    @classmethod
    def from_config(cls, path=None, **overrides) -> Linter:
        """Build from a ``kefulint.toml`` / ``pyproject.toml`` (found from the working directory
        when ``path`` is None); keyword overrides win over the file."""
        from .config import load_settings

        return cls.from_settings(load_settings(path, **overrides))

    def _compile(self) -> None:
        table: dict[str, list[tuple[int, str]]] = {}
        errors: list[str] = []

        def add(phrase: str, ri: int, role: str, rule_id: str) -> None:
            key = fold_phrase(phrase)
            if not key:
                errors.append(f"rule {rule_id}: phrase {phrase!r} is empty once normalized")
                return
            table.setdefault(key, []).append((ri, role))

        self._regexes: list[tuple[tuple[object, bool], ...]] = []
        self._words: list[_RuleWords] = []
        self._always: list[int] = []
        self._detector_rules: list[int] = []
        self._context_turns = 0
        for ri, rule in enumerate(self.rules):
            for p in rule.phrases:
                add(p, ri, "p", rule.id)
            for p in rule.triggers:
                add(p, ri, "t", rule.id)
            self._words.append(_RuleWords(
                allow=_compact_words(rule.allow, rule.id, errors),
                unless=_compact_words(rule.unless, rule.id, errors),
                near=_compact_words(rule.near.words, rule.id, errors) if rule.near else (),
                not_near=_compact_words(rule.not_near.words, rule.id, errors) if rule.not_near else (),
            ))
            if rule.context:
                self._context_turns = max(self._context_turns, rule.context.turns)
                for p in rule.context.buyer:
                    add(p, ri, "c", rule.id)
            self._regexes.append(tuple(_compile_pattern(p, rule.trusted) for p in rule.regex))
            if rule.regex and not rule.triggers:
                self._always.append(ri)
            if rule.detector:
                det = DETECTORS[rule.detector]
                opts = det.resolved_options(rule.options)
                for key in det.phrase_options:
                    for p in opts.get(key, ()):
                        add(p, ri, "k", rule.id)
                self._detector_rules.append(ri)
        self._global_allow = _compact_words(self.settings.allow_phrases, "settings", errors)
        for cue, _name in self._cues:
            table.setdefault(cue, []).append((GLOBAL, "platform"))
        if errors:
            raise RulesetError(errors)
        self._context_rules = frozenset(ri for ri, r in enumerate(self.rules) if r.context)
        self._keyed_rules = frozenset(
            ri for ri in self._detector_rules if DETECTORS[self.rules[ri].detector].needs_keywords
        )
        free = [ri for ri in self._detector_rules if ri not in self._keyed_rules]
        # (rule index, fewest digits in a run it needs): number detectors run only when a run is long enough
        self._digit_rules = [
            (ri, DETECTORS[self.rules[ri].detector].min_run)
            for ri in free
            if DETECTORS[self.rules[ri].detector].gate is has_digit
        ]
        digit_rule_ids = {ri for ri, _ in self._digit_rules}
        groups: dict = {}
        for ri in free:
            if ri not in digit_rule_ids:
                groups.setdefault(DETECTORS[self.rules[ri].detector].gate, []).append(ri)
        self._gated_rules = [(gate, frozenset(ris)) for gate, ris in groups.items()]
        # Two automata: without buyer context, the patterns of context-only rules are never looked
        # for (their triggers, such as 可以 or digits, are common words).
        buyer: dict[str, set[int]] = {}
        for key, uses in table.items():
            for ri, role in uses:
                if role == "c":
                    buyer.setdefault(key, set()).add(ri)
        buyer_keys = list(buyer) or ["\x00"]
        self._buyer_automaton = (
            ahocorasick_rs.AhoCorasick(buyer_keys, matchkind=ahocorasick_rs.MatchKind.Standard),
            tuple(frozenset(buyer.get(k, ())) for k in buyer_keys),
        )
        self._automaton = self._build_automaton(table, with_context=True)
        self._automaton_plain = self._build_automaton(table, with_context=False)
        self._options = [
            DETECTORS[r.detector].compiled_options(r.options) if r.detector else {} for r in self.rules
        ]
        self._cue_platform = dict(self._cues)

    def _build_automaton(self, table: dict, with_context: bool) -> tuple:
        """(automaton, values): values[i] = (key, uses, rules a hit activates) of pattern i."""
        keys: list[str] = []
        values: list[tuple] = []
        ctx = self._context_rules
        for key, uses in table.items():
            if not with_context:
                uses = [u for u in uses if u[0] < 0 or u[0] not in ctx]
                if not uses:
                    continue
            activates = frozenset(
                ri for ri, role in uses
                if ri >= 0 and (role in ("p", "t") or (role == "k" and ri in self._keyed_rules))
            )
            keys.append(key)
            values.append((key, tuple(uses), activates))
        if not keys:
            keys, values = ["\x00"], [("\x00", (), frozenset())]
        automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)
        return automaton, tuple(values)

    def __getstate__(self):
        return {"rules": self.rules, "settings": self.settings}

    def __setstate__(self, state):
        self.__init__(state["rules"], state["settings"])

    # checking ----------------------------------------------------------------------------
    def check(self, text: str, context: Iterable | None = None) -> Result:
        """Lint one reply. ``context`` holds the buyer's turns just before it (strings or
        ``{"role", "text"}`` dicts, oldest first)."""
        candidates = self._candidates(text, context)
        if not candidates:  # the common case, kept cheap
            return Result(text, (), 0, False, False, text, self._platform_name)
        return self._result(text, candidates)

    def explain(self, text: str, context: Iterable | None = None) -> dict:
        """Everything ``check`` saw: search forms, jieba tokens, every candidate and its fate."""
        norm = Normalized(text)
        candidates = self._candidates(text, context, keep_rejected=True)
        result = self._result(text, candidates)
        return {
            "text": text,
            "folded": norm.folded,
            "compact": norm.compact,
            "tokens": self.segmenter.cut(norm.compact),
            "platform": result.platform,
            "candidates": [
                {
                    "rule": c.rule.id,
                    "start": c.start,
                    "end": c.end,
                    "text": text[c.start : c.end],
                    "source": c.source,
                    "note": c.note,
                    "status": "rejected" if c.rejected else "confirmed",
                    "reason": c.rejected or c.note or "matched",
                }
                for c in candidates
            ],
            "result": result,
        }

    def _platform_for(self, norm: Normalized, hits: dict) -> Platform:
        if self.settings.infer_platform:
            for _s, _e, cue in hits.get((GLOBAL, "platform"), ()):
                return self._platforms[self._cue_platform[cue]]
        return self.platform

    def _scan(self, compact: str, active: set | None = None, with_context: bool = True) -> dict:
        """Every phrase hit, keyed by (rule index, role); adds the rules hits activate to ``active``."""
        automaton, values = self._automaton if with_context else self._automaton_plain
        return self._collect(automaton.find_matches_as_indexes(compact, overlapping=True), values, active)

    @staticmethod
    def _collect(matches, values, active: set | None) -> dict:
        hits: dict = {}
        for idx, start, end in matches:
            key, uses, activates = values[idx]
            span = (start, end, key)
            if active is not None and activates:
                active.update(activates)
            for use in uses:
                bucket = hits.get(use)
                if bucket is None:
                    hits[use] = [span]
                else:
                    bucket.append(span)
        return hits

    def _candidates(self, text: str, context, keep_rejected: bool = False) -> list[Candidate]:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        norm = Normalized(text)
        active: set[int] = set(self._always) if self._always else set()
        buyer_hits = self._buyer_hits(context) if context else None
        if not buyer_hits:
            context = None  # no buyer turn says anything a context rule listens for
        automaton, values = self._automaton if context else self._automaton_plain
        matches = automaton.find_matches_as_indexes(norm.compact, overlapping=True)
        if matches:
            hits = self._collect(matches, values, active)
            platform = self._platform_for(norm, hits)
        else:  # the common case: no phrase of any rule
            hits = {}
            platform = self.platform
        folded = norm.folded
        if not active and _GATE_CHARS.search(folded) is None:
            return []  # no phrase, no digit, nothing link-like: nothing any rule could find
        view = MessageView(norm, platform, hits, self.segmenter)
        if not active and len(_DIGIT.findall(folded)) < MIN_NUMBER_DIGITS and not view.webby:
            return []  # a price or a time, no link: still nothing to look at
        if self._digit_rules and view.digit_count >= MIN_NUMBER_DIGITS:
            longest = max(len(run.digits) for run in view.number_runs) if view.number_runs else 0
            active.update(ri for ri, need in self._digit_rules if need <= longest)
        for gate, ris in self._gated_rules:
            if gate(view):
                active.update(ris)
        if not active:
            return []
        if not context:
            active -= self._context_rules
            if not active:
                return []
        out: list[Candidate] = []
        for ri in sorted(active):
            rule = self.rules[ri]
            if rule.platforms and platform.name not in rule.platforms:
                continue
            if rule.context and buyer_hits.get(ri, 1 << 30) > rule.context.turns:
                continue
            for cand in self._rule_candidates(ri, rule, view):
                reason = self._reject_reason(ri, rule, cand, view)
                if reason:
                    if keep_rejected or reason is _TIMEOUT:
                        out.append(_replace(cand, rejected=reason))
                else:
                    out.append(cand)
        return out

    def _buyer_hits(self, context) -> dict[int, int]:
        """rule index -> how many buyer turns back its context phrase was seen (1 = last)."""
        turns = _as_buyer_turns(context)[-self._context_turns :] if self._context_turns else []
        seen: dict[int, int] = {}
        automaton, values = self._buyer_automaton
        for back, turn in enumerate(reversed(turns), start=1):
            for idx, _s, _e in automaton.find_matches_as_indexes(_compact_of(turn), overlapping=True):
                for ri in values[idx]:
                    if ri not in seen:
                        seen[ri] = back
        return seen

    def _rule_candidates(self, ri: int, rule: Rule, view: MessageView) -> Iterable[Candidate]:
        norm = view.norm
        for cs, ce, key in view.hits.get((ri, "p"), ()):
            os_, oe = norm.compact_span(cs, ce)
            yield Candidate(rule, cs, ce, os_, oe, key, rejected="" if _latin_ok(view, cs, ce, key) else _IN_WORD)
        patterns = self._regexes[ri]
        if patterns and (not rule.triggers or (ri, "t") in view.hits):
            for pattern, guarded in patterns:
                try:
                    matches = pattern.finditer(norm.compact, timeout=REGEX_TIMEOUT) if guarded else pattern.finditer(norm.compact)
                    for m in matches:
                        if m.end() > m.start():
                            os_, oe = norm.compact_span(m.start(), m.end())
                            yield Candidate(rule, m.start(), m.end(), os_, oe, pattern.pattern)
                except TimeoutError:
                    yield Candidate(rule, 0, 0, 0, 0, pattern.pattern, rejected=_TIMEOUT)
        if rule.detector:
            keywords = [k for k in view.hits.get((ri, "k"), ()) if _latin_ok(view, *k)]
            allow = self._words[ri].allow
            if allow and keywords:
                keywords = [k for k in keywords if not view.word_covering(k[0], k[1], allow)]
            for hit in DETECTORS[rule.detector].find(view, self._options[ri], keywords):
                cs, ce = view.folded_to_compact(hit.start, hit.end)
                os_, oe = norm.folded_span(hit.start, hit.end)
                yield Candidate(rule, cs, ce, os_, oe, rule.detector, hit.note, hit.severity)

    def _reject_reason(self, ri: int, rule: Rule, cand: Candidate, view: MessageView) -> str:
        if cand.rejected:
            return cand.rejected
        cs, ce = cand.cstart, cand.cend
        if cand.source != rule.detector and ce - cs > 1 and view.norm.compact_gap(cs, ce) > rule.max_gap:
            return "字符间隔过大 (gap between characters too large)"
        words = self._words[ri]
        for allow in (words.allow, self._global_allow):
            found = view.word_covering(cs, ce, allow) if allow else None
            if found:
                return f"白名单「{found}」(allow)"
        for w in words.unless:
            if w in view.norm.compact:
                return f"整句排除词「{w}」(unless)"
        if rule.not_near:
            found = view.word_near(cs, ce, words.not_near, rule.not_near.before, rule.not_near.after)
            if found:
                return f"附近有排除词「{found}」(not_near)"
        if rule.near and not view.word_near(cs, ce, words.near, rule.near.before, rule.near.after):
            return "附近没有必需词 (near)"
        if rule.boundary == "word" and not view.is_word(cs, ce):
            return "不是完整词 (jieba word boundary)"
        if self._allow_numbers:
            digits = re.sub(r"\D", "", view.norm.folded[view.norm.compact_map[cs] : view.norm.compact_map[ce - 1] + 1]) if ce > cs else ""
            if digits and digits in self._allow_numbers:
                return "白名单号码 (allow_numbers)"
        return ""

    def _result(self, text: str, candidates: list[Candidate]) -> Result:
        if not candidates:
            return Result(text, (), 0, False, False, text, self._platform_name)
        confirmed = [c for c in candidates if not c.rejected]
        confirmed.sort(key=lambda c: (-_effective(c).rank, -c.rule.points, c.start, -(c.end - c.start)))
        kept: list[Candidate] = []
        taken: dict[str, list[tuple[int, int]]] = {}  # category -> kept spans, sorted by start
        for c in confirmed:
            spans = taken.setdefault(c.rule.category, [])
            i = bisect_right(spans, (c.start, 1 << 62))
            # kept spans of a category never overlap, so only the neighbours can
            if (i and spans[i - 1][1] > c.start) or (i < len(spans) and spans[i][0] < c.end):
                continue
            insort(spans, (c.start, c.end))
            kept.append(c)
        kept.sort(key=lambda c: (c.start, c.end, c.rule.id))
        line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)] if "\n" in text else [0]
        findings = []
        charged: set[str] = set()  # a rule breached twice in one reply costs its points once
        for c in kept:
            line = bisect_right(line_starts, c.start)
            match = text[c.start : c.end]
            findings.append(
                Finding(
                    rule=c.rule.id,
                    category=c.rule.category,
                    severity=_effective(c),
                    points=0 if c.rule.id in charged else c.rule.points,
                    message=c.rule.message,
                    suggestion=c.rule.suggestion,
                    start=c.start,
                    end=c.end,
                    line=line,
                    column=c.start - line_starts[line - 1] + 1,
                    match=match,
                    sensitive=c.rule.sensitive,
                    fatal=c.rule.fatal,
                    fix=_fix_text(c.rule, match),
                )
            )
            charged.add(c.rule.id)
        fail_on = self.settings.fail_on
        errors = tuple(
            f"rule {c.rule.id}: regex {c.source!r} timed out after {REGEX_TIMEOUT * 1000:.0f} ms and was stopped"
            for c in candidates
            if c.rejected is _TIMEOUT
        )
        return Result(
            text=text,
            findings=tuple(findings),
            points=sum(f.points for f in findings),
            blocked=any(f.severity >= fail_on for f in findings),
            fatal=any(f.fatal for f in findings),
            suggested_text=apply_fixes(text, findings),
            platform=self.platform.name,
            candidates=tuple(candidates),
            errors=errors,
        )


_IN_WORD = "在英文单词内 (inside a Latin word)"
_TIMEOUT = "正则超时 (regex timed out)"


def _latin_ok(view: MessageView, cs: int, ce: int, key: str) -> bool:
    """A phrase that starts (ends) with a Latin letter or digit must not continue a Latin word:
    "v" and "sb" inside "service" and "usb" are not hits. Digits may follow (vx123)."""
    if not (key[0].isascii() and key[0].isalnum()) and not (key[-1].isascii() and key[-1].isalpha()):
        return True
    folded = view.norm.folded
    fs, fe = view.compact_to_folded(cs, ce)
    if key[0].isascii() and key[0].isalnum() and fs > 0:
        prev = folded[fs - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if key[-1].isascii() and key[-1].isalpha() and fe < len(folded):
        nxt = folded[fe]
        if nxt.isascii() and nxt.isalpha():
            return False
    return True


def _compile_pattern(pattern: str, trusted: bool) -> tuple[object, bool]:
    """(compiled, guarded). Built-in patterns run on stdlib ``re`` (several times faster per call);
    user patterns on ``regex`` with a per-search timeout, so that none can hang a scan."""
    if trusted:
        try:
            return re.compile(pattern), False
        except re.error:
            pass
    return regex.compile(pattern), True


def _effective(c: Candidate) -> Severity:
    if c.severity is not None and c.severity < c.rule.severity:
        return c.severity
    return c.rule.severity


def _replace(c: Candidate, **changes) -> Candidate:
    from dataclasses import replace

    return replace(c, **changes)


@dataclass(frozen=True, slots=True)
class _RuleWords:
    """A rule's confirmation words in compact form; searched only around a candidate."""

    allow: tuple[str, ...]
    unless: tuple[str, ...]
    near: tuple[str, ...]
    not_near: tuple[str, ...]


def _compact_words(words, rule_id: str, errors: list[str]) -> tuple[str, ...]:
    out = []
    for w in words:
        key = fold_phrase(w)
        if not key:
            errors.append(f"rule {rule_id}: phrase {w!r} is empty once normalized")
        else:
            out.append(key)
    return tuple(sorted(set(out), key=len, reverse=True))


def _fix_text(rule: Rule, match: str) -> str | None:
    if rule.fix == "mask":
        return mask_sensitive(match) if rule.sensitive else "*" * len(match)
    if rule.fix == "suggestion":
        return rule.suggestion
    if rule.fix == "remove":
        return ""
    return None


def apply_fixes(text: str, findings: Sequence[Finding]) -> str:
    """The text with every safe fix applied; overlapping fixes after the first are skipped."""
    out = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if f.fix is None or f.start < pos:
            continue
        out.append(text[pos : f.start])
        out.append(f.fix)
        pos = f.end
    out.append(text[pos:])
    return "".join(out)

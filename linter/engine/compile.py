"""Compiling a Linter once: every phrase of every rule into one table and two automata (with and
without buyer context), regexes, confirmation words in compact form and detector options."""
from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ahocorasick_rs

from ..detectors import DETECTORS
from ..errors import RulesetError
from ..rules.schema import shared_vocabulary
from ..text.domains import MAIL_PROVIDERS
from ..text.normalize import fold_phrase

GLOBAL = -1  # rule index of what concerns no one rule: platform cues, cues for pieces
SCOPE = -2  # rule index of the words that scope a negation (roles NEGATION, NOT_NEGATION, HEDGE)


class Role(enum.IntEnum):
    """What a phrase-table hit is to its rule."""

    PHRASE = 0  # a rule phrase: a candidate
    TRIGGER = 1  # a trigger: the rule's regexes run
    CONTEXT = 2  # a phrase of the buyer's turns (context rules, buyer automaton)
    KEYWORD = 3  # a keyword option of a detector
    WAKE = 4  # a word of a frame's waking slot (main automaton)
    PLATFORM = 5  # a platform cue (rule index GLOBAL)
    PIECES = 6  # a cue that a contact detail is written in pieces (GLOBAL)
    NEGATION = 7  # a negation word (SCOPE, frame automaton)
    NOT_NEGATION = 8  # a word that holds a negation word but is none (SCOPE)
    HEDGE = 9  # a hedge after a frame (SCOPE)
    SLOT = 16  # SLOT + j: a word of frame slot j (frame automaton)


# A hit is keyed by one plain int, rule index * ROLES + role (roles and slots stay below ROLES; a
# negative rule index decodes back with divmod). Plain ints: an enum member hashes through Python
# code, a tuple key is built per lookup, and the tables are stored as JSON (see _store_state).
ROLES = 64
PHRASE, TRIGGER, CONTEXT, KEYWORD, WAKE, PLATFORM, PIECES, NEGATION, NOT_NEGATION, HEDGE, SLOT = map(int, Role)


def hit_key(ri: int, role: int) -> int:
    """The key of rule ``ri``'s hits in ``role`` (a :class:`Role`, or SLOT + j)."""
    return ri * ROLES + role

# Words that say a contact detail may be written in pieces (see text/rejoin.py); only a message
# holding one of them is rejoined and checked again.
REJOIN_CUES = (
    "点com", "点cn", "点net", "dot", "圈a", "艾特", "下划线", "底杠", "横杠", "前面", "前缀", "开头",
    "前半", "后缀", "后面", "后半", "com", "www", "换成", "改成", "替换",
    *(name for name in MAIL_PROVIDERS if not name.isdigit() and name != "qq"),  # 新浪 / foxmail ...
    *(f"{name}{tail}" for name in ("163", "126", "qq") for tail in ("的", "邮箱")),
)


class Compiling:
    """The compile step of :class:`~kefulint.engine.Linter` (run once, from ``__init__``)."""

    def _compile(self, cache: bool = False) -> None:
        """Builds the tables; with ``cache``, reads them from (or writes them to) the on-disk cache
        of compiled rules, keyed by the rules, the settings and the code (a cold start then skips
        folding ~30,000 phrases)."""
        path = _cache_path(self.rules, self.settings) if cache else None
        state = _load_state(path) if path is not None else None
        if state is None:
            self._build_tables()
            if path is not None:
                _store_state(path, {name: getattr(self, name) for name in _STATE} | {
                    name: (keys, getattr(self, name)[1]) for name, keys in self._automaton_keys.items()})
        else:
            for name in _STATE:
                setattr(self, name, state[name])
            for name in _AUTOMATA:
                keys, values = state[name]
                setattr(self, name, (_automaton(keys), values))
        self._automaton_keys: dict[str, list[str]] = {}
        self._regexes: list[tuple[tuple[object, bool], ...] | None] = [None] * len(self.rules)
        self._turn_hits: dict[str, frozenset[int]] = {}  # buyer turn -> context rules it speaks to

    def _build_tables(self) -> None:
        table: dict[str, list[int]] = {}  # phrase -> hit keys
        errors: list[str] = []

        def add(phrase: str, ri: int, role: Role, rule_id: str) -> None:
            key = fold_phrase(phrase)
            if not key:
                errors.append(f"rule {rule_id}: phrase {phrase!r} is empty once normalized")
                return
            table.setdefault(key, []).append(hit_key(ri, role))

        self._words: list[_RuleWords] = []
        self._always: list[int] = []
        self._detector_rules: list[int] = []
        self._context_turns = 0
        # Frames: the words of one slot (the rarest-looking) go into the one automaton every message
        # gets, and wake the frame; every slot's words and the negation words are looked for by a
        # second automaton, run only on a message that woke a frame or needs a negation checked.
        frame_table: dict[str, list[int]] = {}
        self._late: list[int] = []  # frames that need other findings: judged after the rest
        self._frame_special: dict[int, tuple] = {}
        for ri, rule in enumerate(self.rules):
            for p in rule.phrases:
                add(p, ri, Role.PHRASE, rule.id)
            for p in rule.triggers:
                add(p, ri, Role.TRIGGER, rule.id)
            self._words.append(_RuleWords(
                allow=_compact_words(rule.allow, rule.id, errors),
                unless=_compact_words(rule.unless, rule.id, errors),
                near=_compact_words(rule.near.words, rule.id, errors) if rule.near else (),
                not_near=_compact_words(rule.not_near.words, rule.id, errors) if rule.not_near else (),
            ))
            if rule.context:
                self._context_turns = max(self._context_turns, rule.context.turns)
                for p in rule.context.buyer:
                    add(p, ri, Role.CONTEXT, rule.id)
            if rule.regex and not rule.triggers:
                self._always.append(ri)
            if rule.frame:
                self._frame_special[ri] = rule.frame.special()
                wake = _waking_slot(rule.frame.slots)
                for j, slot in enumerate(rule.frame.slots):
                    for p in slot:
                        if p[0] in "%#":
                            continue
                        key = fold_phrase(p)
                        if not key:
                            errors.append(f"rule {rule.id}: phrase {p!r} is empty once normalized")
                            continue
                        frame_table.setdefault(key, []).append(hit_key(ri, SLOT + j))
                        if j == wake:
                            add(p, ri, Role.WAKE, rule.id)
                if any(p[0] == "%" for slot in rule.frame.slots for p in slot):
                    self._late.append(ri)
            if rule.detector:
                det = DETECTORS[rule.detector]
                opts = det.resolved_options(rule.options)
                for key in det.phrase_options:
                    for p in opts.get(key, ()):
                        add(p, ri, Role.KEYWORD, rule.id)
                self._detector_rules.append(ri)
        self._global_allow = _compact_words(self.settings.allow_phrases, "settings", errors)
        for cue, _name in self._cues:
            table.setdefault(cue, []).append(hit_key(GLOBAL, Role.PLATFORM))
        for w in REJOIN_CUES:
            table.setdefault(fold_phrase(w), []).append(hit_key(GLOBAL, Role.PIECES))
        if any(r.negation or (r.frame and r.frame.negation) for r in self.rules):
            vocab = shared_vocabulary(validate=False)
            for role, name in ((Role.NEGATION, "negation"), (Role.NOT_NEGATION, "not_negation"),
                               (Role.HEDGE, "hedge_after")):
                for w in vocab.words(name, lambda *_: ""):
                    key = fold_phrase(w)
                    if key:
                        frame_table.setdefault(key, []).append(hit_key(SCOPE, role))
        if errors:
            raise RulesetError(errors)
        fkeys = list(frame_table) or ["\x00"]
        self._frame_automaton = (
            _automaton(fkeys),
            tuple((k, tuple(frame_table.get(k, ())), frozenset()) for k in fkeys),
        )
        self._context_rules = frozenset(ri for ri, r in enumerate(self.rules) if r.context)
        self._keyed_rules = frozenset(
            ri for ri in self._detector_rules if DETECTORS[self.rules[ri].detector].needs_keywords
        )
        free = [ri for ri in self._detector_rules if ri not in self._keyed_rules]
        # the early exits, from what each detector that runs without a keyword declares; with no
        # buyer context, context rules are off and their detectors need not be looked for
        self._gates = _DetectorGates.build(self.rules, free)
        self._gates_plain = _DetectorGates.build(self.rules, [ri for ri in free if ri not in self._context_rules])
        # Two automata: without buyer context, the patterns of context-only rules are never looked
        # for (their triggers, such as 可以 or digits, are common words).
        buyer: dict[str, set[int]] = {}
        for key, uses in table.items():
            for use in uses:
                ri, what = _split(use)
                if what == CONTEXT:
                    buyer.setdefault(key, set()).add(ri)
        buyer_keys = list(buyer) or ["\x00"]
        self._buyer_automaton = (
            _automaton(buyer_keys),
            tuple(frozenset(buyer.get(k, ())) for k in buyer_keys),
        )
        self._automaton = self._build_automaton(table, with_context=True)
        self._automaton_plain = self._build_automaton(table, with_context=False)
        self._options = [
            DETECTORS[r.detector].compiled_options(r.options) if r.detector else {} for r in self.rules
        ]
        self._cue_platform = dict(self._cues)
        self._automaton_keys = {"_frame_automaton": fkeys, "_buyer_automaton": buyer_keys,
                                "_automaton": self._automaton[2], "_automaton_plain": self._automaton_plain[2]}
        self._automaton, self._automaton_plain = self._automaton[:2], self._automaton_plain[:2]

    def _patterns(self, ri: int) -> tuple[tuple[object, bool], ...]:
        """The compiled regexes of rule ``ri``, compiled when it first needs them (a list item set
        once: threads that race compile the same patterns)."""
        patterns = self._regexes[ri]
        if patterns is None:
            rule = self.rules[ri]
            patterns = self._regexes[ri] = tuple(_compile_pattern(p, rule.trusted) for p in rule.regex)
        return patterns

    def _build_automaton(self, table: dict, with_context: bool) -> tuple:
        """(automaton, values): values[i] = (key, hit keys, rules a hit activates) of pattern i."""
        keys: list[str] = []
        values: list[tuple] = []
        ctx = self._context_rules
        for key, uses in table.items():
            if not with_context:
                uses = [u for u in uses if u < 0 or u // ROLES not in ctx]
                if not uses:
                    continue
            activates = frozenset(
                ri for ri, role in map(_split, uses)
                if ri >= 0 and (role in (PHRASE, TRIGGER, WAKE) or (role == KEYWORD and ri in self._keyed_rules))
            )
            keys.append(key)
            values.append((key, tuple(uses), activates))
        if not keys:
            keys, values = ["\x00"], [("\x00", (), frozenset())]
        return _automaton(keys), tuple(values), keys



def _split(key: int) -> tuple[int, int]:
    return divmod(key, ROLES)


def _automaton(keys: list[str]):
    return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)


# what the on-disk cache of compiled rules holds (the automata as their keys and values)
_STATE = ("_words", "_always", "_detector_rules", "_context_turns", "_late", "_frame_special", "_global_allow",
          "_context_rules", "_keyed_rules", "_gates", "_gates_plain", "_options", "_cue_platform")
_AUTOMATA = ("_frame_automaton", "_buyer_automaton", "_automaton", "_automaton_plain")
_FORMAT = b"kefulint-compiled/1"


def _cache_path(rules, settings):
    import hashlib
    import pickle

    from ..rules.rulecache import cache_dir, code_stamp

    folder = cache_dir()
    if folder is None:
        return None
    h = hashlib.sha256(_FORMAT)
    code_stamp(h, extra=("engine",))
    try:
        h.update(pickle.dumps((rules, settings), protocol=pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return folder / f"compiled-{h.hexdigest()[:40]}.pickle"


def _load_state(path) -> dict | None:
    import pickle

    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - missing, corrupt or foreign: built again
        return None
    if isinstance(state, dict) and all(name in state for name in (*_STATE, *_AUTOMATA)):
        return state
    return None


def _store_state(path, state: dict) -> None:
    import pickle

    from ..rules.rulecache import store_atomic

    store_atomic(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), "compiled-*.pickle")


def _waking_slot(slots) -> int:
    """The slot whose words wake a frame: the one with the fewest one-character words, then the
    longest shortest word (加 or 不 would wake a frame on most messages; 微信 or 信用卡 rarely)."""
    best, best_score = 0, None
    for j, slot in enumerate(slots):
        words = [w for w in slot if w[0] not in "%#"]
        if not words:
            continue
        score = (sum(1 for w in words if len(fold_phrase(w)) < 2), -min(len(fold_phrase(w)) for w in words))
        if best_score is None or score < best_score:
            best, best_score = j, score
    return best


def _compile_pattern(pattern: str, trusted: bool) -> tuple[object, bool]:
    """(compiled, guarded). Built-in patterns run on stdlib ``re`` (several times faster per call);
    user patterns on ``regex`` with a per-search timeout, so that none can hang a scan."""
    if trusted:
        try:
            return re.compile(pattern), False
        except re.error:
            pass
    import regex  # user patterns only

    return regex.compile(pattern), True



_DIGIT = re.compile("[0-9]")


def count_digits(folded: str) -> int:
    first = _DIGIT.search(folded)
    return 0 if first is None else len(_DIGIT.findall(folded, first.start()))


@dataclass(frozen=True, slots=True)
class _DetectorGates:
    """When the detectors that run without a keyword can find nothing, built from what each of
    them declares (:class:`~kefulint.detectors.Detector` ``min_digits``, ``prefilter_chars``,
    ``prefilter``, ``min_run``, ``gate``): no early exit of the engine is written apart from the
    detectors it guards."""

    rules: frozenset[int]  # every rule these gates guard
    always: bool  # some detector declares no prefilter: no early exit
    min_digits: int  # fewest digits a digit-gated detector needs (0: there is none)
    # one search over the folded text: None means no detector can find anything whatever the digits
    first_look: re.Pattern | None
    # one of them matches when a prefiltered detector may find something (searched one by one: a
    # pattern that starts with a character class searches fast, an alternation of them does not)
    prefilters: tuple[re.Pattern, ...]
    # (min_digits, min_run, prefilter, gate, rules) per kind of detector
    groups: tuple[tuple[int, int, re.Pattern | None, Callable | None, frozenset[int]], ...]

    @classmethod
    def build(cls, rules: Sequence, indexes: Sequence[int]) -> _DetectorGates:
        grouped: dict[tuple, set[int]] = {}
        for ri in indexes:
            det = DETECTORS[rules[ri].detector]
            # a prefilter regex without its characters cannot be looked for in the first search
            pf = det.prefilter or (f"[{re.escape(det.prefilter_chars)}]" if det.prefilter_chars else None)
            chars = det.prefilter_chars if det.prefilter_chars or not det.prefilter else None
            grouped.setdefault((det.min_digits, det.min_run, chars, pf, det.gate), set()).add(ri)
        keys = list(grouped)
        digits = [md for md, _mr, chars, pf, _g in keys if md and not pf]
        filtered = [(chars, pf) for _md, _mr, chars, pf, _g in keys if pf]
        # one character class first (a bitmap search); the prefilters' regexes only when it matched
        looks = re.escape("".join(sorted({c for chars, _pf in filtered for c in chars or ""})))
        looks += "0-9" if digits else ""
        return cls(
            rules=frozenset(indexes),
            always=any((not md and not pf) or chars is None for md, _mr, chars, pf, _g in keys),
            min_digits=min(digits) if digits else 0,
            first_look=re.compile(f"[{looks}]") if looks else None,
            prefilters=tuple(re.compile(pf) for pf in sorted({pf for _c, pf in filtered})),
            groups=tuple(
                (md, mr, re.compile(pf) if pf else None, gate, frozenset(ris))
                for (md, mr, _chars, pf, gate), ris in sorted(grouped.items(), key=lambda kv: min(kv[1]))
            ),
        )

    def nothing_to_find(self, folded: str) -> tuple[bool, int]:
        """(no detector can find anything in this text, its digit count or -1 if not counted)."""
        if self.always:
            return False, -1
        if self.first_look is None or self.first_look.search(folded) is None:
            return True, 0
        digits = count_digits(folded) if self.min_digits else -1
        if digits >= self.min_digits > 0:
            return False, digits
        for prefilter in self.prefilters:
            if prefilter.search(folded) is not None:
                return False, digits
        return True, digits

    def activate(self, view, active: set[int]) -> None:
        """Adds the rules whose detectors may find something in this message."""
        folded = view.norm.folded
        if not self.always and (self.first_look is None or self.first_look.search(folded) is None):
            return
        longest = -1
        for min_digits, min_run, prefilter, gate, ris in self.groups:
            if min_digits and view.digit_count < min_digits:
                continue
            if min_run:
                if longest < 0:
                    runs = view.number_runs
                    longest = max(len(run.digits) for run in runs) if runs else 0
                if longest < min_run:
                    continue
            if prefilter is not None and prefilter.search(folded) is None:
                continue
            if gate is not None and not gate(view):
                continue
            active.update(ris)


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


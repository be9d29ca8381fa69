"""Compiling a Linter once: every phrase of every rule into one table and two automata (with and
without buyer context), regexes, confirmation words in compact form and detector options.

What the compile step makes is plain data (lists, ints, strings: see ``_build_tables``), the same
whether built here or read from the on-disk cache (:mod:`.tablecache`); the automata, regexes and
detector options are made from it on first use, so that a cold start pays only for what its
messages need."""
from __future__ import annotations

import enum
import re
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import RulesetError
from ..text.domains import MAIL_PROVIDERS
from ..text.normalize import fold_phrase
from .automaton import Assembled, Joined, WarmUp, keep_built
from .gates import DetectorGates
from .state import EngineState

if TYPE_CHECKING:
    from ..rules.model import Rule  # the rules' type only: the model is imported when a rule is decoded

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
    CONSENT = 10  # a phrase of the buyer's turns that clears a rule (context.unless, buyer automaton)
    WARNING = 11  # a warning that clears a frame anywhere in its sentence: 防骗, 冒充, 请立即举报 (SCOPE)
    SLOT = 16  # SLOT + j: a word of frame slot j (frame automaton)


# A hit is keyed by one plain int, rule index * ROLES + role (roles and slots stay below ROLES; a
# negative rule index decodes back with divmod). Plain ints: an enum member hashes through Python
# code, a tuple key is built per lookup, and the tables are stored as JSON (see _store_state).
ROLES = 64
PHRASE, TRIGGER, CONTEXT, KEYWORD, WAKE, PLATFORM, PIECES, NEGATION, NOT_NEGATION, HEDGE, CONSENT, WARNING, SLOT = map(
    int, Role
)


_HIT_KEYS: dict[int, int] = {}


def hit_key(ri: int, role: int) -> int:
    """The key of rule ``ri``'s hits in ``role`` (a :class:`Role`, or SLOT + j). One int object per
    key: a key is listed for every word that hits it (~100,000 times), and an int above 256 is an
    object of its own each time it is made (3.5 MB of copies)."""
    key = ri * ROLES + role
    return _HIT_KEYS.setdefault(key, key)

# Words that say a contact detail may be written in pieces (see text/rejoin.py); only a message
# holding one of them is rejoined and checked again.
REJOIN_CUES = (
    "点com", "点cn", "点net", "dot", "圈a", "小老鼠", "艾特", "邮件", "邮箱", "分两条", "分两次", "分两段", "分开发", "拆开", "倒过来", "反过来", "倒着", "下划线", "底杠", "横杠", "前面", "前缀", "开头",
    "前半", "后缀", "后面", "后半", "com", "www", "换成", "改成", "替换", "康姆", "康木", "去掉", "删掉",
    "three", "five", "seven", "eight", "nine", "zero", "ling", "yao", "jiu", "san",
    *(f"{letter}{key}" for letter in "olisbzg" for key in ("是0", "是零", "是1", "是一", "是5", "是8", "是2", "是9")),
    *(name for name in MAIL_PROVIDERS if not name.isdigit() and name != "qq"),  # 新浪 / foxmail ...
    *(f"{name}{tail}" for name in ("163", "126", "qq") for tail in ("的", "邮箱")),
)


# The tables last used in this process, by rules and the settings they are built from: a Linter is
# immutable and only reads them, so a second Linter of the same rules (a test suite, a service
# reloading its config, a worker per request) takes them instead of folding ~30,000 phrases again.
_BUILT: dict[tuple, dict] = {}
_BUILT_KEEP = 8
# The settings _build_tables reads; the others (platform, allow lists, user words, fail-on, model)
# are read per message, so Linters that differ only in them share their tables.
TABLE_SETTINGS = ("allow_phrases",)


def _built_before(rules, settings, build: Callable[[], dict]) -> dict:
    try:
        key = (tuple(rules), *(getattr(settings, name) for name in TABLE_SETTINGS))
        # taken out and put back last: the tables used longest ago are the ones dropped
        tables = _BUILT.pop(key, None)
    except TypeError:  # rules that do not hash (a user rule with a mutable option): built each time
        return build()
    if tables is None:
        tables = build()
        if len(_BUILT) >= _BUILT_KEEP:
            _BUILT.pop(next(iter(_BUILT)), None)
    _BUILT[key] = tables
    return tables


class Compiling(EngineState):
    """The compile step of :class:`~kefulint.engine.Linter` (run once, from ``__init__``)."""

    def _compile(self, cache: bool | str = False) -> None:
        """Builds the tables; with ``cache``, reads them from (or writes them to) the on-disk cache
        of compiled tables, keyed by the rules, the settings and the code (a cold start then skips
        folding ~30,000 phrases). ``cache`` may be a key that already stands for the rules (the
        rules cache's), which spares hashing them."""
        tables = path = None
        if cache:
            from .regexcode import codes_of, usable
            from .tablecache import load_tables, store_tables, tables_path

            path = tables_path(self.rules, self.settings, cache if isinstance(cache, str) else None)
            tables = load_tables(path) if path is not None else None
            if tables is not None:
                try:
                    self._adopt(tables, path)
                    return
                except (KeyError, IndexError, TypeError, ValueError, re.error):
                    pass  # a file that only looked right: built again
        if path is None:
            tables = _built_before(self.rules, self.settings, self._build_tables)
            self._adopt(tables)
        else:
            tables = self._build_tables()
            codes = codes_of(p for rule in self.rules if rule.trusted for p in rule.regex)
            store_tables(path, tables, codes)
            self._adopt(tables)
            self._regex_codes = usable(codes)

    def _adopt(self, tables: dict, path=None) -> None:
        """Takes the compiled tables (plain data) as the Linter's state; automata, regexes and
        detector options are made on first use. ``path``: the cache file they were read from,
        beside which the automata they lack are stored."""
        if len(tables["words"]) != len(self.rules):
            raise ValueError("compiled tables of other rules")
        self._words = [_RuleWords(*map(tuple, words)) for words in tables["words"]]
        self._always = tables["always"]
        self._detector_rules = tables["detector_rules"]
        self._context_turns = tables["context_turns"]
        self._late = tables["late"]
        self._late_set = frozenset(self._late)
        self._global_allow = tuple(tables["global_allow"])
        self._context_rules = frozenset(tables["context_rules"])
        self._keyed_rules = frozenset(tables["keyed_rules"])
        self._screens = {ri: name for ri, name in tables["screened"]}
        # per rule with platforms or a context: (its platforms, whether it has buyer phrases, whether
        # it has unless phrases, its turns), read before the rule itself (Matching._judge)
        self._rule_gates = {ri: (frozenset(platforms), buyer, unless, turns)
                            for ri, platforms, buyer, unless, turns in tables["rule_gates"]}
        self._gated = frozenset(self._rule_gates)
        # what a judged rule looks for, read before the rule itself (Matching._rule_candidates): per
        # frame its window, order and negation; per rule with regexes (patterns, trusted, has triggers)
        self._frame_params = {ri: (window, ordered, negation) for ri, window, ordered, negation in tables["frame_params"]}
        self._rule_regexes = {ri: (tuple(patterns), trusted, triggered)
                              for ri, patterns, trusted, triggered, _whole in tables["rule_regexes"]}
        self._detector_set = frozenset(self._detector_rules)
        # screened: keyword detectors' rules with a prefilter, and rules of whole-reply regexes
        self._screened = frozenset(self._screens).union(
            ri for ri, _p, _t, _tr, whole in tables["rule_regexes"] if whole)
        self._screen_searches: dict[int, tuple[Callable[[str], object], ...]] = {}  # each made when it first screens
        self._gates = DetectorGates.from_data(tables["gates"])
        self._gates_plain = DetectorGates.from_data(tables["gates_plain"])
        self._tables = dict(tables["automata"])
        self._tables_path = path
        self._automaton = self._automaton_plain = self._frame_automaton = self._buyer_automaton = None
        self._frame_tables: dict[str, tuple[list[int], list[int]]] = {}  # per main automaton (_frame_table)
        # per automaton read from the cache (_stored_part): per key its index among the plain one's or -1
        self._plain_refs: dict[str, list[int]] = {}
        self._frame_rest_bits: list[int] = []  # per pattern of the frame automaton's own part, its bits
        # per frame rule, its slots' categories, tokens and whether they have words (Frame.special),
        # from the tables: a Linter of the rules cache decodes no rule it has no candidate of
        self._frame_special = {ri: tuple((frozenset(cats), tuple(tokens), bool(words)) for cats, tokens, words in slots)
                               for ri, slots in tables["frame_special"]}
        self._frame_needs = _frame_needs(self._frame_special)
        self._needy_frames = frozenset(ri for ri, needs in self._frame_needs.items() if needs)
        # per frame with slots of other rules' findings only: per such slot, the rules of its categories
        self._sources = {ri: tuple(map(frozenset, slots)) for ri, slots in tables["frame_sources"]}
        self._sourced = frozenset(self._sources)
        # per frame with slots of words only: the bits of those slots (each frame automaton
        # pattern's bits are the second item of its value, see _need_bits)
        self._need_masks = dict(map(tuple, tables["frame_masks"]))
        self._frame_wake = {ri: SLOT + j for ri, j in tables["frame_wake"]}
        # the frames that a small automaton of the few words of one slot can find dead without the
        # frame automaton, those words, and (the automaton, per its pattern the frames it keeps
        # alive; made with the frame automaton)
        self._precheck_words = {ri: tuple(words) for ri, words in tables["precheck_words"]}
        self._prechecked = frozenset(self._precheck_words)
        self._precheck: tuple[Any, list[frozenset[int]]] | None = None
        self._cue_platform = dict(self._cues)
        self._regexes: list[tuple[tuple[Any, float | None], ...] | None] = [None] * len(self.rules)
        # the rule regexes' code as compiled before (regexcode.py), read from the cache when a
        # pattern is first compiled; none for tables not from the cache
        self._regex_codes: dict[str, list] | None = None if path is not None else {}
        # the rules as a plain list, each set when a message first has a candidate of it (reading
        # a RuleList decodes through Python code on every access)
        self._rule_at: list[Rule | None] = [None] * len(self.rules)
        self._detectors: list[tuple[Callable, dict] | None] = [None] * len(self.rules)
        self._turn_hits: dict[str, frozenset[int]] = {}  # buyer turn -> context rules it speaks to

    def _built(self, name: str) -> tuple:
        """(automaton, keys, values) of the automaton ``name`` ("main", "plain", "frame", "buyer"),
        made on first use (an attribute set once: threads that race build the same automaton); the
        automaton is a stand-in until enough text has been matched (see automaton.py)."""
        part = self._tables.get(name)
        if part is None:  # stored apart in the cache, read when first needed
            part = self._tables[name] = self._stored_part(name)
        keys, values = part
        attr = _AUTOMATON_ATTRS[name]
        woken = name in ("main", "plain")
        # the stand-in holds the Linter weakly: a Linter let go is freed at once, not by the cyclic
        # collector (which would walk its tables first)
        linter = weakref.ref(self)

        def ready(automaton) -> None:  # the stand-in built the automaton: it takes the stand-in's place
            owner = linter()
            if owner is not None:
                setattr(owner, attr, (automaton, keys, values, _wakes(values) if woken else None))

        if name == "frame":  # assembled from the main pass's matches and a smaller automaton
            automaton: Any = Assembled(keys, self._tables["plain"][0], self._plain_refs.get(name))
            self._frame_rest_bits = [values[i][1] for i in automaton.rest_index]
        else:
            automaton = self._main_automaton(keys, ready) if name == "main" else WarmUp(keys, ready)
        # while a stand-in answers (a cold check of a reply or a few), the wake sets of the patterns it
        # matches are made as they are read; the list of them all comes with the automaton
        wakes = (_WakesOfMatched(values) if isinstance(automaton, WarmUp) else _wakes(values)) if woken else None
        built = (automaton, keys, values, wakes)
        if name == "frame" and self._prechecked:
            pkeys, frames_of = _precheck_table(self._precheck_words)

            def ready_precheck(automaton) -> None:
                owner = linter()
                if owner is not None:
                    owner._precheck = (automaton, frames_of)

            self._precheck = (WarmUp(pkeys, ready_precheck), frames_of)
        setattr(self, attr, built)
        return built

    def _frame_table(self, source: str) -> tuple[list[int], list[int]]:
        """Per key index of the automaton ``source`` ("plain" or "main"): the index of that key in the
        frame automaton or -1 (see automaton.Assembled), and the bits of its frame value (see
        _need_bits; 0 for -1); made on first use."""
        finder, _keys, values, _wakes = self._frame_automaton or self._built("frame")
        table = finder.table(self._tables[source][0])
        pair = self._frame_tables[source] = (table, [values[i][1] if i >= 0 else 0 for i in table])
        return pair

    def _main_automaton(self, keys: list[str], ready: Callable[[Any], None]) -> Any:
        """The automaton with buyer context: the one without it (whose keys come first, see
        _build_tables) joined with one of the words only context rules listen for."""
        plain, plain_keys = (self._automaton_plain or self._built("plain"))[:2]
        n = len(plain_keys)
        if keys[:n] != plain_keys:  # tables of another order (not made here): one automaton of them all
            return WarmUp(keys, ready)
        if len(keys) == n:
            return plain
        return Joined(plain, WarmUp(keys[n:], keep_built), n)

    def _stored_part(self, name: str) -> list:
        from .tablecache import FIRST, load_part

        stored = load_part(self._tables_path, name, self._tables[FIRST][0]) if self._tables_path is not None else None
        if stored is None:  # gone or corrupt since the Linter was made: built again (the same tables)
            return self._build_tables()["automata"][name]
        part, self._plain_refs[name] = stored
        return part

    def _detector(self, ri: int) -> tuple[Callable, dict]:
        """(find, compiled options) of rule ``ri``'s detector, made when it first runs."""
        from ..detectors import DETECTORS

        rule = self.rules[ri]
        det = DETECTORS[rule.detector or ""]
        pair = self._detectors[ri] = (det.find, det.compiled_options(rule.options))
        return pair

    def _build_tables(self) -> dict:
        """The compiled tables as plain data (what the on-disk cache holds as JSON)."""
        from ..detectors import DETECTORS

        table: dict[str, list[int]] = {}  # phrase -> hit keys
        errors: list[str] = []

        def add(phrase: str, ri: int, role: Role, rule_id: str) -> None:
            key = fold_phrase(phrase)
            if not key:
                errors.append(f"rule {rule_id}: phrase {phrase!r} is empty once normalized")
                return
            _add_use(table, key, hit_key(ri, role))

        words: list[list[list[str]]] = []  # per rule: allow, unless, near, not_near
        always: list[int] = []
        detector_rules: list[int] = []
        context_turns = 0
        # Frames: the words of one slot (the rarest-looking) go into the one automaton every message
        # gets, and wake the frame; every slot's words and the negation words are looked for by a
        # second automaton, run only on a message that woke a frame or needs a negation checked.
        frame_table: dict[str, list[int]] = {}
        late: list[int] = []  # frames that need other findings: judged after the rest
        for ri, rule in enumerate(self.rules):
            for p in rule.phrases:
                add(p, ri, Role.PHRASE, rule.id)
            for p in rule.triggers:
                add(p, ri, Role.TRIGGER, rule.id)
            words.append([
                _compact_words(rule.allow, rule.id, errors),
                _compact_words(rule.unless, rule.id, errors),
                _compact_words(rule.near.words, rule.id, errors) if rule.near else [],
                _compact_words(rule.not_near.words, rule.id, errors) if rule.not_near else [],
            ])
            if rule.context:
                context_turns = max(context_turns, rule.context.turns)
                for p in rule.context.buyer:
                    add(p, ri, Role.CONTEXT, rule.id)
                for p in rule.context.unless:
                    add(p, ri, Role.CONSENT, rule.id)
            if rule.regex and not rule.triggers:
                always.append(ri)
            if rule.frame:
                wake = _waking_slot(rule.frame.slots)
                for j, slot in enumerate(rule.frame.slots):
                    for p in slot:
                        if p[0] in "%#":
                            continue
                        key = fold_phrase(p)
                        if not key:
                            errors.append(f"rule {rule.id}: phrase {p!r} is empty once normalized")
                            continue
                        _add_use(frame_table, key, hit_key(ri, SLOT + j))
                        if j == wake:
                            add(p, ri, Role.WAKE, rule.id)
                if any(p[0] == "%" for slot in rule.frame.slots for p in slot):
                    late.append(ri)
            if rule.detector:
                det = DETECTORS[rule.detector]
                opts = det.resolved_options(rule.options)
                for key in det.phrase_options:
                    for p in opts.get(key, ()):
                        add(p, ri, Role.KEYWORD, rule.id)
                detector_rules.append(ri)
        global_allow = _compact_words(self.settings.allow_phrases, "settings", errors)
        for cue, _name in self._cues:
            _add_use(table, cue, hit_key(GLOBAL, Role.PLATFORM))
        for w in REJOIN_CUES:
            _add_use(table, fold_phrase(w), hit_key(GLOBAL, Role.PIECES))
        if any(r.negation or (r.frame and r.frame.negation) for r in self.rules):
            from ..rules.schema import shared_vocabulary

            vocab = shared_vocabulary(validate=False)
            for role, name in ((Role.NEGATION, "negation"), (Role.NOT_NEGATION, "not_negation"),
                               (Role.HEDGE, "hedge_after"), (Role.WARNING, "warning")):
                for w in vocab.words(name, lambda *_: ""):
                    key = fold_phrase(w)
                    if key:
                        _add_use(frame_table, key, hit_key(SCOPE, role))
        if errors:
            raise RulesetError(errors)
        fkeys = list(frame_table) or ["\x00"]
        context_rules = [ri for ri, r in enumerate(self.rules) if r.context and r.context.buyer]
        keyed_rules = [ri for ri in detector_rules if DETECTORS[self.rules[ri].detector or ""].needs_keywords]
        # keyword detectors with a prefilter on the compact text, of rules that have nothing but
        # their detector: a message whose text fails it does not wake them (see Matching._plain_candidates)
        screened = [
            [ri, det.compact_prefilter] for ri in keyed_rules
            if (det := DETECTORS[self.rules[ri].detector or ""]).compact_prefilter
            and not (self.rules[ri].phrases or self.rules[ri].regex or self.rules[ri].frame)
        ]
        free = [ri for ri in detector_rules if ri not in keyed_rules]
        # Two automata: without buyer context, the patterns of context-only rules are never looked
        # for (their triggers, such as 可以 or digits, are common words); with it, the same keys
        # first and then the words only context rules listen for (see _main_automaton)
        plain = _automaton_table(table, keyed_rules, context_rules)
        buyer: dict[str, list[int]] = {}
        for key, uses in table.items():
            for use in uses:
                ri, what = _split(use)
                # a context phrase is keyed by its rule, a consent phrase by ~rule (negative)
                mark = ri if what == CONTEXT else ~ri if what == CONSENT else None
                if mark is not None and mark not in buyer.setdefault(key, []):
                    buyer[key].append(mark)
        frame_special = [[ri, [[sorted(cats), list(tokens), words] for cats, tokens, words in rule.frame.special()]]
                         for ri, rule in enumerate(self.rules) if rule.frame]
        frame_wake = [[ri, _waking_slot(rule.frame.slots)] for ri, rule in enumerate(self.rules) if rule.frame]
        frame_values, masks, precheck = _frame_dead_checks(fkeys, frame_table, frame_special, frame_wake)
        return {
            "words": words,
            "always": always,
            "detector_rules": detector_rules,
            "context_turns": context_turns,
            "late": late,
            "global_allow": global_allow,
            "context_rules": context_rules,
            "keyed_rules": keyed_rules,
            "screened": screened,
            "frame_special": frame_special,
            "frame_sources": _frame_sources(self.rules),
            # [rule index, platforms, has buyer phrases, has unless phrases, turns] of every rule with
            # platforms or a context (what skips a rule before it is read: see Matching._judge)
            "rule_gates": [[ri, list(rule.platforms), bool(rule.context and rule.context.buyer),
                            bool(rule.context and rule.context.unless), rule.context.turns if rule.context else 0]
                           for ri, rule in enumerate(self.rules) if rule.platforms or rule.context],
            # [rule index, window, ordered, negation] of every frame; [rule index, regexes, trusted,
            # has triggers] of every rule with regexes (what a judged rule looks for: Matching._rule_candidates)
            "frame_params": [[ri, rule.frame.window, rule.frame.ordered, rule.frame.negation]
                             for ri, rule in enumerate(self.rules) if rule.frame],
            "rule_regexes": [[ri, list(rule.regex), rule.trusted, bool(rule.triggers), _whole_reply(rule)]
                             for ri, rule in enumerate(self.rules) if rule.regex],
            # [frame rule index, its waking slot] (the slot whose words are in the main automaton)
            "frame_wake": frame_wake,
            # [frame rule index, the bits of its slots of words only] (see _need_bits)
            "frame_masks": masks,
            # [frame rule index, the words of its slot looked for apart] (see _precheck_words)
            "precheck_words": precheck,
            # the early exits, from what each detector that runs without a keyword declares; with no
            # buyer context, context rules are off and their detectors need not be looked for
            "gates": DetectorGates.build(self.rules, free),
            "gates_plain": DetectorGates.build(self.rules, [ri for ri in free if ri not in context_rules]),
            # per automaton: its keys, and per key what a hit means
            "automata": {
                "main": _plain_keys_first(_automaton_table(table, keyed_rules, ()), plain),
                "plain": plain,
                "frame": [fkeys, frame_values],
                "buyer": [list(buyer) or ["\x00"], list(buyer.values()) or [[]]],
            },
        }

    def _patterns(self, ri: int) -> tuple[tuple[Any, float | None], ...]:
        """The compiled regexes of rule ``ri``, compiled when it first needs them (a list item set
        once: threads that race compile the same patterns)."""
        patterns = self._regexes[ri]
        if patterns is None:
            sources, trusted, _triggered = self._rule_regexes[ri]
            codes = self._regex_codes
            if codes is None:
                codes = self._regex_codes = self._stored_codes()
            patterns = self._regexes[ri] = tuple(_compile_pattern(p, trusted, codes.get(p)) for p in sources)
        return patterns

    def _stored_codes(self) -> dict[str, list]:
        from .regexcode import usable
        from .tablecache import REGEX_PART, load_part_data

        return usable(load_part_data(self._tables_path, REGEX_PART)) if self._tables_path is not None else {}



def _add_use(table: dict[str, list[int]], key: str, use: int) -> None:
    """Lists ``use`` among the hit keys of ``key`` once: phrases that fold to one key (VX, vx, ｖｘ)
    would otherwise list it once each, and every hit of the key would make a candidate per copy
    (confirmed each, then dropped at assembly)."""
    uses = table.setdefault(key, [])
    if use not in uses:
        uses.append(use)


def _automaton_table(table: dict[str, list[int]], keyed_rules: list[int], leave_out: Sequence[int]) -> list:
    """[keys, values]: values[i] = [hit keys, rules a hit activates] of keys[i]; the hits of the
    rules ``leave_out`` left out (without buyer context, context rules are off)."""
    keys: list[str] = []
    values: list[list] = []
    off = frozenset(leave_out)
    keyed = frozenset(keyed_rules)
    for key, uses in table.items():
        if off:
            uses = [u for u in uses if u < 0 or u // ROLES not in off]
            if not uses:
                continue
        activates = sorted({
            ri for ri, role in map(_split, uses)
            if ri >= 0 and (role in (PHRASE, TRIGGER, WAKE) or (role == KEYWORD and ri in keyed))
        })
        keys.append(key)
        values.append([uses, activates])
    if not keys:
        keys, values = ["\x00"], [[[], []]]
    return [keys, values]


def _plain_keys_first(main: list, plain: list) -> list:
    """The automaton table ``main`` with the keys of ``plain`` first, in their order (each with its
    value in ``main``), then the others: the automaton with buyer context is then the one without
    it joined with a smaller one of the others (see Compiling._main_automaton)."""
    keys, values = main
    value_of = dict(zip(keys, values, strict=True))
    first = plain[0]
    taken = frozenset(first)
    rest = [k for k in keys if k not in taken]
    return [first + rest, [value_of.get(k, [[], []]) for k in first] + [value_of[k] for k in rest]]


def _wakes(values: list) -> list[frozenset[int]]:
    """Per pattern of a main automaton, the rules its hit wakes (one frozenset per distinct set: a
    message's woken rules are their union, taken before its hits are sorted by use), with GLOBAL
    for a pattern whose hits concern no one rule (platform cues, cues for pieces)."""
    # keyed by the sorted rule list as a tuple (and whether the pattern is a cue): a cold start makes
    # this list for ~13,000 patterns, of a few hundred distinct sets
    # values read from the cache are a few hundred objects shared between the patterns: each is
    # looked at once (by identity), not once per pattern
    distinct: dict[tuple, frozenset[int]] = {}
    seen: dict[int, frozenset[int]] = {}
    wakes: list[frozenset[int]] = []
    append = wakes.append
    cues = _CUES.isdisjoint
    for value in values:
        woken = seen.get(id(value))
        if woken is None:
            uses, activates = value
            key = (cues(uses), *activates)
            woken = distinct.get(key)
            if woken is None:
                woken = distinct[key] = frozenset(activates if key[0] else [*activates, GLOBAL])
            seen[id(value)] = woken
        append(woken)
    return wakes


class _WakesOfMatched(dict):
    """``_wakes(values)[i]``, each made when first read (see Compiling._built): a cold check reads a
    few of ~13,000."""

    __slots__ = ("_values",)

    def __init__(self, values: list) -> None:
        super().__init__()
        self._values = values

    def __missing__(self, idx: int) -> frozenset[int]:
        uses, activates = self._values[idx]
        woken = self[idx] = frozenset(activates if _CUES.isdisjoint(uses) else [*activates, GLOBAL])
        return woken


def _frame_needs(special: dict[int, tuple]) -> dict[int, tuple[int, ...]]:
    """Per frame without a slot of other rules' findings: the hit keys of its slots of words only
    (empty for the others)."""
    return {
        ri: () if any(cats for cats, _t, _w in slots) else
        tuple(hit_key(ri, SLOT + j) for j, (_c, tokens, _w) in enumerate(slots) if not tokens)
        for ri, slots in special.items()
    }


def _frame_dead_checks(keys: list[str], table: dict[str, list[int]], special: list,
                       wake: list) -> tuple[list, list, list]:
    """What finds a woken frame dead, computed once with the tables (a scan that needs the frame
    automaton would otherwise spend ~20 ms on it at first use): the frame automaton's values,
    [hit keys, the bits of the slots the pattern is a word of]; per frame with slots of words only,
    [rule index, the bits of its slots]; per frame looked for apart, [rule index, its words]."""
    needs = _frame_needs({ri: tuple((cats, tokens, words) for cats, tokens, words in slots) for ri, slots in special})
    uses = [table.get(k, []) for k in keys]
    bits, masks = _need_bits([[u, []] for u in uses], needs)
    values: list[list[Any]] = [[u, b] for u, b in zip(uses, bits, strict=True)]
    waking = {ri: SLOT + j for ri, j in wake}
    precheck = _precheck_words(keys, _need_sets(values, needs), needs, waking)
    return values, [[ri, m] for ri, m in masks.items()], [[ri, list(words)] for ri, words in precheck.items()]


def _need_sets(values: list, needs: dict[int, tuple[int, ...]]) -> dict[int, tuple[frozenset[int], ...]]:
    """Per frame with slots of words only: per such slot, the indexes of the frame automaton's
    patterns that are its words (a woken frame with a slot none of whose patterns a message
    matches can match nothing)."""
    wanted = {key for keys in needs.values() for key in keys}
    index: dict[int, set[int]] = {key: set() for key in wanted}
    for i, (uses, _activates) in enumerate(values):
        for use in uses:
            if use in wanted:
                index[use].add(i)
    return {ri: tuple(frozenset(index[key]) for key in keys) for ri, keys in needs.items() if keys}


def _need_bits(values: list, needs: dict[int, tuple[int, ...]]) -> tuple[list[int], dict[int, int]]:
    """_need_sets as bits, one per slot: per pattern of the frame automaton, the bits of the slots
    it is a word of; per frame, the bits of its slots (a woken frame is dead when a message's
    patterns leave one of its bits unset: one ``|`` per match and one test per frame, where the
    sets took a set of the matches and a test per slot)."""
    bit: dict[int, int] = {}
    for keys in needs.values():
        for key in keys:
            bit.setdefault(key, 1 << len(bit))
    bits = []
    for uses, _activates in values:
        b = 0
        for use in uses:
            b |= bit.get(use, 0)
        bits.append(b)
    masks = {}
    for ri, keys in needs.items():
        if keys:
            m = 0
            for key in keys:
                m |= bit[key]
            masks[ri] = m
    return bits, masks


# A woken frame whose slot of this many words or fewer (not its waking slot) has none of them in
# a message is dead without the frame automaton's pass (~27,000 instructions with the Python around
# it): one pass of a small automaton of such slots' words finds it so. Larger slots are left to the
# frame automaton: their words are in most replies that wake their frame, and the small pass would
# be spent in vain. (A regex search per frame costs less per message, but compiling ~40 of them
# costs a short-lived process more than it saves.)
PRECHECK_WORDS = 64


def _precheck_words(keys: list[str], need_sets: dict[int, tuple[frozenset[int], ...]],
                    needs: dict[int, tuple[int, ...]], wake: dict[int, int]) -> dict[int, tuple[str, ...]]:
    """Per frame with slots of words only: the words of its smallest such slot other than its
    waking slot (whose word woke it, so it is always there), longest first, if there are at most
    PRECHECK_WORDS of them."""
    out = {}
    for ri, sets in need_sets.items():
        smallest = min(((len(patterns), patterns) for key, patterns in zip(needs[ri], sets, strict=True)
                        if ri not in wake or key != hit_key(ri, wake[ri])), default=None, key=lambda sp: sp[0])
        if smallest is not None and smallest[0] <= PRECHECK_WORDS:
            out[ri] = tuple(sorted((keys[i] for i in smallest[1]), key=lambda w: (-len(w), w)))
    return out


def _precheck_table(words: dict[int, tuple[str, ...]]) -> tuple[list[str], list[frozenset[int]]]:
    """The precheck automaton's keys (every frame's precheck words, once each) and per key the
    frames whose precheck slot holds it."""
    frames_of: dict[str, set[int]] = {}
    for ri, slot in words.items():
        for word in slot:
            frames_of.setdefault(word, set()).add(ri)
    return list(frames_of), [frozenset(ris) for ris in frames_of.values()]


def _frame_sources(rules: Sequence[Rule]) -> list:
    """[frame rule index, per slot of other rules' findings only: the indexes of the rules of its
    categories] of every frame with such a slot: none of them awake, the frame can match nothing."""
    out = []
    for ri, rule in enumerate(rules):
        if rule.frame:
            slots = [[i for i, other in enumerate(rules) if other.category in cats]
                     for cats, tokens, words in rule.frame.special() if cats and not tokens and not words]
            if slots:
                out.append([ri, slots])
    return out


_CUES = frozenset({GLOBAL * ROLES + PLATFORM, GLOBAL * ROLES + PIECES})


def _split(key: int) -> tuple[int, int]:
    return divmod(key, ROLES)


_AUTOMATON_ATTRS = {"main": "_automaton", "plain": "_automaton_plain", "frame": "_frame_automaton",
                    "buyer": "_buyer_automaton"}


# Two-character words that stand in most chat replies: a slot holding them would wake its frame on
# most messages (帮您 in 您好，请问有什么可以帮您). 好了 and 就好 end many a reply about an order (地址修改好了,
# 退款处理好了, 稍等就好): as the waking slot of adlaw.disease-cured they woke it in 0.44 % of the JD
# agent replies and 10.8 % of the generated ones, its disease slot in 0.022 % and none.
_EVERYDAY = frozenset({"您好", "可以", "帮您", "给您", "帮你", "给你", "我们", "这边", "亲亲", "请问", "没有", "不是",
                       "什么", "一下", "的话", "就是", "一个", "这个", "那个", "已经", "订单", "您的", "统一", "直接",
                       "好了", "就好"})


def _waking_slot(slots) -> int:
    """The slot whose words wake a frame: the one with the fewest one-character and everyday words,
    then the longest shortest word (加 or 不 would wake a frame on most messages; 微信 or 信用卡 rarely)."""
    best, best_score = 0, None
    for j, slot in enumerate(slots):
        words = [w for w in slot if w[0] not in "%#"]
        if not words:
            continue
        score = (sum(1 for w in words if len(fold_phrase(w)) < 2 or fold_phrase(w) in _EVERYDAY),
                 -min(len(fold_phrase(w)) for w in words))
        if best_score is None or score < best_score:
            best, best_score = j, score
    return best


def _compile_pattern(pattern: str, trusted: bool, code: list | None = None) -> tuple[Any, float | None]:
    """(compiled, timeout of a search or None). Built-in patterns run on stdlib ``re`` (several
    times faster per call; made from their stored ``code`` when the cache has it); user patterns
    on ``regex`` with a per-search timeout, so that none can hang a scan."""
    if trusted:
        from .regexcode import code_of

        # the stored code, else the code made here as the cache stores it (long alternations grouped:
        # regexfactor.py); code_of makes none for what re cannot compile or warns about
        made = _from_code(pattern, code) if code is not None else None
        if made is None:
            made = _from_code(pattern, code_of(pattern))
        if made is not None:
            return made, None
        try:
            return re.compile(pattern), None
        except re.error:
            pass
    import regex  # user patterns only

    from ..rules.schema import REGEX_TIMEOUT

    return regex.compile(pattern), REGEX_TIMEOUT


def _from_code(pattern: str, code: list | None) -> Any:
    """The pattern made from ``code`` (see regexcode.py), None without code or from code that is not valid."""
    if code is None:
        return None
    from .regexcode import compile_from

    try:
        return compile_from(pattern, code)
    except (TypeError, ValueError, RuntimeError, AttributeError, IndexError):
        return None  # not valid code after all (or another engine's)


def _whole_reply(rule: Rule) -> bool:
    """Whether a woken rule's regexes can be searched before a message view is made, to put it back
    to sleep when they match nothing: a shipped rule that finds with its regexes alone, each
    anchored at the reply's start (a reply that is only 详情页: a search tries one position).
    Woken by a common word (页面, 详情), it would otherwise send every reply holding one through
    the judge (one agent turn in seven of the scan log)."""
    return (rule.trusted and not rule.phrases and not rule.detector and not rule.frame
            and all(p.startswith("^") for p in rule.regex))


class _RuleWords(NamedTuple):
    """A rule's confirmation words in compact form; searched only around a candidate. (A named
    tuple: a frozen dataclass costs a cold start ~0.5 ms more to define.)"""

    allow: tuple[str, ...]
    unless: tuple[str, ...]
    near: tuple[str, ...]
    not_near: tuple[str, ...]


def _compact_words(words, rule_id: str, errors: list[str]) -> list[str]:
    out = []
    for w in words:
        key = fold_phrase(w)
        if not key:
            errors.append(f"rule {rule_id}: phrase {w!r} is empty once normalized")
        else:
            out.append(key)
    return sorted(set(out), key=lambda w: (-len(w), w))  # longest first


"""Matching: one multi-pattern pass over the compact text, the gates that keep the common case cheap,
buyer-context hits, and every rule's candidates (phrases, regexes, detectors)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from ..finding import Severity
from ..rules.platforms import Platform
from ..text.compiled import compiled
from ..text.normalize import STAND_IN_EMOJI, Normalized
from ..text.roles import BUYER, normalize_role
from ..text.view import MessageView
from . import frames
from .compile import (
    GLOBAL,
    HEDGE,
    KEYWORD,
    NEGATION,
    NOT_NEGATION,
    PHRASE,
    PIECES,
    PLATFORM,
    ROLES,
    SCOPE,
    SLOT,
    TRIGGER,
    WARNING,
)
from .state import EngineState

if TYPE_CHECKING:
    from ..rules.model import Rule  # the rules' type only: the model is imported when a rule is decoded


class Candidate(NamedTuple):
    """A possible finding before confirmation; ``explain`` shows every one with its fate. A named
    tuple: a frozen dataclass sets each field through object.__setattr__ (~1.6 µs a candidate
    against ~0.3 µs), and a reply with a hit of a common word makes a few."""

    rule: Rule
    cstart: int  # compact span
    cend: int
    start: int  # original span
    end: int
    source: str  # phrase / regex / detector text that produced it
    note: str = ""
    severity: Severity | None = None
    rejected: str = ""  # why it was dropped; empty when confirmed



_IN_WORD = "在英文单词内 (inside a Latin word)"
REGEX_TIMED_OUT = "正则超时 (regex timed out)"


OVERLAPPING = True  # every match, overlapping; passed by position (a keyword costs pyo3 ~0.1 µs a call)
TURN_CACHE = 8192  # buyer turns whose context hits a Linter keeps
# the keys of the hits that concern no one rule (see compile.hit_key)
_PLATFORM_CUE = GLOBAL * ROLES + PLATFORM
_PIECES_CUE = GLOBAL * ROLES + PIECES
# letters and digits written apart (y d j j 6 6 8, m.a.o.l.i.a.n.g): an id spelled out, read once more joined
_SPACED_OUT = re.compile(r"(?:[a-z0-9][ \t]){4,}[a-z0-9]|(?:[a-z0-9][.·\-]){4,}[a-z0-9]")
@cache
def _buyer_denies() -> re.Pattern:
    """A buyer's consent phrase denied by the one or two characters before it (我不想取消, 别取消,
    没同意); compiled when a buyer turn is first read."""
    return compiled(r"(?:不|别|没|甭|不用|不要|不想|不能|不让|不许|未)$")
_NEGATION = SCOPE * ROLES + NEGATION
_NOT_NEGATION = SCOPE * ROLES + NOT_NEGATION
_HEDGE = SCOPE * ROLES + HEDGE
_WARNING = SCOPE * ROLES + WARNING
_NONE: frozenset[int] = frozenset()  # no rule: the dead and starved of most messages, not made anew for each
# the buyer hits of a message without context (most): one dict that nothing writes to, not a new one each
_NO_BUYER_HITS: dict[int, int] = {}


def _apart(norm: Normalized, s: int) -> bool:
    """Whether a space or a mark stands right before compact[s] in the turn as written: then a 不
    before it ends a question (能开5000不 实际付了3200) and denies nothing after it."""
    if not s:
        return False
    fs = norm.compact_map[s]
    return fs > 0 and norm.compact_map[s - 1] != fs - 1


def _as_buyer_turns(context, last: int) -> list[str]:
    """The last ``last`` buyer turns, oldest first, of ["text", ...] or [{"role": "buyer", "text":
    ...}, ...] (read from the end: a conversation's context may be long). A role that is neither a
    buyer's nor an agent's raises :class:`~kefulint.text.roles.UnknownRole`."""
    turns: list[str] = []
    if last <= 0:
        return turns
    if not isinstance(context, (list, tuple)):
        context = list(context)
    for item in reversed(context):
        if isinstance(item, str):
            turns.append(item)
        elif isinstance(item, dict):
            text = item.get("text")
            if normalize_role(item.get("role", BUYER)) == BUYER and isinstance(text, str):
                turns.append(text)
            else:
                continue
        else:
            continue
        if len(turns) >= last:
            break
    turns.reverse()
    return turns


def _gated_out(ri: int, gate: tuple, name: str, buyer_hits: dict) -> str:
    """Why rule ``ri`` with ``gate`` (compile: its platforms, whether it has buyer phrases, whether it
    has unless phrases, its turns) is skipped for a message judged on platform ``name`` with these
    buyer hits: "platform", "context" (no buyer phrase in its turns), "consent" (the buyer asked for
    it), or "" when it is judged."""
    platforms, buyer, unless, turns = gate
    if platforms and name not in platforms:
        return "platform"
    if buyer and buyer_hits.get(ri, 1 << 30) > turns:
        return "context"
    if unless and buyer_hits.get(~ri, 1 << 30) <= turns:
        return "consent"
    return ""


def _latin_ok(view: MessageView, cs: int, ce: int, key: str) -> bool:
    """A phrase that starts (ends) with a Latin letter or digit must not continue a Latin word:
    "v" and "sb" inside "service" and "usb" are not hits. Digits may follow (vx123). A phrase of
    Latin letters read across a slash is none either (pay.x.cn/m/22 holds no "cnm")."""
    if not (key[0].isascii() and key[0].isalnum()) and not (key[-1].isascii() and key[-1].isalpha()):
        return True
    folded = view.norm.folded
    fs, fe = view.compact_to_folded(cs, ce)
    if "/" in folded[fs:fe] and key.isascii():  # letters of a link's path (.cn/m is no "cnm")
        return False
    if key[0].isascii() and key[0].isalnum() and fs > 0:
        prev = folded[fs - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if key[-1].isascii() and key[-1].isalpha() and fe < len(folded):
        nxt = folded[fe]
        if nxt.isascii() and nxt.isalpha():
            return False
    return True



class Matching(EngineState):
    """The match step of :class:`~kefulint.engine.Linter`: text -> candidates."""

    def _platform_for(self, norm: Normalized, hits: dict) -> Platform:
        if self.settings.infer_platform:
            for _s, _e, cue in hits.get(_PLATFORM_CUE, ()):
                return self._platforms[self._cue_platform[cue]]
        return self.platform

    @staticmethod
    def _collect(matches, keys: list[str], values: list) -> dict:
        """A message's hits by use (see compile.hit_key): (start, end, pattern) lists."""
        hits: dict = {}
        for idx, start, end in matches:
            span = (start, end, keys[idx])
            for use in values[idx][0]:
                bucket = hits.get(use)
                if bucket is None:
                    hits[use] = [span]
                else:
                    bucket.append(span)
        return hits

    def _candidates(self, text: str, context, keep_rejected: bool = False, rejoined: bool = False,
                    trace: dict | None = None) -> list[Candidate]:
        """``trace``, when given, receives the platform the message is judged on and the rules
        skipped for platform or context (see Linter.explain)."""
        out, pieces, platform = self._plain_candidates(text, context, keep_rejected, trace)
        if trace is not None:
            trace["platform"] = platform
        if pieces and not rejoined:
            out.extend(self._rejoined_candidates(text, context, out, keep_rejected))
        return out

    def _plain_candidates(self, text: str, context, keep_rejected: bool,
                          trace: dict | None = None, norm: Normalized | None = None) -> tuple[list[Candidate], bool, str]:
        """The candidates of the text as written, whether it holds a cue that a contact detail may
        be written in pieces (see _rejoined_candidates), and the platform it is judged on. ``norm``:
        the text's search forms when the caller made them (see Linter.check)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if norm is None:
            norm = Normalized(text)
        buyer_hits = self._buyer_hits(context) if context else _NO_BUYER_HITS
        if buyer_hits:
            automaton, keys, values, wakes = self._automaton or self._built("main")
            source = "main"
        else:
            context = None  # no buyer turn says anything a context rule listens for
            automaton, keys, values, wakes = self._automaton_plain or self._built("plain")
            source = "plain"
        matches = automaton.find_matches_as_indexes(norm.compact, OVERLAPPING)
        folded = norm.folded
        # 好🌟评🌟返🌟现 (emoji between the characters) and y d j j 6 6 8 are read once more, joined
        pieces = ((folded is not text and not STAND_IN_EMOJI.isdisjoint(text))
                  or ((" " in folded or "." in folded) and _SPACED_OUT.search(folded) is not None))
        # explain looks with every rule's gates, to list the context rules it then skips
        gates = self._gates if context or (trace is not None and "explain" in trace) else self._gates_plain
        if not matches:  # the common case: no phrase of any rule
            platform = self.platform
            if self._always or not self.shortcuts:
                active: set[int] = set(self._always)
            elif gates.always:
                active = set()
            else:
                if gates.idle(norm):
                    return [], pieces, self._platform_name  # no detector could find anything
                view = MessageView(norm, platform, {}, self.segmenter)
                view.found = (matches, source)
                active = set()
                gates.activate(view, active, True)
                if not active:
                    return [], pieces, self._platform_name
                return self._judge(view, active, _NONE, context, buyer_hits, pieces, keep_rejected, trace)
            hits: dict = {}
            dead: AbstractSet[int] = _NONE
            starved: AbstractSet[int] = _NONE
            frame_hits = None
            looked = False
        else:
            # the woken rules first; the hits are sorted by use only for a message that has a cue
            # (a pattern whose hits concern no one rule wakes GLOBAL) or keeps a rule awake: most put
            # every woken rule back to sleep
            active = set(self._always)
            for idx, _start, _end in matches:
                active |= wakes[idx]
            cued = GLOBAL in active
            if cued:
                active.discard(GLOBAL)
            hits = self._collect(matches, keys, values) if cued else {}
            platform = self._platform_for(norm, hits) if cued and _PLATFORM_CUE in hits else self.platform
            # woken rules that _judge would skip for their platform or the buyer's turns (one in five
            # agent turns of a scan wakes only such rules, with a common word such as 好的 or 可以):
            # put back to sleep here, before anything is made for them (explain lists them skipped)
            if trace is None and self.shortcuts and not self._gated.isdisjoint(active):
                self._ungate(active, platform.name, buyer_hits, context)
            # woken rules that can find nothing in this message: frames without a word of one slot
            # (dead) or without a rule awake whose findings one slot needs (starved); skipped by
            # _judge, and no reason to make a view when nothing else is awake, but for explain, which
            # lists the rules skipped for platform or context (shortcuts off: each rule judged in full)
            dead = starved = _NONE
            frame_hits = None
            looked = False
            if self.shortcuts and active:
                if self._screened and not self._screened.isdisjoint(active):
                    # woken rules put back to sleep where their screen on the compact text finds
                    # nothing: a keyword detector's prefilter (Detector.compact_prefilter), or the
                    # regexes of a rule anchored at the reply's start (the same search _judge makes)
                    # (here, not in a method: a third of the replies come this way)
                    compact = norm.compact
                    searches = self._screen_searches
                    for ri in self._screened.intersection(active):
                        for search in searches.get(ri) or self._screen_search(ri):
                            if search(compact) is not None:
                                break
                        else:
                            active.discard(ri)
                if not self._needy_frames.isdisjoint(active):
                    dead, frame_hits = self._dead_frames(norm.compact, active, (matches, source))
                if not self._sourced.isdisjoint(active):
                    starved = self._starved(active, dead)
            if cued and not pieces and _PIECES_CUE in hits:
                pieces = True
            # nothing awake (a common word such as 订单 put back to sleep, 包邮 without a fee): the
            # detectors' early exits, as for a message without hits (a detector's rule could find
            # what a starved frame needs)
            asleep = not active or (trace is None and active <= (dead | starved if starved else dead))
            if asleep and self.shortcuts and not gates.always:
                if gates.idle(norm):
                    return [], pieces, platform.name
                looked = True  # the detectors' gates are open: activate need not ask again
            if not cued:
                hits = self._collect(matches, keys, values)
        view = MessageView(norm, platform, hits, self.segmenter)
        view.found = (matches, source)
        if not self.shortcuts:
            active.update(gates.rules)
        else:
            view.frame_hits = frame_hits
            before = len(active)
            gates.activate(view, active, looked)
            if starved and len(active) > before:  # a detector's rule may feed a starved frame
                starved = self._starved(active, dead)
            if starved:
                dead = dead | starved
            if not active or (trace is None and active <= dead):
                return [], pieces, platform.name
        return self._judge(view, active, dead, context, buyer_hits, pieces, keep_rejected, trace)

    def _ungate(self, active: set[int], name: str, buyer_hits: dict, context) -> None:
        """Drops from ``active`` the rules _judge would skip: judged on another platform, or their
        buyer phrase not in the last turns they read, or the buyer consenting (context.unless)."""
        gates = self._rule_gates
        for ri in self._gated.intersection(active):
            if _gated_out(ri, gates[ri], name, buyer_hits):
                active.discard(ri)
        if not context and not self._context_rules.isdisjoint(active):
            active -= self._context_rules

    def _screen_search(self, ri: int) -> tuple[Callable[[str], object], ...]:
        """The searches that screen rule ``ri`` (see _plain_candidates), kept once made: its
        detector's prefilter, or its regexes anchored at the reply's start (compile._whole_reply)."""
        if ri in self._screens:
            _find, options = self._detectors[ri] or self._detector(ri)
            searches: tuple[Callable[[str], object], ...] = (options[self._screens[ri]].search,)
        else:
            searches = tuple(p.search for p, _timeout in self._patterns(ri))
        self._screen_searches[ri] = searches
        return searches

    def _judge(self, view: MessageView, active: set[int], dead: AbstractSet[int], context, buyer_hits: dict,
               pieces: bool, keep_rejected: bool, trace: dict | None) -> tuple[list[Candidate], bool, str]:
        """The candidates of the rules ``active`` but not ``dead`` (see _plain_candidates)."""
        name = view.platform.name
        if not context:
            if trace is not None:
                trace.setdefault("skipped", []).extend((ri, "context") for ri in sorted(active & self._context_rules))
            active -= self._context_rules
            if not active:
                return [], pieces, name
        out: list[Candidate] = []
        late = active.intersection(self._late_set) if self._late_set else None
        rule_at = self._rule_at
        rule_gates = self._rule_gates
        for ri in [*sorted(active.difference(late)), *(ri for ri in self._late if ri in late)] if late else sorted(active):
            # what skips a rule is read from the tables: a rule is decoded (rules cache) only when
            # it is judged (of the ~150 rules a scan of the JDDC export read, ~90 were skipped)
            gate = rule_gates.get(ri)
            if gate is not None:
                why = _gated_out(ri, gate, name, buyer_hits)
                if why:
                    if trace is not None:
                        trace.setdefault("skipped", []).append((ri, why))
                    continue
            if ri in dead:
                continue
            # the rule itself is read (rules cache) when it makes its first candidate (of the ~90
            # rules a scan of the JDDC export judged, ~55 made none)
            for cand in self._rule_candidates(ri, rule_at[ri], view, out if late else None):
                reason = self._reject_reason(ri, cand.rule, cand, view)
                if reason:
                    if keep_rejected or reason is REGEX_TIMED_OUT:
                        out.append(cand._replace(rejected=reason))
                else:
                    out.append(cand)
        return out, pieces, name

    def _rejoined_candidates(self, text: str, context, found: list[Candidate], keep_rejected: bool):
        """Contact details and links written in pieces (圈a, 点 com, 前缀…后缀, spaced letters) and
        words split by emoji that read as characters (好🌟评):
        the rules run again on the text with the pieces joined; what they find there and the plain
        text did not is reported on the original span."""
        from ..text.rejoin import rejoin  # only a message with a cue for pieces gets here

        joined = rejoin(text)
        if joined is None:
            return
        variant, omap = joined
        seen = [(c.rule.category, c.start, c.end) for c in found if not c.rejected]
        for c in self._candidates(variant, context, keep_rejected, rejoined=True):
            if c.end <= c.start:
                continue
            start, end = omap[c.start], omap[c.end - 1] + 1
            if not c.rejected and any(cat == c.rule.category and s < end and start < e for cat, s, e in seen):
                continue
            yield c._replace(start=start, end=end, note=(c.note + " " if c.note else "") + "（拼合后）")

    def _buyer_hits(self, context) -> dict[int, int]:
        """rule index -> how many buyer turns back its context phrase was seen (1 = last); ~rule
        index -> the same for a phrase of its context.unless."""
        turns = _as_buyer_turns(context, self._context_turns)
        seen: dict[int, int] = {}
        cache = self._turn_hits
        for back, turn in enumerate(reversed(turns), start=1):
            found = cache.get(turn)
            if found is None:
                found = self._buyer_turn(turn)
            for ri in found:
                if ri not in seen:
                    seen[ri] = back
        return seen

    def _buyer_turn(self, turn: str) -> frozenset[int]:
        """The context rules a buyer turn speaks to. A conversation passes the same buyer turns with
        every agent turn: each is scanned once (a pure function of the text, kept per Linter)."""
        automaton, _keys, values, _wakes = self._buyer_automaton or self._built("buyer")
        norm = Normalized(turn)
        compact = norm.compact
        denies = _buyer_denies().search
        found = frozenset(
            ri for idx, s, _e in automaton.find_matches_as_indexes(compact, OVERLAPPING) for ri in values[idx]
            # 我不想取消, 别取消: a phrase of consent the buyer denies consents to nothing
            if ri >= 0 or not denies(compact, max(0, s - 2), s) or _apart(norm, s)
        )
        if len(self._turn_hits) >= TURN_CACHE:
            self._turn_hits.clear()
        self._turn_hits[turn] = found
        return found

    def _read_rule(self, ri: int) -> Rule:
        """Rule ``ri``, read (rules cache: decoded) when it first makes a candidate."""
        rule = self._rule_at[ri] = self.rules[ri]
        return rule

    def _rule_candidates(self, ri: int, rule: Rule | None, view: MessageView, found=None) -> Iterable[Candidate]:
        """Rule ``ri``'s candidates: a list (most rules have none, and a list costs less than a
        generator that yields nothing), a generator for a frame. ``rule``: the rule if it was read
        already (what is looked for is in the tables; the rule is read for a candidate)."""
        if ri in self._frame_params:
            return self._frame_candidates(ri, rule, view, found)
        norm = view.norm
        hits = view.hits
        out: list[Candidate] = []
        phrases = hits.get(ri * ROLES + PHRASE)
        if phrases:
            rule = rule or self._read_rule(ri)
            for cs, ce, key in phrases:
                os_, oe = norm.compact_span(cs, ce)
                out.append(Candidate(rule, cs, ce, os_, oe, key, rejected="" if _latin_ok(view, cs, ce, key) else _IN_WORD))
        regexes = self._rule_regexes.get(ri)
        if regexes is not None and (not regexes[2] or ri * ROLES + TRIGGER in hits):
            for pattern, timeout in self._patterns(ri):
                try:
                    matches = pattern.finditer(norm.compact, timeout=timeout) if timeout else pattern.finditer(norm.compact)
                    for m in matches:
                        if m.end() > m.start():
                            rule = rule or self._read_rule(ri)
                            os_, oe = norm.compact_span(m.start(), m.end())
                            out.append(Candidate(rule, m.start(), m.end(), os_, oe, pattern.pattern))
                except TimeoutError:
                    rule = rule or self._read_rule(ri)
                    out.append(Candidate(rule, 0, 0, 0, 0, pattern.pattern, rejected=REGEX_TIMED_OUT))
        if ri in self._detector_set:
            rule = rule or self._read_rule(ri)
            # a keyword with no ASCII character at either end needs no look at the Latin words around it
            keywords = hits.get(ri * ROLES + KEYWORD)
            keywords = [k for k in keywords if (k[2][0] > "\x7f" and k[2][-1] > "\x7f") or _latin_ok(view, *k)] \
                if keywords else []
            allow = self._words[ri].allow
            if allow and keywords:
                keywords = [k for k in keywords if not view.word_covering(k[0], k[1], allow)]
            find, options = self._detectors[ri] or self._detector(ri)
            for hit in find(view, options, keywords):
                cs, ce = view.folded_to_compact(hit.start, hit.end)
                os_, oe = norm.folded_span(hit.start, hit.end)
                out.append(Candidate(rule, cs, ce, os_, oe, rule.detector or "", hit.note, hit.severity))
        return out

    # frames ------------------------------------------------------------------------------
    def _dead_frames(self, compact: str, active: set[int],
                     found: tuple[list, str] | None = None) -> tuple[set[int], dict | None]:
        """The woken frames that can match nothing: a slot of words only, none of its words here;
        and the hits of the frame automaton (a message's ``frame_hits``), collected only when a
        frame lives on. One pass of it for all of them, before a MessageView is made (a common word
        such as 发票 or 包邮 wakes frames whose other slot is seldom there). ``found``: the main
        pass's matches and the name of its automaton (see _frame_matches)."""
        finder, keys, values, _wakes = self._frame_automaton or self._built("frame")  # and the precheck's
        woken = self._needy_frames.intersection(active)
        if woken <= self._prechecked and self._precheck is not None:
            # each woken frame has a slot of few words (compile._precheck_words), looked for by a
            # small automaton: none of them here, every one is dead without the pass below
            # (the first word that keeps a woken frame alive ends the look: the pass below decides)
            precheck, frames_of = self._precheck
            for idx, _start, _end in precheck.find_matches_as_indexes(compact, OVERLAPPING):
                if not woken.isdisjoint(frames_of[idx]):
                    break
            else:
                return set(woken), None
        # the frame words here: the main pass's matches of them and the frame automaton's own part's
        # (automaton.Assembled), read apart for their bits (the slots each is a word of, see
        # compile._need_bits) and merged only for a frame that lives on (most die here)
        found_matches, source = found or self._plain_matches(compact)
        table, bits = self._frame_tables.get(source) or self._frame_table(source)
        rest = finder.rest_matches(compact)
        got = 0
        for idx, _start, _end in found_matches:
            got |= bits[idx]
        rest_bits = self._frame_rest_bits
        for idx, _start, _end in rest:
            got |= rest_bits[idx]
        masks = self._need_masks
        dead = {ri for ri in woken if masks[ri] & got != masks[ri]}
        if len(dead) < len(woken):
            return dead, self._collect(finder.merged(found_matches, table, rest), keys, values)
        return dead, None

    def _starved(self, active: set[int], dead: AbstractSet[int]) -> set[int]:
        """The woken frames that can match nothing: a slot of other rules' findings only, none of
        those rules awake (付款 wakes a frame that needs a link, which no rule here can find)."""
        sources = self._sources
        awake = active - dead if dead else active
        starved = set()
        for ri in self._sourced.intersection(active):  # loops: a generator per frame costs more than the test
            for rules in sources[ri]:
                if rules.isdisjoint(awake):
                    starved.add(ri)
                    break
        return starved

    def _frame_hits(self, view: MessageView) -> dict:
        """Hits of every frame word and negation word, from the frame automaton; once per message."""
        if view.frame_hits is None:
            view.frame_hits = self._collect(*self._frame_matches(view.norm.compact, view.found))
        return view.frame_hits

    def _frame_matches(self, compact: str, found: tuple[list, str] | None) -> tuple[list, list[str], list]:
        """The frame automaton's matches in ``compact`` (what an automaton of its keys finds), its
        keys and values. The automaton is assembled (automaton.Assembled): ``found`` are the
        matches the main pass found in ``compact`` and the name of the automaton that found them
        ("plain" or "main"); without them, the plain automaton's are looked for here."""
        automaton, keys, values, _wakes = self._frame_automaton or self._built("frame")
        matches, source = found or self._plain_matches(compact)
        table, _bits = self._frame_tables.get(source) or self._frame_table(source)
        return automaton.find_matches_as_indexes(compact, matches, table), keys, values

    def _plain_matches(self, compact: str) -> tuple[list, str]:
        """The main pass's matches in ``compact`` without buyer context, and its automaton's name."""
        automaton = (self._automaton_plain or self._built("plain"))[0]
        return automaton.find_matches_as_indexes(compact, OVERLAPPING), "plain"

    def _frame_candidates(self, ri: int, rule: Rule | None, view: MessageView, found) -> Iterable[Candidate]:
        """A frame rule's candidates; ``rule``, if read already (its window, order and negation are
        in the tables: the rule is read once the frame's slots match)."""
        window, ordered, negation = self._frame_params[ri]
        needs = self._frame_needs[ri]
        if needs:  # the usual end of a woken frame, before anything is made: a slot of words with none here
            hits = self._frame_hits(view)
            for key in needs:
                if key not in hits:
                    return
        special = self._frame_special[ri]
        slots: list[list[tuple[int, int]]] = [[] for _ in special]
        # cheapest first: findings of other rules, then the frame words, then tokens
        for j, (cats, tokens, words) in enumerate(special):
            if cats:
                slots[j] = [(c.cstart, c.cend) for c in found or () if not c.rejected and c.rule.category in cats]
                if not slots[j] and not tokens and not words:
                    return
        hits = self._frame_hits(view)
        for j, (_cats, tokens, _words) in enumerate(special):
            if not tokens and not slots[j] and ri * ROLES + SLOT + j not in hits:
                return  # a slot of words only, none of them here (the usual end of a woken frame)
        allow = self._words[ri].allow
        norm = view.norm
        for j, (_cats, tokens, _words) in enumerate(special):
            slots[j] += [
                (s, e) for s, e, key in hits.get(ri * ROLES + SLOT + j, ())
                if ((key[0] > "\x7f" and key[-1] > "\x7f") or _latin_ok(view, s, e, key))
                and (e - s < 2 or not frames.crosses_clause(norm, s, e))
                and not (allow and view.word_covering(s, e, allow))
            ]
            if not slots[j] and not tokens:
                return
        for j, (_cats, tokens, _words) in enumerate(special):
            for token in tokens:
                slots[j] += frames.token_spans(view, token)
            if not slots[j]:
                return
        spans = frames.match(slots, window, ordered)
        if not spans and len(slots) > 1 and window < frames.TOPIC_REACH:
            spans = frames.topic_match(view, slots)
        if not spans:
            return
        rule = rule or self._read_rule(ri)
        for cs, ce, parts in spans:
            os_, oe = norm.compact_span(cs, ce)
            note = " + ".join(f"「{norm.compact[s:e]}」" for s, e in parts)
            if window <= frames.PHRASE_WINDOW and frames.crosses_list(norm, cs, ce):
                # a tight frame reads as one phrase; 支付宝、云闪付 are two items of a list
                yield Candidate(rule, cs, ce, os_, oe, "frame", note, rejected="跨越顿号 (runs over an enumeration comma)")
                continue
            if not rule.category.startswith(frames.STEPWISE) and frames.crosses_item(norm, cs, ce):
                yield Candidate(rule, cs, ce, os_, oe, "frame", note, rejected="跨越列表项 (runs into the next item of a list)")
                continue
            if negation:
                inner = [sp for spans in slots for sp in spans if cs <= sp[0] and sp[1] <= ce]
                topic = frames.topic_before(view, cs)
                if topic:  # 关于您说的货到付款：the buyer's topic, reported, denies nothing
                    inner.append(topic)
                word = self._negation(view, cs, ce, inner, hedged=not rule.category.startswith(frames.UNHEDGED),
                                      refusal=rule.category in frames.REFUSALS)
                if word:
                    yield Candidate(rule, cs, ce, os_, oe, "frame", note, rejected=f"否定/保留「{word}」(negation)")
                    continue
            yield Candidate(rule, cs, ce, os_, oe, "frame", note)

    def _negation(self, view: MessageView, cs: int, ce: int, inner, hedged: bool = True, refusal: bool = False) -> str | None:
        """The negation or hedge in scope of compact[cs:ce]; words inside the ``inner`` spans are
        the candidate's own (不发 in a refusal is no negation of it); with ``hedged`` false (the
        categories of frames.UNHEDGED) hedges are not looked for."""
        hits = self._frame_hits(view)
        scope = hits.get(_NEGATION, ())
        hedges = hits.get(_HEDGE, ()) if hedged else ()
        warnings = hits.get(_WARNING, ())
        not_neg = hits.get(_NOT_NEGATION, ())
        if warnings:
            if not_neg:  # 你全家都是骗子 is an insult, not an anti-fraud warning
                warnings = [n for n in warnings if not any(s <= n[0] and n[1] <= e for s, e, _k in not_neg)]
            word = frames.warned(view, (cs, ce), warnings)
            if word:
                return word
        if not scope and not hedges:
            return None
        if not_neg:
            scope = [n for n in scope if not any(s <= n[0] and n[1] <= e for s, e, _k in not_neg)]
            hedges = [n for n in hedges if not any(s <= n[0] and n[1] <= e for s, e, _k in not_neg)]
        if scope:  # a verb asked as "A not A" (送没送到, 退不退) is a question, not a negation
            scope = [n for n in scope if not (n[1] - n[0] == 1 and frames.a_not_a(view.norm, n[0]))]
        return frames.negated(view, (cs, ce), inner, scope, hedges, refusal)

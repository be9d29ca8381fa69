"""What the engine's steps share, declared once: the attributes ``Linter.__init__`` and the compile
step set, and the methods one step calls on another. The steps are mixins of one class
(:class:`~kefulint.engine.Linter`); each derives from :class:`EngineState` so that a type checker
knows what ``self`` holds. Nothing here runs."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..rules.model import Rule
    from ..rules.platforms import Platform
    from ..settings import Settings
    from ..text.segment import Segmenter
    from ..text.view import MessageView
    from .compile import _RuleWords
    from .match import Candidate

# an Aho-Corasick automaton, its patterns and, per pattern index, what a hit of that pattern means;
# for the main automata also per pattern index the rules a hit wakes (None for the others; see
# compile._wakes; a dict of those read so far while a stand-in answers)
Automaton = tuple[Any, list[str], list, list | dict | None]


class EngineState:
    # set by Linter.__init__
    settings: Settings
    rules: Sequence[Rule]  # a tuple, or the rules cache's RuleList (each rule decoded when first read)
    platform: Platform
    segmenter: Segmenter
    _platform_name: str
    _platforms: dict[str, Platform]
    _cues: list[tuple[str, str]]  # (compact cue, platform name)
    _allow_numbers: frozenset[str]
    shortcuts: bool  # False: no early exit or detector prefilter (a test compares)
    # set by the compile step
    _regexes: list[tuple[tuple[Any, float | None], ...] | None]  # compiled on first use
    _regex_codes: dict[str, list] | None  # their code from the cache (regexcode.py), read on first use
    _gates: Any  # the early exits built from the active detectors (compile.py), with context
    _gates_plain: Any  # the same without the context rules
    _turn_hits: dict[str, frozenset[int]]  # buyer turn -> context rules it speaks to
    _tables: dict[str, list]  # per automaton ("main", "plain", "frame", "buyer"): [keys, values]
    _tables_path: Any  # the cache file the tables came from (the parts not read yet are beside it)
    _words: list[_RuleWords]
    _always: list[int]
    _detector_rules: list[int]
    _context_turns: int
    _late: list[int]
    _late_set: frozenset[int]
    _rule_at: list[Rule | None]  # self.rules[i] once read (see Compiling._adopt)
    _frame_special: dict[int, tuple]
    _frame_needs: dict[int, tuple[int, ...]]  # per frame: the hit keys of its slots of words only
    _needy_frames: frozenset[int]  # the frames with such slots
    _need_masks: dict[int, int]  # per such frame: the bits of its slots (a frame automaton's value holds its pattern's)
    _frame_wake: dict[int, int]  # per frame: SLOT + its waking slot
    _prechecked: frozenset[int]  # the frames with a slot of few words, looked for apart (compile._precheck_words)
    _precheck_words: dict[int, tuple[str, ...]]  # per such frame: those words
    _precheck: tuple[Any, list[frozenset[int]]] | None  # their automaton, per pattern the frames it keeps alive
    _sources: dict[int, tuple[frozenset[int], ...]]  # per frame and slot of other rules' findings only: those rules
    _sourced: frozenset[int]  # the frames with such slots
    _global_allow: tuple[str, ...]
    # built from _tables on first use (Compiling._built)
    _frame_automaton: Automaton | None  # its automaton assembled from the main pass's matches (automaton.Assembled)
    _frame_tables: dict[str, tuple[list[int], list[int]]]  # per main automaton: its keys' frame indexes and bits
    _frame_rest_bits: list[int]  # the bits of the frame words the main pass does not look for
    _plain_refs: dict[str, list[int]]  # per automaton read from the cache: per key its index among the plain one's or -1
    _buyer_automaton: Automaton | None
    _automaton: Automaton | None
    _automaton_plain: Automaton | None
    _context_rules: frozenset[int]
    _keyed_rules: frozenset[int]
    _screens: dict[int, str]  # keyword detectors' rules -> the compiled option that screens a message
    _screened: frozenset[int]  # those and the rules of whole-reply regexes (compile._whole_reply)
    _rule_gates: dict[int, tuple[frozenset[str], bool, bool, int]]  # per rule with platforms or a context
    _gated: frozenset[int]  # the rules of _rule_gates
    _frame_params: dict[int, tuple[int, bool, bool]]  # per frame: window, ordered, negation
    _rule_regexes: dict[int, tuple[tuple[str, ...], bool, bool]]  # per rule with regexes: them, trusted, triggers
    _detector_set: frozenset[int]  # the rules with a detector
    _screen_searches: dict[int, tuple[Callable[[str], object], ...]]  # their screens' searches, made on first use
    _detectors: list[tuple[Callable, dict] | None]  # (find, compiled options), made on first use
    _cue_platform: dict[str, str]

    if TYPE_CHECKING:
        # one step calling another
        def _candidates(self, text: str, context: Iterable | None, keep_rejected: bool = False,
                        rejoined: bool = False, trace: dict | None = None) -> list[Candidate]: ...

        def _reject_reason(self, ri: int, rule: Rule, cand: Candidate, view: MessageView) -> str: ...

        def _patterns(self, ri: int) -> tuple[tuple[Any, float | None], ...]: ...

        def _built(self, name: str) -> tuple: ...

        def _detector(self, ri: int) -> tuple[Callable, dict]: ...

        def _read_rule(self, ri: int) -> Rule: ...

        def _frame_table(self, source: str) -> tuple[list[int], list[int]]: ...

        def _negation(self, view: MessageView, cs: int, ce: int, inner: Iterable, hedged: bool = True,
                      refusal: bool = False) -> str | None: ...

"""The engine's early exits: when the detectors that run without a keyword can find nothing in a
message, built from what each of them declares (:class:`~kefulint.detectors.Detector`
``min_digits``, ``prefilter_chars``, ``prefilter``, ``min_run``, ``gate``). Compiled as plain data
(cached with the other tables), made into regexes when a Linter takes them; a detector's gate is
looked up when it first runs."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..text.normalize import Normalized


class DetectorGates(NamedTuple):
    """The early exits of one set of detectors: no early exit of the engine is written apart from
    the detectors it guards."""

    rules: frozenset[int]  # every rule these gates guard
    always: bool  # some detector declares no prefilter: no early exit
    min_digits: int  # fewest digits a digit-gated detector needs (0: there is none)
    # the prefiltered detectors' characters: none of them in a text, none of these detectors can find
    # anything (None: there is none). A few are looked for one by one (``look_in``: str.__contains__
    # is a C loop per character, a class search a bitmap test per character), more in one class
    look: re.Pattern | None
    look_in: tuple[str, ...]
    # one of them matches when a prefiltered detector may find something (searched one by one: a
    # pattern that starts with a character class searches fast, an alternation of them does not)
    prefilters: tuple[re.Pattern, ...]
    # (min_digits, min_run, prefilter, gate, rules) per kind of detector
    groups: tuple[tuple[int, int, re.Pattern | None, Callable | None, frozenset[int]], ...]
    # match at the start of a text with min_digits digits or more, and with as many as the least
    # digit-gated group needs (possessive: no backtracking; half the cost of counting them)
    enough_digits: re.Pattern | None = None
    least_enough: re.Pattern | None = None
    # the groups that need no digits: all a text with fewer than the least is looked at by
    undigited: tuple[tuple[int, int, re.Pattern | None, Callable | None, frozenset[int]], ...] = ()

    @staticmethod
    def build(rules: Sequence, indexes: Sequence[int]) -> dict:
        """The gates of the detectors of rules ``indexes``, as plain data (see from_data)."""
        from ..detectors import DETECTORS

        grouped: dict[tuple, set[int]] = {}
        gate_of: dict[Callable, str] = {}  # a gate function -> the first detector that declares it
        for ri in indexes:
            det = DETECTORS[rules[ri].detector]
            # a prefilter regex without its characters cannot be looked for in the first search
            pf = det.prefilter or (f"[{re.escape(det.prefilter_chars)}]" if det.prefilter_chars else None)
            chars = det.prefilter_chars if det.prefilter_chars or not det.prefilter else None
            if det.gate is not None:
                gate_of.setdefault(det.gate, det.name)
            min_run = det.min_run
            if det.min_run_option is not None:
                min_run = max(min_run, det.resolved_options(rules[ri].options)[det.min_run_option])
            grouped.setdefault((det.min_digits, min_run, chars, pf, det.gate), set()).add(ri)
        keys = list(grouped)
        digits = [md for md, _mr, chars, pf, _g in keys if md and not pf]
        filtered = [(chars, pf) for _md, _mr, chars, pf, _g in keys if pf]
        # one character class first (a bitmap search); the prefilters' regexes only when it matched
        chars = "".join(sorted({c for chars, _pf in filtered for c in chars or ""}))
        return {
            "rules": sorted(indexes),
            "always": any((not md and not pf) or chars is None for md, _mr, chars, pf, _g in keys),
            "min_digits": min(digits) if digits else 0,
            "look": chars or None,
            "prefilters": sorted({pf for _c, pf in filtered}),
            "groups": [
                [md, mr, pf, gate_of[gate] if gate is not None else None, sorted(ris)]
                for (md, mr, _chars, pf, gate), ris in sorted(grouped.items(), key=lambda kv: min(kv[1]))
            ],
        }

    @classmethod
    def from_data(cls, data: dict) -> DetectorGates:
        look = data["look"]
        groups = tuple(
            (md, mr, re.compile(pf) if pf is not None else None, _Gate(gate) if gate is not None else None,
             frozenset(ris))
            for md, mr, pf, gate, ris in data["groups"]
        )
        return cls(
            rules=frozenset(data["rules"]),
            always=data["always"],
            min_digits=data["min_digits"],
            look=re.compile(f"[{re.escape(look)}]") if look is not None and len(look) > _LOOK_IN else None,
            look_in=tuple(look) if look is not None and len(look) <= _LOOK_IN else (),
            prefilters=tuple(re.compile(pf) for pf in data["prefilters"]),
            groups=groups,
            undigited=tuple(group for group in groups if not group[0]),
            enough_digits=_enough_digits(data["min_digits"]),
            least_enough=_enough_digits(min((group[0] for group in groups if group[0]), default=0)),
        )

    def idle(self, norm: Normalized) -> bool:
        """Whether no detector can find anything in this text (asked before anything else is made
        of a message); not for gates that are ``always`` open. The digits are counted only in a
        text that may hold enough of them; a prefiltered detector needs one of its characters."""
        folded = norm.folded
        if (self.enough_digits is not None and norm.digits_at_most >= self.min_digits
                and self.enough_digits.match(folded) is not None):
            return False
        if self.look_in:
            for ch in self.look_in:
                if ch in folded:
                    break
            else:
                return True
        elif self.look is None or self.look.search(folded) is None:
            return True
        for prefilter in self.prefilters:  # noqa: SIM110 (a loop: all() over a generator costs more per message)
            if prefilter.search(folded) is not None:
                return False
        return True

    def activate(self, view, active: set[int], looked: bool = False) -> None:
        """Adds the rules whose detectors may find something in this message (``looked``: the
        caller found them not ``idle`` already)."""
        folded = view.norm.folded
        if not (looked or self.always) and self.idle(view.norm):
            return
        longest = -1
        if self.least_enough is not None and self.least_enough.match(folded) is not None:
            digits = view.digit_count
            groups = self.groups
        else:  # too few digits for any digit-gated group (counted only if a run length needs them)
            digits = -1
            groups = self.undigited
        for min_digits, min_run, prefilter, gate, ris in groups:
            if min_digits and digits < min_digits:
                continue
            if min_run:
                if digits < 0:
                    digits = view.digit_count
                if digits < min_run:
                    continue  # a run's digits are digits of the text: no run is longer than their count
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


# up to this many prefilter characters are looked for one by one (see DetectorGates.look_in)
_LOOK_IN = 8


def _enough_digits(n: int) -> re.Pattern | None:
    return re.compile(f"(?:[^0-9]*+[0-9]){{{n}}}") if n else None


class _Gate:
    """The ``gate`` of the detector ``name``, looked up when it first runs: a cold start whose
    messages no detector could find anything in imports no detector."""

    __slots__ = ("fn", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.fn: Callable | None = None

    def __call__(self, view) -> bool:
        fn = self.fn
        if fn is None:
            from ..detectors import DETECTORS

            fn = self.fn = DETECTORS[self.name].gate
            assert fn is not None  # only detectors with a gate are named
        return fn(view)

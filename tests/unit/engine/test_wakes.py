"""The rules a main automaton's pattern wakes (compile._wakes), one shared set per distinct set."""
from __future__ import annotations

from kefulint import Linter
from kefulint.engine import compile as compiling


def test_a_pattern_wakes_its_rules_and_global_when_it_is_a_cue():
    cue = next(iter(compiling._CUES))
    values = [[[5], [1, 2]], [[cue], [1, 2]], [[7, cue], []], [[9], [1, 2]], [[3], []]]
    wakes = compiling._wakes(values)
    assert wakes == [frozenset({1, 2}), frozenset({1, 2, compiling.GLOBAL}), frozenset({compiling.GLOBAL}),
                     frozenset({1, 2}), frozenset()]
    assert wakes[0] is wakes[3]


def test_the_built_in_rules_wakes_as_each_pattern_says():
    linter = Linter.default()
    for name in ("main", "plain"):
        _keys, values = linter._tables.get(name) or linter._stored_part(name)
        for (uses, activates), woken in zip(values, compiling._wakes(values), strict=True):
            cued = any(u in compiling._CUES for u in uses)
            assert woken == frozenset(activates) | ({compiling.GLOBAL} if cued else set())

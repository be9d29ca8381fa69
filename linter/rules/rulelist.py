"""The rules of the on-disk rules cache (:mod:`.rulecache`), each decoded from its own line when first
read: a fresh ``kefulint check`` of a clean reply reads none of them (the compiled tables hold what
every message needs), one with findings only the rules that found something."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from .model import Rule  # the rules' type only: the model is imported when a rule is decoded


class RuleList(Sequence["Rule"]):
    """An immutable sequence of rules, equal to the tuple of the same rules. ``decode`` makes a rule
    of one line; when a line does not decode (a file corrupted since it was checked), the rules
    are taken from ``fallback`` (the rulesets resolved again), as a corrupt cache file is."""

    __slots__ = ("_decode", "_fallback", "_lines", "_rules")

    def __init__(self, lines: Sequence[bytes], decode: Callable[[bytes], Rule],
                 fallback: Callable[[], Sequence[Rule]]) -> None:
        self._lines = lines
        self._decode = decode
        self._fallback = fallback
        self._rules: list[Rule | None] = [None] * len(lines)

    def __len__(self) -> int:
        return len(self._rules)

    @overload
    def __getitem__(self, index: int) -> Rule: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Rule, ...]: ...

    def __getitem__(self, index: int | slice) -> Rule | tuple[Rule, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self._rules))))
        rule = self._rules[index]
        if rule is None:
            try:
                rule = self._decode(self._lines[index])
            except Exception:
                resolved = tuple(self._fallback())
                if len(resolved) != len(self._rules):
                    raise
                self._rules[:] = resolved
                return resolved[index]
            self._rules[index] = rule
        return rule

    def __iter__(self) -> Iterator[Rule]:
        for i in range(len(self._rules)):
            yield self[i]

    def where(self, line_test: Callable[[bytes], bool]) -> Iterator[Rule]:
        """The rules whose stored line passes ``line_test``, in order; the other lines are not
        decoded. The caller's test must keep every line of a rule it wants (a superset is fine)."""
        for i, line in enumerate(self._lines):
            if line_test(line):
                yield self[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RuleList | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"RuleList({len(self)} rules)"

    def __reduce__(self):
        return tuple, (tuple(self),)  # pickled as the plain tuple of its rules

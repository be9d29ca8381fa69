"""Long alternations of words in rule regexes, grouped by their first character before ``re``
generates code for them.

A rule regex often starts with a vocabulary spelled out as an alternation (``(@wechat_any)`` is
over a thousand words). CPython's engine tries the alternatives of a branch one after another at
every position it starts at; an alternative that starts with a character other than the text's is
skipped in a few instructions, but a thousand of them cost ~20 µs a reply. Grouped by their first
character, ``(微信|微x|薇信|vx|...)`` becomes ``(微(?:信|x)|薇信|vx|...)``: the branch is tried
against one alternative per first character, and the alternatives that could match are tried in
the order they were written, as before. The matches are the same:

- at any position only the alternatives whose first character is the text's can match, and within
  a group they keep their order, so the engine tries the same alternatives in the same order;
- only a run of alternatives that each start with a literal character is grouped: an alternative
  that starts otherwise (a class, a group, nothing) keeps its place, and no alternative moves past
  it;
- a pattern that ignores case anywhere is left as it is (``a`` and ``A`` would be two groups that
  can both match one character);
- no group is added: the new branches are not capturing, so group numbers stay.
"""
from __future__ import annotations

from re import _constants, _parser  # type: ignore[attr-defined]

_BRANCH = _constants.BRANCH
_LITERAL = _constants.LITERAL
_SUBPATTERN = _constants.SUBPATTERN
_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)
_ASSERTS = (_constants.ASSERT, _constants.ASSERT_NOT)
_IGNORECASE = _constants.SRE_FLAG_IGNORECASE

# a run of fewer alternatives that start with a literal character is left as it is
MIN_ALTERNATIVES = 8


def factor(parsed) -> bool:
    """Groups the long alternations of ``parsed`` (what ``re._parser.parse`` gives), in place;
    False (and nothing changed) for a pattern that ignores case."""
    if parsed.state.flags & _IGNORECASE or _ignores_case(parsed):
        return False
    _factor(parsed)
    return True


def _children(op, av) -> list:
    if op is _BRANCH:
        return list(av[1])
    if op is _SUBPATTERN:
        return [av[3]]
    if op in _REPEATS:
        return [av[2]]
    if op in _ASSERTS:
        return [av[1]]
    if op is _constants.ATOMIC_GROUP:
        return [av]
    if op is _constants.GROUPREF_EXISTS:
        return [sub for sub in av[1:] if sub is not None]
    return []


def _ignores_case(parsed) -> bool:
    for op, av in parsed.data:
        if op is _SUBPATTERN and (av[1] | av[2]) & _IGNORECASE:
            return True
        if any(_ignores_case(sub) for sub in _children(op, av)):
            return True
    return False


def _factor(parsed) -> None:
    for i, (op, av) in enumerate(parsed.data):
        for sub in _children(op, av):
            _factor(sub)
        if op is _BRANCH:
            parsed.data[i] = (_BRANCH, (av[0], _grouped(parsed.state, av[1])))


def _grouped(state, alternatives: list) -> list:
    """``alternatives`` with each long run of literal-first ones grouped by that literal."""
    out: list = []
    run: list = []

    def flush() -> None:
        if len(run) < MIN_ALTERNATIVES:
            out.extend(run)
        else:
            groups: dict[int, list] = {}
            for alternative in run:
                groups.setdefault(alternative.data[0][1], []).append(alternative)
            for char, members in groups.items():
                if len(members) == 1:
                    out.append(members[0])
                else:
                    rests = _grouped(state, [_parser.SubPattern(state, m.data[1:]) for m in members])
                    out.append(_parser.SubPattern(state, [(_LITERAL, char), (_BRANCH, (None, rests))]))
        run.clear()

    for alternative in alternatives:
        if alternative.data and alternative.data[0][0] is _LITERAL:
            run.append(alternative)
        else:
            flush()
            out.append(alternative)
    flush()
    return out

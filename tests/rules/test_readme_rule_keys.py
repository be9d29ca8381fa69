"""The README's table of rule keys agrees with the schema: every key the loader accepts is in it,
and each row names exactly the kinds that take its keys (KINDS, MESSAGE_KEYS)."""
from __future__ import annotations

import re
from pathlib import Path

from kefulint.rules.schema import _RULE_KEYS, CONVERSATION_KINDS, KINDS, MESSAGE_KEYS

README = Path(__file__).resolve().parents[2] / "README.md"


def _table() -> dict[str, set[str]]:
    """key -> the kinds its row names ("all" spelled out)."""
    text = README.read_text(encoding="utf-8")
    body = text[text.index("| key | kinds | meaning |"):].split("\n\n", 1)[0].splitlines()[2:]
    rows: dict[str, set[str]] = {}
    for line in body:
        keys_cell, kinds_cell = (cell.strip() for cell in line.strip("|").split("|")[:2])
        kinds = set(KINDS) if kinds_cell == "all" else {k.strip() for k in kinds_cell.split(",")}
        for key in re.findall(r"`([a-z_]+)`", keys_cell):
            assert key not in rows, f"{key} is listed twice"
            rows[key] = kinds
    return rows


def _kinds_of(key: str) -> set[str]:
    owners = {kind for kind, (_required, own) in KINDS.items() if key in own}
    if owners:
        return owners
    if key in MESSAGE_KEYS:
        return set(KINDS) - CONVERSATION_KINDS
    return set(KINDS)


def test_every_rule_key_is_in_the_readme_with_its_kinds():
    rows = _table()
    assert set(rows) == set(_RULE_KEYS)
    assert {key: kinds for key, kinds in rows.items() if kinds != _kinds_of(key)} == {}

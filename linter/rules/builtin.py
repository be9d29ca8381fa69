"""The names of the built-in rulesets (``rulesets/*.toml``), listed without loading the ruleset
schema: a scan that checks its ``--disable`` names needs no more (the schema imports every
detector and the ``regex`` module, ~5 MB)."""
from __future__ import annotations

from importlib import resources

VOCAB_FILE = "vocab"  # rulesets/vocab.toml: the shared vocabularies, not a ruleset


def builtin_names() -> list[str]:
    files = resources.files("kefulint.rulesets")
    return sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".toml") and p.name[:-5] != VOCAB_FILE)

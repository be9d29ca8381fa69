"""Candidate is a named tuple (cheap to make): the fields, defaults and immutability the frozen
dataclass it replaced had, and explain's candidates as before."""
from __future__ import annotations

import pytest
from kefulint import Candidate, Linter


def test_fields_and_defaults():
    c = Candidate(None, 1, 3, 2, 5, "加微信")
    assert (c.rule, c.cstart, c.cend, c.start, c.end, c.source) == (None, 1, 3, 2, 5, "加微信")
    assert (c.note, c.severity, c.rejected) == ("", None, "")
    assert Candidate._fields == ("rule", "cstart", "cend", "start", "end", "source", "note", "severity", "rejected")


def test_immutable_and_replaced_whole():
    c = Candidate(None, 1, 3, 2, 5, "x")
    with pytest.raises(AttributeError):
        c.rejected = "no"  # type: ignore[misc]
    r = c._replace(rejected="because")
    assert (r.rejected, c.rejected) == ("because", "")
    assert r[:6] == c[:6]


def test_explain_lists_rejected_and_confirmed_candidates():
    linter = Linter.default()
    out = linter.explain("加我微信 abc_123456，我们不会让您加微信")
    statuses = {c["status"] for c in out["candidates"]}
    assert "confirmed" in statuses
    assert all(isinstance(c["start"], int) and c["rule"] for c in out["candidates"])

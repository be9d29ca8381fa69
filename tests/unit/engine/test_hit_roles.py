"""Hit roles (issue 12): an enum, held in the tables as one int key per (rule index, role)."""
from __future__ import annotations

import pytest
from kefulint.engine.compile import GLOBAL, ROLES, SCOPE, SLOT, Role, hit_key


@pytest.mark.parametrize("ri", [GLOBAL, SCOPE, 0, 1, 97, 5000])
@pytest.mark.parametrize("role", [*Role, SLOT + 1, SLOT + 7])
def test_a_hit_key_decodes_to_its_rule_and_role(ri, role):
    assert divmod(hit_key(ri, role), ROLES) == (ri, role)


def test_roles_and_slots_fit_below_the_key_stride(linter):
    most_slots = max(len(r.frame.slots) for r in linter.rules if r.frame)
    assert max(r for r in Role if r is not Role.SLOT) < SLOT and SLOT + most_slots <= ROLES


def test_the_tables_hold_plain_ints(linter):
    for name in ("main", "plain"):
        _keys, values = linter._tables[name]
        for uses, activates in values:
            assert all(type(u) is int for u in uses)
            assert all(type(ri) is int for ri in activates)
    _keys, values = linter._tables["frame"]
    for uses, bits in values:  # a frame pattern's second item: the bits of its slots (compile._need_bits)
        assert all(type(u) is int for u in uses)
        assert type(bits) is int


def test_a_sneer_gives_way_to_the_insult_it_is_part_of(linter):
    """etiquette.sneer yields to etiquette.abuse: alone it is a banned phrase, with an insult the
    insult says it (one finding, not two categories for one rude reply)."""
    alone = [f.rule for f in linter.check("退个货磨叽一下午").findings]
    assert alone == ["etiquette.sneer"]
    with_insult = {f.category for f in linter.check("sb吧你 退个货磨叽一下午").findings}
    assert with_insult == {"etiquette.abuse"}
    # a banned phrase that does not yield stays beside the insult
    both = {f.category for f in linter.check("sb买家，爱买不买").findings}
    assert both == {"etiquette.abuse", "etiquette.banned_phrase"}

"""Rule.yields_to in a chain: a finding gives way to another category's even when that one gives
way in turn (别催 yields to an invoice refusal, which yields to the fraud it charges for), and
two findings that would give way to each other both stay."""
from kefulint import Linter, Settings


def _ruleset(tmp_path, rules: list[tuple[str, str, str, list[str]]]) -> str:
    text = '[ruleset]\nname = "t"\ndescription = "t"\n'
    for rid, category, phrase, yields in rules:
        text += (f'\n[[rule]]\nid = "{rid}"\nkind = "pattern"\ncategory = "{category}"\nseverity = "error"\npoints = 1\n'
                 f'message = "错"\nsuggestion = "好"\nreference = "t"\nphrases = ["{phrase}"]\n'
                 f'examples.bad = ["{phrase}"]\nexamples.good = ["没有"]\n')
        if yields:
            text += "yields_to = [" + ", ".join(f'"{y}"' for y in yields) + "]\n"
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _rules_fired(path: str, text: str) -> list[str]:
    linter = Linter.from_settings(Settings(rulesets=(), extra_rulesets=(path,)))
    return sorted(f.rule for f in linter.check(text).findings)


def test_a_chain_of_yields_leaves_the_last(tmp_path):
    path = _ruleset(tmp_path, [("t.rude", "etiquette.banned_phrase", "别催呀", ["invoice.refusal"]),
                               ("t.fee", "invoice.refusal", "税点另算", ["invoice.fraud"]),
                               ("t.fake", "invoice.fraud", "多开一千", [])])
    assert _rules_fired(path, "多开一千，税点另算，别催呀") == ["t.fake"]
    assert _rules_fired(path, "税点另算，别催呀") == ["t.fee"]
    assert _rules_fired(path, "别催呀") == ["t.rude"]


def test_two_that_yield_to_each_other_both_stay(tmp_path):
    path = _ruleset(tmp_path, [("t.a", "etiquette.banned_phrase", "甲乙丙", ["etiquette.abuse"]),
                               ("t.b", "etiquette.abuse", "丁戊己", ["etiquette.banned_phrase"])])
    assert _rules_fired(path, "甲乙丙，丁戊己") == ["t.a", "t.b"]


def test_one_that_yields_does_not_push_aside_one_of_its_category_that_stays(tmp_path):
    # 发票不开 你去投诉好了 随便: the dismissive 随便 is the refusal's and gives way to it; the dare
    # to complain, of the same category and overlapping it, is not and stays
    path = _ruleset(tmp_path, [("t.dismiss", "etiquette.banned_phrase", "去投诉好了", ["invoice.refusal"]),
                               ("t.dare", "etiquette.banned_phrase", "投诉好了随便", []),
                               ("t.refuse", "invoice.refusal", "发票不开", [])])
    assert _rules_fired(path, "发票不开 你去投诉好了 随便") == ["t.dare", "t.refuse"]
    # without the refusal nothing gives way: of the two overlapping, the one that starts first is the category's
    assert _rules_fired(path, "你去投诉好了 随便") == ["t.dismiss"]
    assert _rules_fired(path, "发票不开 你去投诉好了") == ["t.refuse"]

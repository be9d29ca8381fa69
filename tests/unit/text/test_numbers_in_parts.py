"""Numbers written in parts: three labelled parts, groups of three Chinese numerals, and a label
word that belongs to another clause."""
from __future__ import annotations

import pytest
from kefulint import Linter, Settings
from kefulint.text.normalize import Normalized
from kefulint.text.numruns import number_runs


@pytest.fixture(scope="module")
def linter():
    return Linter.from_settings(Settings())


def digits(text: str) -> set[str]:
    return {r.digits for r in number_runs(Normalized(text).folded)}


def test_three_labelled_parts_are_joined():
    assert "13527086149" in digits("他手机是135开头，中间2708，尾号6149，您直接打过去")


def test_groups_of_three_chinese_numerals_cut_by_stops():
    assert "15826740931" in digits("电话：一五八、二六七四、〇九三一")
    assert "158" not in digits("第一五八页")  # a lone group of three stays a word


def test_a_voice_inputs_sound_alike_is_a_digit_only_inside_a_run():
    assert "13047283905" in digits("号码是一三零 死七二八 三九零五")
    assert "13047283905" in digits("号码是一三零 四七二八 三九零五")
    assert not digits("一衣多穿，三件套")  # before a word, not a numeral
    assert not digits("不要死记硬背")
    assert Normalized("四五六七死").folded == "4567死"  # never at a run's end
    # sound-alikes in a row, or before a space, still lead to a numeral (久久 二 = 99 2)
    assert "13806699211" in digits("打我电话 幺三八 灵六六 久久 二幺幺")
    assert "15802299643" in digits("手机 一五八 零二二 酒酒 六四三")
    assert Normalized("一二三四 久久").folded == "1234 久久"  # not before a numeral: left as written
    assert not digits("三天 久等了")


def test_parts_and_other_clause_labels_reach_the_phone_rule(linter):
    cats = lambda t: {f.category for f in linter.check(t).findings}
    assert "contact.phone" in cats("他手机是135开头，中间2708，尾号6149，您直接打过去")
    assert "contact.phone" in cats("尾号9527那个是我，全号一八九二零一三九五二七，下午都能接")
    assert "contact.phone" not in cats("订单号135开头，中间2708，尾号6149")
    assert "contact.phone" not in cats("您手机尾号6149对吗")


def test_a_space_between_two_chinese_words_ends_a_negations_clause(linter):
    cats = lambda t: {f.category for f in linter.check(t).findings}
    assert "offplatform.payment" in cats("信用卡不行 你直接支付宝转我")
    assert "offplatform.payment" not in cats("不能支付宝转账哦，请在平台下单")


def test_an_exclusion_word_across_a_spoken_comma_excludes_nothing(linter):
    # 快递单 belongs to "that number on the parcel is wrong"; the space ends its clause, as a comma would
    cats = lambda t: {f.category for f in linter.check(t).findings}
    assert "contact.phone" in cats("快递单上那个号不对 打我的 ①③⑧ ⑤②⑨⑦ ④⑥⑥① 找刘姐")
    assert "contact.phone" not in cats("快递单上那个号 ①③⑧ ⑤②⑨⑦ ④⑥⑥① 是快递员的")


def test_a_warning_next_to_an_error_of_its_category_is_one_finding(linter):
    found = [f.rule for f in linter.check("加我微信 abc_123").findings]
    assert found == ["contact.wechat-id"]
    two = [f.rule for f in linter.check("手机13800138000或13912345678").findings]
    assert len(two) == 2  # two numbers of one rule side by side stay two


def test_the_channel_labels_a_first_part_and_later_parts_follow_it():
    """我手机是188 … 后头是5302 再后头4716: the phone word labels the first part, 后头 the later ones."""
    assert "18853024716" in digits("我手机是188 你先记一下 后头是5302 再后头4716 打不通就发短信")
    assert "1885302" not in digits("库存188件，后头5302件在路上")  # no channel word, no first label


def test_a_numeral_before_a_counting_unit_ends_a_number(linter):
    """13958762210 二十四小时开机: 二 counts hours (二十四), it is no twelfth digit of the phone number."""
    text = "有问题直接打我电话 13958762210 二十四小时开机"
    assert "13958762210" in digits(text)
    assert "contact.phone" in {f.category for f in linter.check(text).findings}


def test_a_three_numeral_first_part_joins_the_parts_after_a_label(linter):
    for text in ("有的，您记一下：一三八，后面是零六七二，再后面五五一九。",
                 "我手机是一八八 你先记一下 后头是五三零二 再后头四七一六"):
        assert "contact.phone" in {f.category for f in linter.check(text).findings}, text
    assert not linter.check("第一三八页，后面是第二百页").findings or "contact.phone" not in {
        f.category for f in linter.check("第一三八页，后面是第二百页").findings}


def test_radio_numerals_continue_a_run_but_never_start_one():
    assert "13702958617" in digits("幺三拐洞两勾五八六一拐，急事打这个")  # 勾 is 9 as 拐 is 7
    assert not digits("请打勾，三勾就行")
    assert not digits("勾三股四弦五")  # a run of three numerals stays words


def test_the_tail_said_first_with_its_length():
    assert "13939176250" in digits("我手机后八位 3917 6250，前面是139")
    assert "13939176250" in digits("后几位是3917 6250，前面是139")


def test_a_long_first_group_after_a_phone_word_chains_with_the_next():
    assert "13902864471" in digits("电话幺三九零二八六，四四七一，白天都能打")
    assert "13902864471" not in digits("订单1390286，4471件")  # no phone word: groups of 3-4 only


@pytest.mark.parametrize("text", ["微❤：bei ling 二零一八（全小写连着打）", "vx: xiao mei 1988", "微信号是 tao zi ya 2020", "v 信：r g _ 8 8 6 2"])
def test_a_labelled_wechat_id_in_spaced_pieces_is_an_id(linter, text):
    assert "contact.wechat-id" in [f.rule for f in linter.check(text).findings]


@pytest.mark.parametrize("text", ["wx zhuan zhang ye xing de, kuai yi dian", "wei xin zhuan zhang ye xing，我把收款码发你",
                                  "微信：ok", "vx: add me"])
def test_pinyin_words_after_the_keyword_or_a_short_word_are_no_spaced_id(linter, text):
    assert "contact.wechat-id" not in [f.rule for f in linter.check(text).findings]


def test_a_three_numeral_first_part_before_a_middle_and_a_last_part():
    """前三位是一三七，中间是四八二六，最后零五九三: the labels 中间 / 最后 bring in the next parts, so the
    first group of three numerals is part of the number, as before 后面是."""
    assert "13748260593" in digits("号码前三位是一三七，中间是四八二六，最后零五九三，报您名字就行")
    assert "13748260593" in digits("号码开头一三七，中间四八二六，尾号零五九三")
    assert "137" not in digits("第一三七页，中间是插图")  # no next part: a group of three stays a word


def test_a_third_part_brought_in_after_groups_cut_by_stops():
    """159，2738。后面是6041: two groups chained by a stop, then a third brought in by 后面是."""
    assert "15927386041" in digits("159，2738。后面是6041。晚上八点以后打")
    assert "15927386041" in digits("一五九，二七三八。后面是六零四一。晚上八点以后打")


def test_a_sound_alike_counts_in_a_group_of_three():
    """腰 (for 幺) starts 腰三五: with it the group has three numerals, and the groups cut by commas are
    one number; 衣 before digits stays a word (冲锋衣100%)."""
    assert "13577082941" in digits("有急事打我手机，腰三五，七七零八，二九四一")
    assert "1100" not in digits("这款冲锋衣100%防水")


def test_a_group_may_start_with_the_radio_zero_seven_or_nine():
    # 洞 / 拐 / 勾 (0, 7, 9) start a group before two numerals; alone they stay words
    assert "13822570946" in digits("幺三八，两两五七，洞九四六，有事打这个")
    assert "13872560946" in digits("一三八，拐二五六，洞九四六")
    assert not digits("山洞三个，拐弯两次，打勾")
    assert Normalized("山洞里").folded == "山洞里"

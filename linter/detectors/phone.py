"""Phone numbers: mainland mobiles (real prefixes, incl. 19x and virtual operators), landlines
with an area code, and 400/800 hotlines."""
from __future__ import annotations

import re

from . import Detector, Hit
from ._util import MIN_NUMBER_DIGITS, folded_words, keyword_near_run

# Mobile and data-card numbers that take calls and texts; prefix table after
# VincentSit/ChinaMobilePhoneNumberRegex (MIT). 13-digit IoT numbers are not phones.
MOBILE = re.compile(
    r"1(?:3\d{3}|5[0-35-9]\d{2}|8\d{3}|7(?:[0-35-9]\d{2}|4(?:0\d|1[0-2]|9\d))"
    r"|9[0-35-9]\d{2}|6[2567]\d{2}|4[579]\d{2})\d{6}"
)
LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}")
HOTLINE = re.compile(r"[48]00[1-9]\d{6}")
_AREA = re.compile(r"0(?:10|2\d|[3-9]\d{2})$")


def _national(digits: str) -> str:
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    if len(digits) == 15 and digits.startswith("0086"):
        return digits[4:]
    return digits


def mobile_number(digits: str) -> str | None:
    """The national number of ``digits`` (a leading 86 or 0086 dropped) if it is a mobile's, or None."""
    national = _national(digits)
    return national if len(national) == 11 and MOBILE.fullmatch(national) else None


def find_mobile(view, options, keywords):
    for run in view.number_runs:
        if run.letter_before or run.letter_after:
            continue
        digits = mobile_number(run.digits)
        if digits:
            yield Hit(run.start, run.end, f"手机号段 {digits[:3]}")


def area_code_apart(view, run) -> str | None:
    """The area code of a run written as a landline, the code set apart (0755-2368 1190), or None:
    what no account number looks like."""
    digits = run.digits
    if not (10 <= len(digits) <= 12 and LANDLINE.fullmatch(digits)):
        return None
    return _area_group(view, run)


def _area_group(view, run) -> str | None:
    """area_code_apart of a run whose digits are a landline's."""
    return area_code_set_apart(view.folded[run.start : run.end], run.digits)


def area_code_set_apart(written: str, digits: str) -> str | None:
    """The area code of a landline's ``digits`` as ``written`` with a separator after the code
    (0755-2368 1190), or None (07552368 1190: no code set apart)."""
    first_group = re.split(r"\D+", written)[0]
    return first_group if _AREA.match(first_group) and first_group != digits else None


def find_landline(view, options, keywords):
    for run in view.number_runs:
        if run.letter_before or run.letter_after:
            continue
        digits = run.digits
        if not (10 <= len(digits) <= 12 and LANDLINE.fullmatch(digits)):
            continue
        first_group = _area_group(view, run)
        if first_group:
            yield Hit(run.start, run.end, f"区号 {first_group} 后有分隔")
        elif keyword_near_run(view, run, options["keywords_compact"], options["window"], 0):
            yield Hit(run.start, run.end, "电话关键词在前")


def find_hotline(view, options, keywords):
    for run in view.number_runs:
        if not (run.letter_before or run.letter_after) and HOTLINE.fullmatch(run.digits):
            yield Hit(run.start, run.end, f"{run.digits[:3]} 热线")


DETECTORS = (
    Detector("mobile", "中国大陆手机号（真实号段，含19x与虚拟运营商）", find_mobile, min_digits=MIN_NUMBER_DIGITS, min_run=11),
    Detector(
        "landline",
        "带区号的座机号（区号后有分隔，或前有电话关键词）",
        find_landline,
        options={"keywords": (list, []), "window": (int, 8)},
        min_digits=MIN_NUMBER_DIGITS,
        prepare=folded_words,
        min_run=10,
    ),
    Detector("hotline", "400/800 热线", find_hotline, min_digits=MIN_NUMBER_DIGITS, min_run=10),
)

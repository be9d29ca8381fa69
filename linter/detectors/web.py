"""Links and e-mail addresses, including full-width and spelled-out forms (艾特, 点com)."""
from __future__ import annotations

import re
import string

from ..finding import Severity
from ..text.compiled import compiled
from ..text.domains import MAIL_HOSTS, MAIL_PROVIDERS, TLD_PATTERN
from . import Detector, Hit

_DOT = r"(?:\s*(?:\.|点|dot)\s*)"
URL = compiled(
    rf"(?:(?:https?|ftp)\s*:\s*//\s*)?(?<![a-z0-9@#._-])(?:[a-z0-9](?:[a-z0-9-]{{0,62}})\.){{0,8}}[a-z0-9][a-z0-9-]{{0,62}}"
    rf"(?:\.|点){TLD_PATTERN}(?![a-z0-9])(?::\d{{2,5}})?(?:/[^\s，。！？）)】」\"“”<>]*)?"
)
EMAIL = compiled(
    rf"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{{0,63}}\s*(?:@|艾特|\s+at\s+|\s+在\s+|\(at\)|\[at\])\s*"
    rf"[a-z0-9][a-z0-9-]{{0,62}}(?:{_DOT}[a-z0-9-]{{1,62}}){{0,6}}{_DOT}{TLD_PATTERN}(?![a-z0-9])"
)

# an address whose host is a mail provider named without its top-level domain (lily2020@163, abc@qq)
EMAIL_PROVIDER = compiled(
    r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{0,63}\s*(?:@|艾特|\(at\)|\[at\])\s*"
    r"(?:qq|163|126|139|188|yeah|gmail|foxmail|hotmail|outlook|sina|sohu|aliyun|icloud|yahoo)(?![a-z0-9]|\s*(?:\.|点|dot))"
)

# The gate of both: a dot (or 点) before a top-level domain, ://, www, @, 艾特 or " at "; the
# prefilters say what a link (a dot or 点 right before letters) and an address (@, 艾特, at) cannot
# do without.
_LINKISH = re.compile(rf"[.点]\s*{TLD_PATTERN}(?![a-z])|://|www|w w w|@|艾特|[\s(\[]at[\s)\]]|[.点]\s*[a-z](?:\s+[a-z]){{1,3}}(?![a-z])")


def linkish(view) -> bool:
    return _LINKISH.search(view.folded) is not None


_SPACES = compiled(r"\s+")
_SCHEME = compiled(r"^(?:https?|ftp)://")
_PATH = compiled(r"[/:?#]")
_AT = compiled(r"@|艾特|\(at\)|\[at\]|\s+at\s+")
_LETTER = compiled(r"[a-z]")
_AT_AFTER = compiled(r"\s*(?:@|艾特|\(at\)|\[at\]|\s+at\s+|\s+在\s+(?=[a-z0-9]))")
_LOCAL_REST = compiled(r"[a-z0-9._%+\-]*")
# or the words that join a mail provider to it: "petlove.shop.cs 后面加 gmail 点 com"
_PROVIDER_AFTER = compiled(
    r"[ \t]*[，,、]?[ \t]*(?:后面|后缀)(?:加|接|跟|是)?个?[ \t]*(?:at[ \t]+|@|艾特)?[ \t]*(?:"
    + "|".join(sorted((re.escape(p) for p in MAIL_PROVIDERS), key=len, reverse=True)) + ")"
)
# the host of an e-mail address whose @ is spelled out (shopkf圈a163点com): the e-mail rule's
_AT_BEFORE = compiled(r"(?:圈a|圈圈a|小老鼠|艾特|爱特|at|\(at\)|\[at\]|@|[a-z0-9]\s+在)\s*$")
# a mail provider's host right after the words that introduce an address's second half
_MAIL_CUE_BEFORE = compiled(r"(?:邮箱|后缀|后面加|后面接|后面是|加上|mail)[^，。！？\n]{0,8}$")




def host_of(url: str) -> str:
    url = _SPACES.sub("", url).replace("点", ".")
    url = _SCHEME.sub("", url)
    return _PATH.split(url, maxsplit=1)[0]


def domain_allowed(host: str, domains) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


# the spaces of a spelled-out link (w w w 点 shop 点 c o m, t . cn / 8Kx2Qa): a space between two of a
# link's characters where one side is a separator or a single character; "kefu at qq点com" keeps its
# spaces (a word on each side)
_LINK_SPACE = compiled(r"(?<=[a-z0-9./:点-])\s+(?=[a-z0-9./:点-])")
_SEPARATOR = frozenset("./:点")
_LINK_CHAR = frozenset(string.ascii_lowercase + string.digits + "-")


def _single(folded: str, i: int, step: int) -> bool:
    """Whether the character at i is a separator or a token of one character (looking away from the space)."""
    if folded[i] in _SEPARATOR:
        return True
    j = i + step
    return not (0 <= j < len(folded) and folded[j] in _LINK_CHAR)


def _despaced(folded: str) -> tuple[str, list[int]] | None:
    """The text without the spaces inside spelled-out links and where each of its characters was;
    None when it has none."""
    drop: set[int] = set()
    for m in _LINK_SPACE.finditer(folded):
        if _single(folded, m.start() - 1, -1) or _single(folded, m.end(), 1):
            drop.update(range(m.start(), m.end()))
    if not drop:
        return None
    where = [i for i in range(len(folded)) if i not in drop]
    return "".join(folded[i] for i in where), where


def find_url(view, options, keywords):
    found = False
    for hit in _find_url(view, options, view.folded, None):
        found = True
        yield hit
    if not found and _LINK_SPACE.search(view.folded):
        spelled = _despaced(view.folded)
        if spelled:
            yield from _find_url(view, options, *spelled)


def _find_url(view, options, folded: str, where: list[int] | None):
    """Links in ``folded`` (the text, or the text without a spelled-out link's spaces: ``where``
    maps its characters back)."""
    allowed = tuple(view.platform.domains) + tuple(options["allow"]) + tuple(view.platform.extra_domains)
    for m in URL.finditer(folded):
        text = m.group()
        tail = _LOCAL_REST.match(folded, m.end())  # petlove.shop|.cs@…: the name goes on past the host
        rest = tail.end() if tail else m.end()
        if folded.startswith("@", rest) or _AT_AFTER.match(folded, rest) or _PROVIDER_AFTER.match(folded, rest):
            continue  # the local part of an e-mail address (xiaomei.shop@163.com)
        if _AT_BEFORE.search(folded, max(0, m.start() - 6), m.start()) or (
            text.startswith("a") and folded[m.start() - 1 : m.start()] == "圈"
        ):
            continue  # the host of an e-mail address with its @ spelled out
        # a bare "name.com" needs letters in its name; "1.5cm" or "3.cn" style numbers are not links
        if "://" not in text and not text.startswith("www") and not _LETTER.search(text.split(".")[0]):
            continue
        host = host_of(text)
        if domain_allowed(host, allowed):
            continue
        if host in MAIL_HOSTS and "://" not in text and not text.startswith("www") and (
            host == _SPACES.sub("", text).replace("点", ".").split(":")[0]
            or _MAIL_CUE_BEFORE.search(folded, max(0, m.start() - 12), m.start())
        ):
            continue  # an e-mail provider named alone (后缀 163.com, Q号后面加qq点com), not a link
        start, end = (m.start(), m.end()) if where is None else (where[m.start()], where[m.end() - 1] + 1)
        if domain_allowed(host, options["neutral"]):
            yield Hit(start, end, f"第三方官网 {host}", Severity.WARNING)
        else:
            yield Hit(start, end, f"站外域名 {host}")


def find_email(view, options, keywords):
    for m in EMAIL.finditer(view.folded):
        host = host_of(_AT.split(m.group(), maxsplit=1)[-1])
        if domain_allowed(host, options["allow"]) or domain_allowed(host, view.platform.extra_domains):
            continue
        yield Hit(m.start(), m.end(), f"邮箱 @{host}")
    if "@" in view.folded or "艾特" in view.folded or "(at)" in view.folded or "[at]" in view.folded:
        for m in EMAIL_PROVIDER.finditer(view.folded):
            host = _AT.split(m.group(), maxsplit=1)[-1].strip() + ".com"
            if not domain_allowed(host, options["allow"]):
                yield Hit(m.start(), m.end(), f"邮箱 @{host}")


DETECTORS = (
    Detector(
        "url",
        "站外链接：平台自有域名（按 platform 设置）与白名单之外的网址",
        find_url,
        options={"allow": (list, []), "neutral": (list, [])},
        prefilter_chars=".点",
        prefilter=r"[.点]\s*[a-z]",  # a link's dot (or 点) comes before its top-level domain (spaces: a spelled-out link)
        gate=linkish,
    ),
    Detector("email", "电子邮箱（含全角＠、艾特、点com 等写法）", find_email, options={"allow": (list, [])},
              prefilter_chars="@艾a", prefilter="@|艾|at", gate=linkish),
)

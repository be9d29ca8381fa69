"""What an opening and a closing turn say, by intent: a greeting or a welcome, an offer of help
(有什么问题我可以帮您处理或解决呢 / 请问有什么可以帮您), thanks and good wishes, an offer of further help
(请问还有其他还可以帮到您的吗), a request to rate the service. A vocabulary (the words a turn may say
alone: the ``expect`` of the greeting and farewell rules, rulesets/service.toml) crossed with the
few frames below, so that the standard lines of Taobao, Tmall and JD shops and their paraphrases
all count, not only the phrases someone listed.

Patterns run on the compact search form (folded, no spaces or punctuation)."""
from __future__ import annotations

import re
from collections.abc import Iterable

_HELP = "(?:帮|为您|为你|效劳|服务|处理|解决|咨询|协助)"
# frames: a question word or an offer, then within a few characters what is offered
OPENER_FRAMES = (
    rf"(?:有什么|有啥|什么|哪些|啥)(?:问题|需要|事|可以|能|我).{{0,10}}?{_HELP}",  # 有什么问题我可以帮您处理
    rf"(?:有什么|有啥|什么)(?:可以|能).{{0,4}}{_HELP}",  # 请问有什么可以帮您
    r"(?:请问|麻烦)您?(?:是|有|遇到|要|想)(?:咨询|什么|啥|哪)",  # 请问您是咨询…
    r"描述.{0,4}问题",  # 您方便简单描述下您的问题吗
)
CLOSER_FRAMES = (
    rf"还有(?:其他|别的|什么|啥|其它)?.{{0,10}}?(?:{_HELP}|问题|需要|疑问)",  # 请问还有其他还可以帮到您的吗
    r"(?:其他|别的|其它)(?:问题|需要|疑问).{0,6}(?:吗|么|呢|随时|联系|咨询)",
    r"随时(?:联系|咨询|找|提问|留言|为您|来问)",  # 有问题随时联系我们
    r"有(?:问题|需要|疑问).{0,6}(?:再|随时|可以|欢迎).{0,6}(?:联系|咨询|找|留言|提问|来)",
)


def intent_patterns(words: Iterable[str], frames: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """What says the intent: any word (already in compact form) or any frame, as patterns of which
    any one may match. The words and the frames are two patterns: two searches take ~40% less than
    one of their union, whose every alternative is tried at every position."""
    parts = ["|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w), "|".join(frames)]
    return tuple(re.compile(part) for part in parts if part) or (re.compile(""),)

"""A guard around an LLM reply function: check every reply before it is sent.

For each reply the model drafts, kefulint decides:

* ``send``    - nothing at or above fail-on: send as drafted;
* ``rewrite`` - blocked, but kefulint has a fix (``suggested_text``: the clause or sentence that
  breaks a rule replaced by the standard wording, linted again and clean): send that instead.
  A draft with contact data is never "rewritten" (the model meant to hand out a number, so the
  answer it was writing is lost anyway): it goes to ``retry``, as does one that
  ``needs_rewrite`` (no fix leaves it clean);
* ``retry``   - otherwise ask the model once more, telling it which rules it broke;
* ``block``   - still not clean: send a safe hand-off line and leave it to a person.

Every decision is logged with the rule ids, points and MASKED matches, never the reply itself,
so the log does not re-leak a phone number the guard just caught.

Run it as a script to watch it work on a fake model:  ``python samples/llm_guard.py``
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kefulint import Linter, Result

log = logging.getLogger("kefulint.guard")

# a reply function: the buyer's turns so far (oldest first) and optional feedback -> draft reply
ReplyFn = Callable[[Sequence[str], str], str]

HANDOFF = "亲，这个问题我帮您转接人工客服，请稍等哦"


@dataclass(frozen=True)
class Decision:
    action: str  # send | rewrite | retry-send | retry-rewrite | block
    text: str  # what goes to the buyer
    result: Result  # the check of the last draft


def _reason(result: Result) -> str:
    return "; ".join(f"{f.rule} {f.points}分 「{f.masked_match}」" for f in result.findings)


def _feedback(result: Result) -> str:
    """What the model is told on retry: the rules' messages, not the offending text."""
    lines = sorted({f"- {f.message}（建议：{f.suggestion}）" for f in result.findings})
    return "上一版回复违反了平台规则，请重写，不要包含以下内容：\n" + "\n".join(lines)


class ReplyGuard:
    """Wraps a reply function; ``guard(buyer_turns)`` returns the :class:`Decision`.

    One Linter is built once and shared: it is immutable and thread-safe, so one guard can
    serve every conversation of a bot from many threads.
    """

    def __init__(self, reply_fn: ReplyFn, linter: Linter | None = None, retries: int = 1,
                 handoff: str = HANDOFF) -> None:
        self.reply_fn = reply_fn
        self.linter = linter or Linter.default()
        self.retries = retries
        self.handoff = handoff

    def _try_fix(self, result: Result, context: Sequence[str]) -> str | None:
        """The text to send, or None when the draft cannot go out."""
        if not result.blocked:
            return result.text
        # a model that hands out a number meant to help off the platform: ask it again
        if result.needs_rewrite or any(f.sensitive for f in result.findings):
            return None
        fixed = result.suggested_text
        if fixed != result.text and not self.linter.check(fixed, context=context).findings:
            return fixed
        return None

    def __call__(self, buyer_turns: Sequence[str]) -> Decision:
        feedback = ""
        for attempt in range(self.retries + 1):
            draft = self.reply_fn(buyer_turns, feedback)
            result = self.linter.check(draft, context=buyer_turns)
            text = self._try_fix(result, buyer_turns)
            prefix = "retry-" if attempt else ""
            if text is not None:
                action = prefix + ("send" if text == draft else "rewrite")
                if result.findings:
                    log.warning("%s: %d points: %s", action, result.points, _reason(result))
                return Decision(action, text, result)
            log.warning("draft %d blocked: %d points: %s", attempt + 1, result.points, _reason(result))
            feedback = _feedback(result)
        log.error("block: handed off to a person after %d drafts", self.retries + 1)
        return Decision("block", self.handoff, result)


# --- a fake model, so the script runs anywhere -----------------------------------------------

_CANNED = {
    "什么时候发货": ["亲，今天下午五点前付款的订单当天就能发出哦"],
    "能便宜点吗": ["加我微信 shop_vip88 给您发内部优惠券", "亲，店铺首页可以领满减券哦，下单自动抵扣"],
    "怎么联系你们": ["有问题直接打我电话13800138000"],
    "到底什么时候到": ["你问我，我问谁？", "你问我，我问谁？"],
    "线下交易可以吗": ["可以的，您转账到我支付宝就行，不走平台", "可以的，您转账到我支付宝就行，不走平台"],
}


def fake_llm(buyer_turns: Sequence[str], feedback: str = "") -> str:
    """Answers the last buyer turn from a script; on feedback it gives its second answer."""
    answers = _CANNED.get(buyer_turns[-1], ["亲，请问还有什么可以帮您？"])
    return answers[1] if feedback and len(answers) > 1 else answers[0]


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    guard = ReplyGuard(fake_llm)
    for question in _CANNED:
        decision = guard([question])
        print(f"买家：{question}\n  -> {decision.action}: {decision.text}")


if __name__ == "__main__":
    main()

"""``kefulint check``: lint replies before they are sent."""
from __future__ import annotations

import click

from ..check_run import run_check
from ..options import SEVERITY_CHOICE, linter_options


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--text", "texts", multiple=True, metavar="TEXT",
              help="A reply to check, never read as a file name (repeatable). 直接给出回复文本")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="Output format. 输出格式")
@click.option("--context", "context", multiple=True,
              help="A buyer turn before the reply (repeatable, oldest first). 买家上文")
@click.option("--show-matches", is_flag=True, help="Print contact data unmasked. 显示未打码的联系方式")
@click.option("--fail-on", type=SEVERITY_CHOICE, default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity. 失败阈值")
@click.option("--explain", is_flag=True, help="Show search forms, tokens and every candidate. 解释判定过程")
@click.option("--model", "model", is_flag=True, default=None,
              help="Add the review model's model.<category> findings (info, 0 points). 模型复核提示")
@linter_options
def check(inputs, texts, fmt, context, show_matches, fail_on, explain, model, config_path, rulesets, disable, platform):
    """Check replies: TEXT, FILE (.txt one per line, .jsonl with id/text/context) or - for stdin.

    检查回复：直接给文本，或文件（.txt 每行一条，.jsonl 含 id/text/context），- 表示标准输入。
    An argument that looks like a path but names no file, a directory, or a compressed or binary
    file (.gz, .xlsx) stops with exit 2.

    \b
    kefulint check "亲，加我微信 abc_123"
    kefulint check --context "有QQ吗" "有，5738201946"
    kefulint check --format json drafts.txt
    kefulint check --text "drafts.txt"        # a reply that looks like a file name
    """
    run_check(inputs, texts, fmt, context, show_matches, fail_on, explain, model, config_path, rulesets, disable,
              platform)

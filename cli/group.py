"""The ``kefulint`` click group. Subcommands are imported only when run, so that
``kefulint check "..."`` starts fast (and a plain one starts without click: see main.py)."""
from __future__ import annotations

import importlib
import importlib.util

import click
from kefulint import __version__

# name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("kefulint.cli.commands.check", "check", "Check replies before sending. 检查待发送的回复。"),
    "rules": ("kefulint.cli.commands.rules", "rules", "List rulesets and rules. 列出规则。"),
    "eval": ("kefulint.cli.commands.eval", "eval_cmd", "Precision/recall on a labelled set. 评测准确率与召回率。"),
    "scan": ("kefulint.cli.commands.scan", "scan", "Scan exported chat logs, points per agent. 质检聊天记录。"),
    "lint": ("kefulint.cli.commands.lint", "lint", "Lint reply-template files (CI). 检查快捷短语/模板库。"),
    "baseline": ("kefulint.cli.commands.lint", "baseline", "Write a baseline of current findings. 生成基线。"),
    "init": ("kefulint.cli.commands.lint", "init", "Write a starter kefulint.toml. 生成配置文件。"),
    "serve": ("kefulint.cli.commands.serve", "serve", "Local HTTP service and draft page. 本地服务与检查页面。"),
    "train": ("kefulint.cli.commands.train", "train", "Train the review model (dev extra). 训练复核模型。"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _, _) in COMMANDS.items() if importlib.util.find_spec(module)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                return None
            raise

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from kefulint.errors import nearest

            ctx.fail(f"no such command '{name}'{nearest(name, self.list_commands(ctx))}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kefulint")
def cli() -> None:
    """kefulint — compliance linter for customer-service replies.

    客服话术合规检查：联系方式、站外交易、发票、服务禁语、好评返现、广告法极限词……

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or config error.
    """

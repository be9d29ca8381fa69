"""The ``kefulint`` command: the click group of group.py, or, for a plain ``kefulint check TEXT...``
(no option, no ``-``), the same check run without importing click (~15 ms of a cold start)."""
from __future__ import annotations

import os
import sys


def plain_check(args: list[str]) -> bool:
    """Whether ``args`` are ``check`` and replies or files only: what click would parse into inputs
    with every option at its default."""
    return len(args) > 1 and args[0] == "check" and not any(a.startswith("-") for a in args[1:])


def main() -> None:
    args = sys.argv[1:]
    if plain_check(args):
        import gc

        # start-up makes ~100,000 objects (modules, the rules' tables) and no garbage cycle: no
        # collection until the Linter is built (build_linter freezes them and turns collection on)
        gc.disable()
        from .check_run import run_check

        try:
            run_check(tuple(args[1:]))
        except (EOFError, KeyboardInterrupt):  # as click's main: "Aborted!" and exit 1
            sys.stderr.write("\nAborted!\n")
            sys.exit(1)
        except BrokenPipeError:  # as click's main: output to a closed pipe ends quietly with 1
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
            sys.exit(1)
    from .group import cli

    cli(prog_name="kefulint")


def __getattr__(name: str):
    if name == "cli":  # the click group, for ``from kefulint.cli.main import cli``
        from .group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main()

"""``kefulint train``: fit the review model and write its weights file (needs the ``dev`` extra)."""
from __future__ import annotations

import hashlib
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..common import ExitCode, fail


def _default_output() -> Path:
    import kefulint

    return Path(kefulint.__file__).resolve().parent / "data" / "model.tsv"


@click.command("train")
@click.option("--shared", "shared", type=click.Path(file_okay=False), default="../shared", show_default=True,
              help="The shared data folder: eval/dev*.jsonl and data/jddc_agent_utterances/. 共享数据目录")
@click.option("--extra", "extra", multiple=True, type=click.Path(dir_okay=False),
              default=("tests/data/extra_labelled.jsonl",), show_default=True,
              help="More labelled JSONL (repeatable). 额外标注数据")
@click.option("--tune-only", "tune_only", multiple=True, type=click.Path(dir_okay=False),
              default=None, show_default="benchmarks/data/writers/author*.jsonl",
              help="More labelled JSONL of which only the tune part is read (repeatable; default: the "
                   "writers' sets, never their final/ ones). 只读调优部分的标注数据")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="Weights file to write (default: the package's data/model.tsv). 输出文件")
@click.option("--seed", type=int, default=None, help="Seed of the fold split (default: the shipped one).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 unless the result is byte-identical to --output. 只校验可复现")
def train(shared, extra, tune_only, output, seed, check_only):
    """Train the review model from the labelled sets and the real JD replies, and write the
    weights the runtime reads (no scikit-learn needed there). Run from the project root.

    训练复核模型：标注数据为正例与对照，京东真实客服回复为负例；同样的数据得到逐字节相同的文件。

    \b
    kefulint train                  # writes linter/data/model.tsv in a source checkout
    kefulint train --check          # retrain and compare with the shipped file
    """
    try:
        from kefulint.model import training
    except ImportError as exc:  # pragma: no cover - only without the dev extra
        fail(f"training needs scikit-learn (pip install -e '.[dev]'): {exc}")
    try:
        import sklearn
    except ImportError:
        fail("training needs scikit-learn: pip install -e '.[dev]'")
    from kefulint.errors import ModelError
    from kefulint.rules.resolve import resolve_rules
    from kefulint.settings import Settings

    options = training.TrainOptions()
    if seed is not None:
        options = replace(options, seed=seed)
    try:
        writers = tune_only or training.writers_sets()
        if not writers:
            raise ModelError([f"no {training.WRITERS}/author*.jsonl"])
        labelled, real, provenance = training.shipped_data(shared, extra, resolve_rules(Settings()), writers)
    except ModelError as exc:
        fail("cannot read the training data (run from the project root, with the shared folder beside it):\n  "
             + "\n  ".join(exc.errors))
    provenance["scikit-learn"] = sklearn.__version__
    click.echo(f"kefulint: training on {len(labelled):,} labelled samples and {len(real):,} real replies ...",
               err=True)
    trained = training.train(labelled, real, options, provenance)
    data = trained.text.encode("utf-8")
    target = Path(output) if output else _default_output()
    digest = hashlib.sha256(data).hexdigest()[:16]
    click.echo(f"kefulint: {len(trained.model.categories)} categories, {len(trained.model.table):,} n-grams, "
               f"{len(data) / 1e6:.2f} MB, sha256 {digest}; real replies flagged out of fold "
               f"{trained.oof_share:.2%} (target <= {options.real_share:.2%})", err=True)
    if check_only:
        same = target.is_file() and target.read_bytes() == data
        click.echo(f"kefulint: {target.name} is {'byte-identical' if same else 'DIFFERENT'}", err=True)
        sys.exit(ExitCode.CLEAN if same else ExitCode.FINDINGS)
    from kefulint.atomicfile import write_atomic

    write_atomic(target, data)
    click.echo(f"kefulint: wrote {target.name}", err=True)
    sys.exit(ExitCode.CLEAN)

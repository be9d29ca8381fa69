"""``kefulint scan`` on Spark, for logs that outgrow one machine.

    pip install 'kefulint[spark]'            # pyspark, pandas, pyarrow; Java 17 on the machine
    python samples/spark_scan.py LOG... OUTDIR [--input-format jsonl|jddc] [--platform jd] [--show-matches]
    spark-submit --master yarn samples/spark_scan.py hdfs:///logs/2024-11/*.jsonl.gz hdfs:///qa/2024-11

Reads UTF-8 JSONL or JDDC TSV logs (convert GB18030 exports first, or use ``kefulint scan``),
parses every line with the same parser as ``kefulint scan``, groups messages by conversation
and judges each conversation with the same compiled rules (``applyInPandas`` over a pickled
``ConversationJudge``), then writes:

- ``OUTDIR/findings/``: one JSON object per finding, the same records as ``kefulint scan -o``;
- ``OUTDIR/agents/``: per-agent totals (points, findings, fatal, turns);
- ``OUTDIR/skipped/``: the lines that could not be read, with file and line number.

The results equal ``kefulint scan`` on the same input when each conversation's messages are
contiguous in the log (as in the exports), which the test on the JDDC sample checks.
"""
from __future__ import annotations

import argparse
import math
import os
import sys

from kefulint import Linter, Settings
from kefulint.scan.fields import Message, Skip, parse_line
from kefulint.scan.judge import ConversationJudge
from kefulint.scan.pipeline import RECORD_FIELDS, finding_records
from kefulint.scan.records import shown_id

MESSAGE_SCHEMA = ("kind string, source string, line long, conversation string, role string, agent string, "
                  "time double, text string")
FINDING_SCHEMA = ("kind string, conversation string, turn long, agent string, time string, source string, "
                  "line long, rule string, category string, severity string, points long, fatal boolean, "
                  "conversation_fatal boolean, seconds double, `match` string, message string, suggestion string, "
                  "buyer string, text string, turns long, agent_key string")


def parse_partitions(fmt: str):
    def parse(frames):
        import pandas as pd

        for frame in frames:
            rows = []
            for source, number, line in zip(frame["source"], frame["line"], frame["value"], strict=True):
                if number == 1:
                    line = line.lstrip("\ufeff")
                item = parse_line(fmt, source, int(number), line)
                if isinstance(item, Message):
                    rows.append(("message", *item))
                elif isinstance(item, Skip):
                    rows.append(("skip", item.source, item.line, None, None, None, None, item.reason))
            frame = pd.DataFrame(rows, columns=["kind", "source", "line", "conversation", "role", "agent", "time",
                                                "text"])
            yield frame.astype({"line": "int64", "time": "float64"})

    return parse


NUMERIC = {"turn": 0, "line": 0, "points": 0, "fatal": False, "conversation_fatal": False, "seconds": math.nan}


def judge_groups(judge: ConversationJudge, show_matches: bool):
    blank = {name: NUMERIC.get(name, "") for name in RECORD_FIELDS}

    def judge_one(frame):
        import pandas as pd

        frame = frame.sort_values(["source", "line"], kind="stable")
        messages = [
            Message(s, int(n), c, r, a, None if t is None or (isinstance(t, float) and math.isnan(t)) else float(t), x)
            for s, n, c, r, a, t, x in zip(frame["source"], frame["line"], frame["conversation"], frame["role"],
                                           frame["agent"], frame["time"], frame["text"], strict=True)
        ]
        judged = judge.judge(messages)
        # the totals are grouped by the agent's name as it is (agent_key), printed as reports print it
        keys = [turn.message.agent for turn in judged.turns for _ in turn.findings]
        rows = [{"kind": "finding", **rec, "turns": 0, "agent_key": key}
                for rec, key in zip(finding_records(judged, show_matches), keys, strict=True)]
        for agent, turns in judged.agent_turns.items():
            rows.append({**blank, "kind": "turns", "conversation": shown_id(judged.conversation, show_matches),
                         "agent": shown_id(agent, show_matches), "turns": turns, "agent_key": agent})
        frame = pd.DataFrame(rows, columns=["kind", *RECORD_FIELDS, "turns", "agent_key"])
        # every column already of the schema's type: an all-NaN column cast to string becomes an Arrow
        # ChunkedArray, which pyspark's Arrow bridge rejects
        return frame.astype({"turn": "int64", "line": "int64", "points": "int64", "fatal": "bool", "conversation_fatal": "bool",
                             "seconds": "float64", "turns": "int64"})

    return judge_one


def run(spark, inputs: list[str], outdir: str, fmt: str, judge: ConversationJudge, show_matches: bool = False):
    from pyspark.sql import functions as F

    sc = spark.sparkContext
    frames = []
    for path in inputs:
        numbered = sc.textFile(path).zipWithIndex().map(lambda pair, p=path: (p, pair[1] + 1, pair[0]))
        frames.append(spark.createDataFrame(numbered, "source string, line long, value string"))
    lines = frames[0]
    for frame in frames[1:]:
        lines = lines.unionByName(frame)
    parsed = lines.mapInPandas(parse_partitions(fmt), MESSAGE_SCHEMA).cache()
    messages = parsed.where(F.col("kind") == "message").drop("kind")
    skipped = parsed.where(F.col("kind") == "skip").select("source", "line", F.col("text").alias("reason"))
    judged = messages.groupBy("conversation").applyInPandas(judge_groups(judge, show_matches), FINDING_SCHEMA).cache()
    findings = judged.where(F.col("kind") == "finding").drop("kind", "turns", "agent_key")
    totals = judged.groupBy("agent_key").agg(
        F.first("agent").alias("agent"),
        F.sum(F.when(F.col("kind") == "finding", F.col("points")).otherwise(0)).alias("points"),
        F.sum(F.when(F.col("kind") == "finding", 1).otherwise(0)).alias("findings"),
        F.sum(F.when((F.col("kind") == "finding") & F.col("fatal"), 1).otherwise(0)).alias("fatal"),
        F.sum(F.when(F.col("kind") == "turns", F.col("turns")).otherwise(0)).alias("turns"),
    ).drop("agent_key")
    findings.orderBy("source", "line", "turn", "conversation").write.mode("overwrite").json(f"{outdir}/findings")
    totals.orderBy(F.desc("points"), "agent").write.mode("overwrite").json(f"{outdir}/agents")
    skipped.orderBy("source", "line").write.mode("overwrite").json(f"{outdir}/skipped")
    return findings.count(), skipped.count()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="kefulint scan on Spark")
    ap.add_argument("paths", nargs="+", help="LOG... OUTDIR")
    ap.add_argument("--input-format", choices=["jsonl", "jddc"], default="jsonl")
    ap.add_argument("--platform", default=None, help="default taobao; jd for --input-format jddc, as kefulint scan")
    ap.add_argument("--show-matches", action="store_true")
    args = ap.parse_args(argv)
    if len(args.paths) < 2:
        ap.error("give at least one LOG and the OUTDIR")
    *inputs, outdir = args.paths
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.appName("kefulint-scan")
             .config("spark.sql.shuffle.partitions", os.environ.get("KEFULINT_SPARK_PARTITIONS", "8"))
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        platform = args.platform or ("jd" if args.input_format == "jddc" else "taobao")
        judge = ConversationJudge(Linter.from_settings(Settings(platform=platform)))
        n_findings, n_skipped = run(spark, inputs, outdir, args.input_format, judge, args.show_matches)
        print(f"kefulint spark: {n_findings} findings, {n_skipped} skipped lines -> {outdir}", file=sys.stderr)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()

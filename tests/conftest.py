from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# `make check` (KEFULINT_QUICK=1) tries a quarter of each property test's examples, to stay a quick
# loop; `make test` tries them all
QUICK = bool(os.environ.get("KEFULINT_QUICK"))


def examples(n: int) -> int:
    """How many examples a property test that tries ``n`` in the full run tries in this one."""
    return max(10, n // 4) if QUICK else n


# The collector, not the tests, was a third of the unit and rule tests' time: a session holds about a
# million tracked objects (the rule tables the engine keeps for the process, up to eight sets of
# ~90,000 lists; sklearn, hypothesis, 2,000 test items), and every full collection walks them
# all. With CPython's default thresholds a session ran ~35 full collections (7 s of 30 s); what
# exists once the tests are collected lives to the end and is frozen out of the walk, and the
# young generation is allowed to grow before it is collected (~5 full collections, 1 s). While the
# tests are collected (modules, sklearn, hypothesis, the first Linter: nearly all of it kept) the
# collector waits: it ran six full collections there (0.45 s) that found next to nothing.
GC_THRESHOLDS = (10_000, 10, 10)


def pytest_sessionstart(session):
    gc.disable()


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()


def pytest_addoption(parser):
    parser.addoption("--ruleset", action="append", default=[],
                     help="extra ruleset file whose examples are run as tests too")


# Replies that exercise phrases, detectors, context rules and jieba word boundaries: what the API
# tests compare in one process (tests/unit/engine/test_api.py) and across threads and processes
# (tests/system/test_api_processes.py).
API_REPLIES = [
    "亲，您好，请问有什么可以帮您？",
    "亲，加我微信 abc_123 详聊",
    "有事打我电话13800138000",
    "你问我，我问谁？我又不是快递员",
    "这个价格全网最低，不信您去比",
    "这款是同类产品中的首选",
    "确认收货给五星好评返现5元",
    "订单号 2024111112345678 已发货",
    "你问我，我问谁？加我微信 abc_123，电话13800138000",
    "可以的，您转账到我支付宝就行，不走平台",
    "白痴吧你，说明书都不看",
    "亲，我们不支持货到付款",
]
API_CONTEXT = {"有，5738201946": ["有QQ吗"]}


def snapshot(linter, texts=API_REPLIES) -> list[dict]:
    """What ``linter`` gives for ``texts``, as plain data to compare."""
    return [linter.check(t, context=API_CONTEXT.get(t)).to_dict(show_matches=True) for t in texts]


@pytest.fixture(scope="session")
def linter():
    from kefulint import Linter

    return Linter.default()


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data {'/'.join(parts)} not present beside the project")
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty rules and tables cache folder of the test's own (the tests that build and damage
    caches; every other test uses the user's cache as a user would)."""
    from kefulint.rules.rulecache import CACHE_ENV, NO_CACHE_ENV

    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    return folder

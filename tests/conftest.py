from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser):
    parser.addoption("--ruleset", action="append", default=[],
                     help="extra ruleset file whose examples are run as tests too")


@pytest.fixture(scope="session")
def linter():
    from kefulint import Linter

    return Linter.default()


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data {'/'.join(parts)} not present beside the project")
    return path

"""The data files kefulint ships (``kefulint/data/<name>``), read beside the package rather than
through ``importlib.resources``, whose import alone costs a cold start ~8 ms: kefulint is installed
as files (a wheel or a checkout), never run from a zip. In the lowest layer, so that every layer
finds its data the same way."""
from __future__ import annotations

import os

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


def data_file(name: str) -> str:
    """The path of the shipped data file ``name``."""
    return os.path.join(_DATA, name)

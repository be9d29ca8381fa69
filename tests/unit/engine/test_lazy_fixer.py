"""A check without findings does not load the fixer; a fix loads it when first asked for."""
from __future__ import annotations

import subprocess
import sys


def test_a_clean_check_leaves_the_fixer_unloaded_and_a_fix_loads_it():
    code = (
        "import sys; from kefulint import Linter; linter = Linter.default(); linter.check('亲，您好，请问有什么可以帮您？');"
        "print('kefulint.engine.fixes' in sys.modules);"
        "print(linter.check('加我微信 abc12345 私下转账').suggested_text != '加我微信 abc12345 私下转账');"
        "from kefulint.engine import Edit; print(Edit.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "kefulint.engine.fixes"]

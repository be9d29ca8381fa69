"""Imports run one way: text -> base -> detectors -> rules -> config -> model -> engine -> features -> cli.

Every module of the package is parsed (not imported) and every import in it is checked: at module
level, inside functions and under ``if TYPE_CHECKING:``. An import may point to its own layer or a
lower one, never a higher one. A new module must be placed in a layer below, or this test fails.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {"kefulint": ROOT / "linter", "kefulint.cli": ROOT / "cli"}

# lowest first; a module belongs to the layer of its longest listed prefix
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # string work that needs nothing else of kefulint
    ("text", ("kefulint.text",)),
    # values the whole core passes around (Finding masks its match with text.mask), the errors,
    # the version, package data and the atomic file writer
    ("base", ("kefulint", "kefulint.errors", "kefulint.finding", "kefulint.settings", "kefulint.atomicfile",
              "kefulint.data")),
    ("detectors", ("kefulint.detectors",)),
    ("rules", ("kefulint.rules",)),
    # the config loader validates rule names against the resolved rules; the engine may use it
    ("config", ("kefulint.config",)),
    # the review model: read by the engine (model findings), the scan (review queue) and the CLI
    ("model", ("kefulint.model",)),
    ("engine", ("kefulint.engine",)),
    ("features", ("kefulint.scan", "kefulint.templates", "kefulint.service", "kefulint.evaluation")),
    ("cli", ("kefulint.cli",)),
]
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}
FEATURES = ("kefulint.scan", "kefulint.templates", "kefulint.service", "kefulint.evaluation")

# Type-only imports that point up, each with its reason. Keep this short.
TYPE_ONLY_ALLOWED = {
    # the per-message view carries the Platform the message is judged on; text never uses it
    ("kefulint.text.view", "kefulint.rules.platforms"),
}


def _modules() -> dict[str, tuple[Path, bool]]:
    """module name -> (file, is a package __init__)."""
    out: dict[str, tuple[Path, bool]] = {}
    for prefix, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            is_init = parts[-1] == "__init__"
            if is_init:
                parts = parts[:-1]
            out[".".join([prefix, *parts])] = (path, is_init)
    return out


MODULES = _modules()


def layer_of(module: str) -> str | None:
    best, best_len = None, -1
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = name, len(prefix)
    return best


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str) -> list[tuple[str, int, bool]]:
    """(imported kefulint module, line, type-only) for every import anywhere in ``module``."""
    path, is_init = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module.split(".") if is_init else module.split(".")[:-1]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_only)
            return
        if isinstance(node, ast.Import):
            found.extend((a.name, node.lineno, type_only) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in MODULES else base, node.lineno, type_only))
        for child in ast.iter_child_nodes(node):
            visit(child, type_only)

    visit(tree, False)
    return [(target, line, t) for target, line, t in found if target == "kefulint" or target.startswith("kefulint.")]


def test_every_module_has_a_layer():
    assert [m for m in MODULES if layer_of(m) is None] == []


def test_the_import_graph_is_seen():
    """Guards the walker itself: known arrows of each kind are found."""
    assert ("kefulint.rules.schema", False) in {(t, ty) for t, _, ty in imports_of("kefulint.engine.compile")}  # in a function
    assert ("kefulint.config", False) in {(t, ty) for t, _, ty in imports_of("kefulint.engine.linter")}  # in a function
    assert ("kefulint.text.view", True) in {(t, ty) for t, _, ty in imports_of("kefulint.detectors")}  # TYPE_CHECKING


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    own = RANK[layer_of(module)]
    bad = []
    for target, line, type_only in imports_of(module):
        if module == "kefulint" and type_only:
            continue  # the package's lazy exports, named for type checkers only
        if type_only and (module, target) in TYPE_ONLY_ALLOWED:
            continue
        layer = layer_of(target)
        if layer is None or RANK[layer] > own:
            bad.append(f"{MODULES[module][0].relative_to(ROOT)}:{line}: {module} ({layer_of(module)}) "
                       f"imports {target} ({layer})")
    assert bad == []


@pytest.mark.parametrize("module", [m for m in sorted(MODULES) if m.startswith(FEATURES)])
def test_features_are_separate_rooms(module):
    """scan, templates, service and evaluation share the layers below, never each other."""
    home = next(f for f in FEATURES if module == f or module.startswith(f + "."))
    others = [f for f in FEATURES if f != home]
    bad = [f"line {line}: {target}" for target, line, _ in imports_of(module)
           if any(target == o or target.startswith(o + ".") for o in others)]
    assert bad == []


@pytest.mark.parametrize("module", [m for m in sorted(MODULES) if m.startswith("kefulint.cli.reporters")])
def test_no_reporter_imports_a_command(module):
    assert [t for t, _, _ in imports_of(module) if t.startswith("kefulint.cli.commands")] == []


def test_import_kefulint_does_not_load_the_engine():
    import subprocess
    import sys

    code = "import sys, kefulint; kefulint.__version__; print(sorted(m for m in sys.modules if m.startswith('kefulint')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['kefulint', 'kefulint._lazy']"  # the package and its lazy-export helper only

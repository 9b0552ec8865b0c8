"""The scheduler package's shape: it imports nothing from skill, and its modules stay small."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"
MODULES = sorted(PACKAGE.glob("*.py"))


def test_importing_every_scheduler_module_loads_nothing_from_skill() -> None:
    names = ", ".join(f"scheduler.{path.stem}" for path in MODULES if path.stem != "__init__")
    code = (f"import sys, {names}\n"
            "print(sorted(m for m in sys.modules if m == 'skill' or m.startswith('skill.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_scheduler_module_is_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 300
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            methods = [n for n in node.body
                       if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            assert len(methods) <= 20, f"{node.name} has {len(methods)} methods"

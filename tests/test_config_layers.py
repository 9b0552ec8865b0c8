"""Config without cycles and imports that only point down: each package's settings module stands
alone, and nothing below the admin page or the CLI imports them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("skill", "scheduler", "intents", "cramp_common")
SETTINGS_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for package in PACKAGES for path in (ROOT / package).rglob("settings.py")
)
TOP_LAYERS = ("skill.admin", "skill.cli")
ALLOWED_UPWARD = {
    # skill.config composes every package's section, the admin page's included.
    ("skill.config", "skill.admin.settings"),
    # `python -m skill` is the CLI's entry point.
    ("skill.__main__", "skill.cli.main"),
}


def test_every_package_with_a_section_has_a_settings_module() -> None:
    assert {"scheduler.settings", "skill.admin.settings", "skill.audio.settings",
            "skill.dialogue.settings", "skill.speech.settings",
            "skill.wyoming_service.settings"} <= set(SETTINGS_MODULES)


@pytest.mark.parametrize("module", SETTINGS_MODULES)
def test_settings_module_imports_without_the_composed_config(module: str) -> None:
    probe = f"import sys, {module}; print('skill.config' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "False"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _production_modules() -> list[tuple[str, Path]]:
    return [(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"),
             path) for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]


def test_nothing_below_the_admin_page_or_the_cli_imports_them() -> None:
    upward = [
        (name, target)
        for name, path in _production_modules()
        if not name.startswith(TOP_LAYERS)
        for target in _imports(path)
        if target.startswith(TOP_LAYERS) and (name, target) not in ALLOWED_UPWARD
    ]
    assert upward == []

"""The core is Qt-free: it imports and works where PySide6 and pyqtgraph cannot be imported."""

from __future__ import annotations

import ast
import subprocess
import sys

from .conftest import DEMO_DECK, REPO

BLOCKER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'numpy'):
            raise ImportError('blocked for this test: ' + name)
sys.meta_path.insert(0, Block())
"""


def test_core_runs_with_qt_blocked():
    code = BLOCKER + f"""
import kiosk.core
from kiosk.core import load_deck, Player
from kiosk.cli import main
result = load_deck({str(DEMO_DECK)!r})
assert result.ok, result.problems
player = Player(result.deck, now=0)
player.tick(1e6)
assert main(['check', {str(DEMO_DECK)!r}]) == 0
assert main(['schema']) == 0
assert not any(m.split('.')[0] in ('PySide6', 'pyqtgraph') for m in sys.modules)
print('core ok without Qt')
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "core ok without Qt" in out.stdout


def test_no_core_module_imports_qt():
    for path in (REPO / "kiosk" / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in ("PySide6", "shiboken6", "pyqtgraph"), (
                    f"{path.name} imports {name}")


CORE_TESTS = ["test_loader_errors.py", "test_loader_ok.py", "test_loader_fuzz.py",
              "test_player.py", "test_schema.py", "test_numbers.py", "test_feeds.py",
              "test_gestures.py", "test_schedule.py"]


def test_core_test_suite_passes_with_qt_blocked():
    """The core's own tests, run in a Python where PySide6 and pyqtgraph cannot import."""
    code = BLOCKER.replace("'numpy'", "'__none__'") + f"""
import pytest
sys.exit(pytest.main(['-q', '-p', 'no:pytest-qt', '-p', 'no:cacheprovider',
                      *[{str(REPO / 'tests')!r} + '/' + name for name in {CORE_TESTS!r}]]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert " passed" in out.stdout and "failed" not in out.stdout

"""Where the show keeps its cache and logs when nothing overrides them (#17): one folder per
platform. The real Windows run under Wine checks the same on a frozen kioskw.exe
(packaging/windows/check_wine.py)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import platformdirs.windows
import pytest

from kiosk.core.files import cache_root
from kiosk.logsetup import log_dir


@pytest.fixture
def defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """No KIOSK_CACHE_DIR or KIOSK_LOG_DIR: the platform's folders decide."""
    monkeypatch.delenv("KIOSK_CACHE_DIR", raising=False)
    monkeypatch.delenv("KIOSK_LOG_DIR", raising=False)


def test_windows_cache_and_logs_share_one_kiosk_folder(defaults, monkeypatch, tmp_path):
    # platformdirs picks its Windows rules with PlatformDirs and asks the shell for the
    # known folders through get_win_folder: both told here, so this runs on Linux too.
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(platformdirs.windows, "get_win_folder",
                        lambda csidl: str(tmp_path / csidl))
    local = tmp_path / "CSIDL_LOCAL_APPDATA"
    assert cache_root() == local / "kiosk" / "Cache"  # was kiosk\kiosk\Cache
    assert log_dir() == local / "kiosk" / "Logs"


@pytest.mark.skipif(os.name == "nt", reason="the XDG folders of Linux")
def test_linux_cache_and_logs_stay_where_they_were(defaults):
    assert cache_root() == Path(os.environ["XDG_CACHE_HOME"]) / "kiosk"
    assert log_dir() == Path(os.environ["XDG_STATE_HOME"]) / "kiosk" / "log"


def test_an_explicit_folder_or_the_environment_wins(defaults, monkeypatch, tmp_path):
    assert cache_root(tmp_path / "given") == tmp_path / "given"
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("KIOSK_LOG_DIR", str(tmp_path / "logs"))
    assert cache_root() == tmp_path / "env"
    assert log_dir() == tmp_path / "logs"

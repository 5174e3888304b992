"""#18 C and E: the files the show writes itself, and the supervisor.

What an operator would notice: a monitoring agent can read the status file, a damaged launch
image costs only the picture (never a crash, never a noise frame), and `kiosk supervise`
keeps a show on screen whatever happens to its child, its own predecessor or the disk.
"""

from __future__ import annotations

import os
import stat

import pytest

from kiosk.core.files import write_atomic


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_written_files_get_the_usual_mode_not_0600(tmp_path, umask):
    """#18 C: mkstemp made the status file 0600, unreadable to a monitor running as another
    user. Now it gets 0666 less the umask, as any program's files do."""
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "status.json", "{}")
        write_atomic(tmp_path / "status.json", "{}")  # replacing keeps the usual mode too
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "status.json").stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]  # no temporary left

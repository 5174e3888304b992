"""Work on a daemon thread whose result is a Future, and which nothing waits for at exit.

``concurrent.futures`` pools join their threads when the interpreter exits, so one stuck
fetch or deck load froze the operator's exit until the supervisor killed and restarted
the show (#18 B). A job here runs on its own daemon thread: a stuck one is abandoned, never
joined, and costs one idle thread until it ends by itself. Callers bound how many they
start (the feed hub: at most one per source).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Job(Generic[T]):
    """One call running on its own daemon thread."""

    def __init__(self, name: str, fn: Callable[..., T], *args: Any) -> None:
        self.future: Future[T] = Future()
        self.thread = threading.Thread(target=self._run, args=(fn, args), name=name,
                                       daemon=True)
        self.thread.start()

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = fn(*args)
        except BaseException as exc:  # handed to whoever reads the result
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)

    def done(self) -> bool:
        return self.future.done()

    def result(self) -> T:
        return self.future.result(timeout=0)

    def wait(self, timeout: float | None) -> bool:
        """Tests and export only: until the thread has ended (not only the result set)."""
        self.thread.join(timeout)
        return not self.thread.is_alive()

"""Data feeds (http, file, sim): fetching off the UI thread, parsing, staleness, last good
value, backoff and persistence. Qt-free; the Qt layer only calls :meth:`FeedHub.tick`."""

from kiosk.core.feeds.feed import Feed, FeedState, Reading
from kiosk.core.feeds.hub import FeedHub

__all__ = ["Feed", "FeedHub", "FeedState", "Reading"]

"""The show window: one widget painting the stage, driven by the player's deadline.

The window owns the only real clock (injectable, so tests use a fake one), one single-shot
timer set to ``player.deadline(now)``, and one frame timer that runs only while something
moves. Transitions are composed from two finished frames rendered by the stage.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QCursor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
)
from PySide6.QtWidgets import QWidget

from kiosk.core import clocksync
from kiosk.core.deck import Deck
from kiosk.core.events import EventLog, EventLogListener
from kiosk.core.feeds import FeedHub
from kiosk.core.loop import day_at
from kiosk.core.player import Change, Player, successor
from kiosk.core.telemetry import Telemetry
from kiosk.qt.interaction import Interaction
from kiosk.qt.presence import Presence
from kiosk.qt.slides import preload_charts
from kiosk.qt.stage import Stage
from kiosk.qt.transitions import compose

log = logging.getLogger(__name__)
FRAME_MS = 16  # slide transitions, drags, controls: 60 fps
# a slide's own slow motion (count-up, Ken Burns, live glides) and cross-fades: 30 fps. A fade
# moves nothing across the screen, so 30 steps a second look as smooth and cost half
AMBIENT_MS = 33
FURNITURE_MS = 67  # the time bar on a still slide: at most 15 steps a second ...
BAR_STEPS = 320  # ... each 1/320 of its length (6 px at 1080p, its height), at least 1 a second
CURSOR_HIDE_MS = 3000


@dataclass
class _Transition:
    old: QImage
    new: QImage
    kind: str
    start: float
    duration: float
    direction: int


class ShowWindow(QWidget):
    def __init__(self, deck: Deck, clock: Callable[[], float] = time.monotonic,
                 animations: bool = True, rotate: int = 0, feeds: FeedHub | None = None,
                 wall: Callable[[], float] = time.time, kiosk_mode: bool = False,
                 on_exit: Callable[[], None] | None = None, lang: str | None = None,
                 events: Path | None = None, sync_epoch: float | None = None,
                 telemetry: Telemetry | None = None) -> None:
        super().__init__()
        # what the show does, for the events log, /metrics and MQTT (#15, #16)
        self.telemetry = telemetry if telemetry is not None else Telemetry(wall)
        self.events_path = events  # --events: one JSON line per event (#15, #16)
        if events is not None:
            self.telemetry.add(EventLogListener(EventLog(events, wall=wall)))
        self.visiting = False  # a visitor's session: from a touch until auto-play resumes
        self._home_due = False  # the visit ended: its language goes at the next slide change
        self.sync_epoch = sync_epoch  # sync: clock without an epoch: the bundle's publish time
        # replace_deck(at_boundary=True): (deck, feeds, epoch) taken at the next slide change
        self._pending: tuple[Deck, FeedHub | None, float | None] | None = None
        self.deck_swapped: Callable[[], None] | None = None  # e.g. check its opening hours
        self.interaction = Interaction(self, owner=self)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.kiosk_mode = kiosk_mode  # locked: Esc, Alt+F4 and closing do not end the show
        self.presence = Presence(self, enabled=kiosk_mode)  # ... nor iconifying it (#18 D)
        self._on_exit = on_exit
        self.operator_exit = False  # see exit_now
        self._allow_close = False
        self.standby: tuple[str, int, float] | None = None  # (black|slide, slide, dim)
        self.setWindowTitle(deck.title.get("zh"))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clock = clock
        self.wall = wall  # when data was last updated; with sync: clock, the slide on screen
        self.deck = deck
        self.feeds = feeds
        self.animations = animations
        self.rotate = rotate
        self.operator_message: str | None = None  # e.g. the edited deck has errors
        now = clock()
        # today's dated slides from the first frame on (the controller keeps the day after)
        self.player = Player(deck, now, day=day_at(deck, wall()), wall=wall(), epoch=sync_epoch)
        if self.player.synced:
            clocksync.SYSTEM.warn_unsynchronized(now)
        self.stage = Stage(deck, QSize(max(1, self.width()), max(1, self.height())), rotate,
                           lang=lang, animations=animations, feeds=feeds)
        self._lang_asked = lang  # --lang
        # in step with the other screens, the slide's own motion included (Ken Burns)
        self._settled_at = now - self.player.elapsed(now)
        self._shown_index = self.player.index  # the slide on screen (player may be ahead)
        self._transition: _Transition | None = None
        self.charts_wanted = False  # pyqtgraph is (to be) imported: the deck has charts
        self._has_charts = deck.has_charts  # once, not on every paint
        self._bar_painted: tuple[int, float] | None = None  # (slide, fraction) on screen
        self._bar_growth: tuple[float, float] | None = None  # sliver asked to be painted
        self._bar_drawn: float | None = None  # what the last full-path paint drew
        self._frame_mode = "bar"  # what the frame timer repaints: "fast", "ambient", "bar"
        self._prepared_for: int | None = None  # slide whose successor is already prepared
        self.frames_painted = 0

        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        # a coarse timer may fire 5% late (250 ms on a 5 s slide): screens in step need the ms
        self._deadline.setTimerType(Qt.TimerType.PreciseTimer)
        self._deadline.timeout.connect(self.poll)
        self._frames = QTimer(self)
        self._frames.setTimerType(Qt.TimerType.PreciseTimer)
        self._frames.timeout.connect(self._on_frame)
        self._cursor = QTimer(self)
        self._cursor.setSingleShot(True)
        self._cursor.timeout.connect(lambda: self.setCursor(Qt.CursorShape.BlankCursor))
        self._chart_refresh = QTimer(self)  # live charts re-render at most 4 times a second
        self._chart_refresh.setSingleShot(True)
        self._chart_refresh.timeout.connect(self._refresh_view)
        self._last_refresh = -1e9
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._prepare_view(self.index)
        self._schedule()

    # ------------------------------------------------------------------ state
    @property
    def index(self) -> int:
        return self.player.index

    @property
    def in_transition(self) -> bool:
        return self._transition is not None

    def elapsed(self) -> float:
        """Seconds since the current slide settled (its animations run on this)."""
        return max(0.0, self.clock() - self._settled_at)

    def poll(self) -> None:
        """Act on the clock: end a finished transition, advance when the slide is due."""
        now = self.clock()
        if self._transition and now >= self._transition.start + self._transition.duration:
            self._transition = None
            self._settled_at = now
        self.interaction.idle(now)
        change = self.player.tick(now, self.wall())
        ended = self.visiting and not self.player.waiting_idle  # auto-play runs again
        if ended:  # before the change resuming makes (idle_home, sync): it is the show's own
            self.visiting = False
            self._home_due = True
        if change is not None:
            self._show(change)
        if ended:
            self.telemetry.visit(False)
        self._schedule()
        self.update()

    def go_next(self, kind: str | None = None, already: float = 0.0,
                reason: str = "user") -> None:
        self._user(self.player.next(self.clock()), kind, already, reason)

    def go_prev(self, kind: str | None = None, already: float = 0.0,
                reason: str = "user") -> None:
        self._user(self.player.prev(self.clock()), kind, already, reason)

    def go_to(self, index: int, reason: str = "user") -> None:
        """``reason``: "command" when an operator's remote command moved it (#16)."""
        self._user(self.player.goto(index, self.clock()), reason=reason)

    def toggle_pause(self) -> None:
        """Space: the operator's hold, until Space again."""
        held = self.player.toggle_hold(self.clock(), self.wall())
        log.info("auto-play %s", "held" if held else "resumed")
        self._schedule()
        self.update()

    def pause_button(self) -> None:
        """The on-screen pause: auto-play resumes after idle_resume without input (#18 D)."""
        paused = self.player.toggle_pause(self.clock(), self.wall())
        log.info("auto-play %s", f"paused for {self.deck.idle_resume:g} s after the last touch"
                 if paused else "resumed")
        self._schedule()
        self.update()

    def _user(self, change: Change, kind: str | None = None, already: float = 0.0,
              reason: str = "user") -> None:
        if reason != change.reason:
            change = replace(change, reason=reason)
        self._show(change, kind, already)
        self._schedule()

    def schedule(self) -> None:
        self._schedule()

    def _prepare_view(self, index: int) -> None:
        """Entry work for a slide; a view that raises is replaced by its placeholder."""
        try:
            view = self.stage.view(index)
            view.on_show()
            view.prepare()
        except Exception:
            log.exception("slide %d failed to prepare; it shows a placeholder from now on",
                          index)
            self.stage.mark_broken(index)
            self.stage.view(index).prepare()

    @property
    def home_language(self) -> str:
        """The show's own language, which the end of a visit brings back: --lang, else the
        deck's (followed when a new deck is swapped in)."""
        asked = self._lang_asked
        return asked if asked is not None and asked in self.deck.languages else self.deck.language

    def toggle_language(self) -> None:
        """The visitor's language button: the next of the deck's languages (#14)."""
        lang = self.deck.next_language(self.stage.lang)
        self.stage.set_language(lang)
        self._prepared_for = None
        log.info("language switched to %s", lang)
        self._prepare_view(self.index)
        self.update()

    def request_exit(self, how: str) -> None:
        """The exit chord or five corner taps: ask for the PIN when the deck sets one."""
        log.warning("exit requested (%s)", how)
        if self.deck.exit_pin:
            self.interaction.open_pinpad()
        else:
            self.exit_now(operator=True)

    def exit_now(self, operator: bool = False) -> None:
        """End the show; ``operator``: chosen at the show (chord, PIN), which also ends
        `kiosk supervise`, where a SIGTERM to the show alone does not (#18 E)."""
        self.operator_exit = self.operator_exit or operator  # a later SIGTERM keeps it
        self._allow_close = True
        self.presence.stop()  # a closing window must not be brought back
        if self._on_exit is not None:
            self._on_exit()
        else:
            self.close()

    def set_standby(self, standby: tuple[str, int, float] | None) -> None:
        """Outside opening hours: black, or a chosen slide dimmed; auto-play holds."""
        if standby == self.standby:
            return
        self.standby = standby
        now = self.clock()
        if standby is not None and not self.player.held:
            self.player.toggle_hold(now)
            if self._pending is not None:
                self._take_pending()  # no change to wait for until the show opens again
        elif standby is None and self.player.held:
            self.player.toggle_hold(now, self.wall())
            if not self.player.synced:  # under sync, the loop is home: rejoined at once
                self._user(self.player.first(now, user=False))
        self._schedule()
        self.update()

    def _show(self, change: Change, kind: str | None = None, already: float = 0.0) -> None:
        now = self.clock()
        wall = self.wall()  # the moment the change starts, for the events log
        old_index = self._shown_index
        old_elapsed = self.elapsed()
        leaving: QImage | None = None
        if self._pending is not None:  # a new deck, taken at this slide change (#15)
            leaving = self._leaving_frame(old_index, old_elapsed)
            change = self._take_pending(change)
            old_index = -1
        if self._home_due and not self.visiting:  # the next visitor finds the show's language
            self._home_due = False
            if self.stage.lang != self.home_language:
                if leaving is None:  # the slide leaving, as the last visitor saw it
                    leaving = self._leaving_frame(old_index, old_elapsed)
                self.stage.set_language(self.home_language)
                self._prepared_for = None
                log.info("language back to %s after the visit", self.home_language)
        self.telemetry.slide(change.index, change.reason, t=wall)
        self._shown_index = change.index
        self._prepare_view(change.index)  # slow work here, never inside a paint
        spec = self.deck.transition_of(self.deck.slides[change.index])
        if kind is not None:  # a swipe: the slides move like the finger did
            spec = spec.model_copy(update={"type": kind, "duration": 0.35})
        if not self.animations or spec.type == "none" or spec.duration <= 0 or (
                old_index == change.index) or (old_index < 0 and leaving is None):
            self._transition = None
            self._settled_at = now
        else:
            old = leaving if leaving is not None else (
                self._transition.new if self._transition else self.stage.render(
                    old_index, old_elapsed))
            # the view is prepared (its layer rendered ahead): this is a copy, a few ms
            new = self.stage.render(change.index, 0.0)
            # a swipe continues from where the finger let go
            done = min(0.9, already / max(1, self.width())) * spec.duration
            self._transition = _Transition(old, new, spec.type, now - done, spec.duration,
                                           change.direction)
            self._settled_at = now - done + spec.duration
        # the slide left behind lives on as a frame of the transition: free its buffers now
        self.stage.trim({change.index, self.player.upcoming()})
        self.update()

    # ------------------------------------------------------------------ timers
    def _schedule(self) -> None:
        now = self.clock()
        due = self.player.deadline(now, self.wall())
        closing = self.interaction.deadline(now)  # overview and keypad close when left alone
        if closing is not None:
            due = closing if due is None else min(due, closing)
        if self._transition:
            end = self._transition.start + self._transition.duration
            due = end if due is None else min(due, end)
        if due is None:
            self._deadline.stop()
        else:  # rounded up: a timer that fires early only finds the same slide and waits on
            self._deadline.start(max(0, math.ceil((due - now) * 1000)))
        self._update_frame_timer()

    def _update_frame_timer(self) -> None:
        busy = self.interaction.busy(self.clock())
        fast = self._transition is not None or busy
        ambient = not fast and self.stage.view(self.index).animating(self.elapsed())
        moving = fast or ambient
        fading = not busy and self._transition is not None and self._transition.kind == "fade"
        interval = (AMBIENT_MS if ambient or fading else FRAME_MS if fast
                    else self._bar_interval())
        self._frame_mode = "fast" if fast else "ambient" if ambient else "bar"
        if not moving and self._prepared_for != self.index and self.frames_painted:
            self._prepared_for = self.index
            QTimer.singleShot(0, self._prepare_next)
        wanted = moving or (self.deck.progress and not self.player.paused)
        if not wanted:
            self._frames.stop()
        elif not self._frames.isActive() or self._frames.interval() != interval:
            self._frames.start(interval)

    def _on_frame(self) -> None:
        if self._transition and self.clock() >= self._transition.start + self._transition.duration:
            self.poll()
            return
        if self._frame_mode == "bar" and self._transition is None:
            self._grow_bar()
        elif self._frame_mode == "ambient" and self._transition is None:
            self._update_moving_parts()
        else:
            self.update()
        self._update_frame_timer()

    def stop(self) -> None:
        """Stop every timer this window started (tests assert none is left running)."""
        for timer in (self._deadline, self._frames, self._cursor, self._chart_refresh,
                      self.interaction.long_press):
            timer.stop()
        self.presence.stop()
        self.stage.close()
        self.telemetry.close()

    # ------------------------------------------------------------------ Qt events
    def resizeEvent(self, event: object) -> None:
        self.stage.resize(QSize(max(1, self.width()), max(1, self.height())))
        self._transition = None
        self._prepared_for = None

    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        p = QPainter(self)
        try:
            if not self._paint_bar_growth(p, event.rect()):
                self._bar_drawn = None
                self._paint(p)
                self._note_bar(event.region())
        except Exception:  # one view's bug must not end the show; an exception escaping
            # paintEvent would also leave the painter active, which crashes Qt
            log.exception("painting slide %d failed; it shows a placeholder from now on",
                          self.index)
            self.stage.mark_broken(self.index)
            p.fillRect(self.rect(), Qt.GlobalColor.black)
            QTimer.singleShot(0, self.update)
        finally:
            p.end()
        self.telemetry.frame(time.perf_counter() - started)
        self.frames_painted += 1
        if self.frames_painted == 1:
            log.info("first frame painted at %dx%d", self.width(), self.height())
            QTimer.singleShot(800, self._warm_languages)  # zh-Hant texts, off the first frame
        if (not self.charts_wanted and self._transition is None and self.frames_painted > 1
                and self._has_charts):
            # after the first frame, while nothing moves: import pyqtgraph (~0.6 s, ~40 MB)
            # now, if the deck has charts at all
            self.charts_wanted = True
            QTimer.singleShot(800, self._preload)

    def _update_moving_parts(self) -> None:
        """Only the slide moves: repaint one rectangle around what it says can change (a
        single rectangle keeps Qt on its fast copy path), and the time bar when it is due."""
        rects = self.stage.view(self.index).moving_rects(self.elapsed())
        if rects is None or self.standby is not None:
            self.update()
            return
        if rects:  # an empty list: nothing visible moved since the last frame
            box = QRectF()
            for rect in rects:
                box = box.united(rect)
            self.update(self.stage.transform().mapRect(box).toAlignedRect()
                        .adjusted(-2, -2, 2, 2))
        painted = self._bar_painted
        if painted is None or painted[0] != self.index:
            return
        progress = self.player.progress(self.clock())
        if progress - painted[1] >= 1 / BAR_STEPS:
            self.update(self.stage.bar_rect(painted[1], progress).toAlignedRect())

    # ------------------------------------------------------------------ progress bar
    def _bar_interval(self) -> int:
        """Milliseconds between steps of the time bar: it grows by 1/BAR_STEPS per step."""
        duration = self.player.duration()
        return max(FURNITURE_MS, min(1000, round(1000 * duration / BAR_STEPS)))

    def _grow_bar(self) -> None:
        """A still slide: repaint only the sliver the time bar grew by (idle CPU ~0)."""
        painted = self._bar_painted
        if painted is None or painted[0] != self.index or not self.deck.progress:
            self.update(self.stage.furniture_rect().toAlignedRect())
            return
        progress = self.player.progress(self.clock())
        sliver = self.stage.bar_rect(painted[1], progress)
        if progress < painted[1] or sliver.width() + sliver.height() > 4 * self.width():
            self.update(self.stage.furniture_rect().toAlignedRect())  # went back: redraw
        elif progress - painted[1] >= 0.5 / BAR_STEPS:
            self._bar_growth = (painted[1], progress)
            self.update(sliver.toAlignedRect())

    def _note_bar(self, region: QRegion) -> None:
        """After a paint clipped to ``region``: how far the time bar on screen now reaches.
        A partial paint (a count-up's numbers) may have drawn none or only part of it."""
        drawn = self._bar_drawn
        if drawn is None:
            self._bar_painted = None
            return
        painted = self._bar_painted
        start = painted[1] if painted and painted[0] == self.index and painted[1] <= drawn else 0
        needed = QRegion(self.stage.bar_rect(start, drawn).toAlignedRect().intersected(self.rect()))
        if needed.subtracted(region).isEmpty():
            self._bar_painted = (self.index, drawn)
        elif start == 0:
            self._bar_painted = None  # unknown: the next bar step repaints the whole strip

    def _paint_bar_growth(self, p: QPainter, region: QRect) -> bool:
        """Paint just the grown sliver when that is all Qt asks for; False: paint it all."""
        growth, self._bar_growth = self._bar_growth, None
        if (growth is None or self._transition is not None or self.standby is not None
                or self.interaction.busy(self.clock())):
            return False
        if not self.stage.bar_rect(*growth).toAlignedRect().contains(region):
            return False
        self.stage.paint_bar(p, *growth)
        self._bar_painted = (self.index, growth[1])
        return True

    def _prepare_next(self) -> None:
        """While the slide stands still: get the next one ready, so its entry is smooth."""
        if self._transition is not None:
            return
        upcoming = self.player.upcoming()
        if self.deck.slides[upcoming].type == "chart":
            self.charts_wanted = True
        # decode and render its layer now: its first frame is then a copy (no 8 MB frame kept)
        self.stage.prefetch(upcoming)
        self.stage.trim({self.index, upcoming})

    def _paint(self, p: QPainter) -> None:
        now = self.clock()
        if self.standby is not None:
            self._paint_standby(p)
            self.interaction.paint(p, now)  # the PIN pad still works at night
            return
        t = self._transition
        if self.interaction.paint_drag(p):
            pass
        elif t is not None:
            phase = min(1.0, max(0.0, (now - t.start) / t.duration))
            compose(p, t.old, t.new, t.kind, phase, t.direction,
                    QRectF(0, 0, self.width(), self.height()))
        else:
            self.stage.paint(p, self.index, self.elapsed())
        progress = self.player.progress(now)
        self.stage.paint_furniture(p, self.player.position, self.player.count, progress)
        self._bar_drawn = progress if t is None else None  # paintEvent decides what stuck
        self._bar_growth = None
        self.stage.paint_badges(p, self.index, self.wall(), self.operator_message)
        self.interaction.paint(p, now)

    def _paint_standby(self, p: QPainter) -> None:
        assert self.standby is not None
        mode, slide, dim = self.standby
        p.fillRect(self.rect(), Qt.GlobalColor.black)
        if mode == "slide" and 0 <= slide < len(self.deck.slides):
            p.setOpacity(dim)
            self.stage.paint(p, slide, 1e6)
            p.setOpacity(1.0)

    # ------------------------------------------------------------------ live data, reload
    def on_data(self, changed: set[str]) -> None:
        """Feeds changed: only the slide on screen reacts (others catch up when shown)."""
        if not changed & self.deck.sources_of(self.deck.slides[self.index]):
            return
        if self.deck.slides[self.index].type == "chart":
            wait = self._last_refresh + 0.25 - self.clock()
            if wait > 0:
                if not self._chart_refresh.isActive():
                    self._chart_refresh.start(round(wait * 1000))
                return
        self._refresh_view()

    def _refresh_view(self) -> None:
        self._last_refresh = self.clock()
        self.stage.view(self.index).data_changed()
        self._update_frame_timer()
        self.update()

    def replace_deck(self, deck: Deck, feeds: FeedHub | None, *, at_boundary: bool = False,
                     sync_epoch: float | None = None) -> None:
        """Show another deck: at once, on the same slide where it still exists (an edited
        file), or, ``at_boundary``, at the next slide change of any cause (a published
        version, #15): that change then shows the new deck's slide (under sync: the new
        loop's). A show held with no change due takes it at once."""
        self._pending = (deck, feeds, sync_epoch)
        if at_boundary and self.player.deadline(self.clock(), self.wall()) is not None:
            log.info("the new deck is shown at the next slide change")
            return
        self._take_pending()
        self._prepare_view(self.index)
        self._schedule()
        self.update()

    def _take_pending(self, change: Change | None = None) -> Change:
        """Swap in the pending deck; ``change``: the slide change it is taken at, whose
        target (same slide, else same place) it shows, or the loop's under sync."""
        assert self._pending is not None
        deck, feeds, epoch = self._pending
        self._pending = None
        now = self.clock()
        self.player = successor(self.player, deck, now, self.wall(), epoch,
                                self.index if change is None else change.index,
                                user=change is not None and change.reason == "user")
        self.deck, self.feeds, self.sync_epoch = deck, feeds, epoch
        self._has_charts = deck.has_charts
        if self.player.synced:
            clocksync.SYSTEM.warn_unsynchronized(now)
        lang = self.stage.lang if self.stage.lang in deck.languages else None  # the visitor's
        self.stage.close()
        self.stage = Stage(deck, QSize(max(1, self.width()), max(1, self.height())),
                           self.rotate, lang=lang, animations=self.animations, feeds=feeds)
        self._transition = None
        self._prepared_for = None
        self._shown_index = self.player.index
        self._settled_at = now - self.player.elapsed(now)
        self.setWindowTitle(deck.title.get("zh"))
        if self.deck_swapped is not None:
            self.deck_swapped()
        return Change(self.player.index, change.direction if change else 1,
                      change.reason if change else "reload")

    def _leaving_frame(self, index: int, elapsed: float) -> QImage | None:
        """The slide on screen as a frame, before its deck goes (None: no transition)."""
        if not self.animations:
            return None
        return self._transition.new if self._transition else self.stage.render(index, elapsed)

    def _warm_languages(self) -> None:
        self.stage.warm_languages()

    def _preload(self) -> None:
        if self._transition is not None:
            QTimer.singleShot(800, self._preload)
            return
        preload_charts()

    def event(self, event: QEvent) -> bool:
        interaction = getattr(self, "interaction", None)  # Qt sends events during __init__
        if interaction is not None and interaction.event(event):
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.interaction.mouse(event, "press")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.interaction.mouse(event, "release")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.WindowStateChange:
            self.presence.state_changed()  # iconified by the window manager: come back
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.kiosk_mode and not self._allow_close:
            log.info("close ignored: the show is locked (exit chord: %s)", self.deck.exit_chord)
            event.ignore()
            return
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.interaction.key(event):
            return
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Down):
            self.go_next()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up):
            self.go_prev()
        elif key == Qt.Key.Key_Space:
            self.toggle_pause()
        elif key == Qt.Key.Key_Home:
            self._user(self.player.first(self.clock()))
        elif key == Qt.Key.Key_End:
            self._user(self.player.last(self.clock()))
        else:
            super().keyPressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.setCursor(QCursor(Qt.CursorShape.ArrowCursor))
        self._cursor.start(CURSOR_HIDE_MS)
        self.interaction.mouse(event, "move")

"""Draw the four stand-in pictures (示意图) for the Zhuhai industry kiosk.

These images are stylised *illustrations* drawn with QPainter, NOT
photographs.  They stand in for press photos we hold no rights to, so they
contain no text, logos or real brand marks.  The app crops them to cover the
screen around each slide's ``focus`` (see assets/photos/README.md for the
points chosen), drifts a little, and lays a caption band over the bottom.

Two are isometric scenes whose things are sorted so nearer ones are drawn
later and none intersects another (``depth_order``): the trade-fair stand and
the industrial park.  The multicopter is a small 3D model under a perspective
camera (``Camera``, ``Mesh``), so every arm meets the cabin and every rotor
sits on its arm.

Output is deterministic (seeded random).  Regenerate with:

    QT_QPA_PLATFORM=offscreen python assets/make_illustrations.py [OUT_DIR [NAME ...]]

OUT_DIR defaults to ``photos/`` next to this script; NAMEs pick scenes (e.g.
``evtol-flight``).  Each is written as WebP at quality 92: for these flat,
sharp-edged drawings it cannot be told from the PNG by eye, at a quarter of its
size (0.8 MB for the four instead of 2.8 MB; they ship in every installer).
"""

import itertools
import math
import os
import random
import sys
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QRadialGradient,
)

W, H = 2400, 1350
WEBP_QUALITY = 92
NAVY, DEEP, TEAL = "#07111f", "#0d2340", "#0f5a6b"
CYAN, ICE, WARM, AMBER = "#35d3e6", "#dff6fb", "#ff8a3d", "#ffc56b"
LEAVES = ("#2f9e6f", "#3bb37a", "#23805c", "#5fd08f", "#86e0aa")


# ---------------------------------------------------------------- helpers
def col(spec, alpha=255):
    c = QColor(spec)
    c.setAlpha(alpha)
    return c


def brush(b):
    return col(b) if isinstance(b, str) else b


def lin(x1, y1, x2, y2, stops):
    g = QLinearGradient(x1, y1, x2, y2)
    for pos, c in stops:
        g.setColorAt(pos, brush(c))
    return g


def vfade(y0, y1, color, a0, a1):
    return lin(0, y0, 0, y1, [(0, col(color, a0)), (1, col(color, a1))])


def rect(p, x, y, w, h, fill, radius=0):
    p.setPen(Qt.NoPen)
    p.setBrush(brush(fill))
    p.drawRoundedRect(QRectF(x, y, w, h), radius, radius)


def poly(p, pts, fill):
    p.setPen(Qt.NoPen)
    p.setBrush(brush(fill))
    p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))


def line(p, a, b, color, width):
    p.setPen(QPen(brush(color), width, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(QPointF(*a), QPointF(*b))


def dot(p, x, y, rx, ry, fill):
    p.setPen(Qt.NoPen)
    p.setBrush(brush(fill))
    p.drawEllipse(QPointF(x, y), rx, ry)


def glow(p, x, y, r, color, alpha=170, sy=1.0):
    g = QRadialGradient(0, 0, r)
    for pos, a in ((0, alpha), (.35, alpha // 3), (1, 0)):
        g.setColorAt(pos, col(color, a))
    p.save()
    p.translate(x, y)
    p.scale(1, sy)
    dot(p, 0, 0, r, r, g)
    p.restore()


def ridge(p, rng, y0, amp, fill, x0, x1, bottom=H):
    """Smooth hill silhouette between x0 and x1 running down to ``bottom``."""
    waves = [(rng.uniform(.5, 3), rng.uniform(0, 6.3)) for _ in range(4)]
    path = QPainterPath(QPointF(x0, bottom))
    for x in range(x0, x1 + 1, 20):
        t = (x - x0) / (x1 - x0)
        wobble = 1 + sum(math.sin(f * t * 6.3 + s) for f, s in waves) / 8
        path.lineTo(x, y0 - amp * math.sin(math.pi * t) ** .6 * wobble)
    path.lineTo(x1, bottom)
    p.setPen(Qt.NoPen)
    p.setBrush(brush(fill))
    p.drawPath(path)


SILHOUETTE = [(0, -.44), (.012, 0), (.075, 0), (.085, -.45), (.112, -.46),
              (.122, -.75), (.1, -.81), (.035, -.835)]


def person(p, x, base, h, fill, wide=1.0):
    """Standing visitor silhouette, feet at (x, base)."""
    pts = SILHOUETTE + [(-dx, dy) for dx, dy in reversed(SILHOUETTE[1:])]
    poly(p, [(x + a * h * wide, base + b * h) for a, b in pts], fill)
    dot(p, x, base - h * .92, h * .058, h * .068, fill)


def face_point(quad, u, v):
    """Bilinear point in a quad given as (bottom-left, br, tr, tl)."""
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = quad
    x0, y0 = ax + (bx - ax) * u, ay + (by - ay) * u
    x1, y1 = dx + (cx - dx) * u, dy + (cy - dy) * u
    return x0 + (x1 - x0) * v, y0 + (y1 - y0) * v


def sub_quad(quad, u0, v0, u1, v1):
    return [face_point(quad, u, v)
            for u, v in ((u0, v0), (u1, v0), (u1, v1), (u0, v1))]


def face3d(pr, axis, c, a0, a1, b0, b1):
    """Projected rectangle lying in the plane axis == c (x: a=z b=y;
    y: a=x b=z; z: a=x b=y), corners ordered for face_point()."""
    at = {"x": lambda a, b: (c, b, a), "y": lambda a, b: (a, c, b),
          "z": lambda a, b: (a, b, c)}[axis]
    return [pr(*at(a, b)) for a, b in ((a0, b0), (a1, b0), (a1, b1),
                                       (a0, b1))]


# ------------------------------------------------------- 1 trade-fair booth
BW, BD = 18.0, 12.0  # the stand's floor, metres
WALL = 4.6  # height of its back walls


def face_ellipse(p, quad, cu, cv, ru, rv, fill, n=36):
    """An ellipse drawn on a face (round door, fan grille): centre (cu, cv) and
    radii in the face's own 0..1 coordinates."""
    poly(p, [face_point(quad, cu + ru * math.cos(a), cv + rv * math.sin(a))
             for a in (2 * math.pi * k / n for k in range(n))], fill)


def face_line(p, quad, u0, v0, u1, v1, color, width):
    line(p, face_point(quad, u0, v0), face_point(quad, u1, v1), color, width)


def draw_trade_fair(p, rng):
    """A home-appliance maker's stand at a trade fair, seen from above: white
    walls with neutral light-box signage (no text, no logo), split and
    floor-standing air conditioners, fridges, washers, a central island,
    reception, a meeting corner and visitors."""
    iso = Iso(62, 1050, 400)
    rect(p, 0, 0, W, H, "#0c1d31")
    for i in range(-12, 13):  # hall floor: large tiles
        for j in range(-12, 13):
            x0, y0 = i * 3.0, j * 3.0
            iso.flat(p, x0 + .03, y0 + .03, x0 + 2.97, y0 + 2.97,
                     "#112740" if (i + j) % 2 else "#10243b")
    for a in (-4.2, BD + 1.2):  # carpeted aisles around the stand
        iso.flat(p, -40, a, 40, a + 3, "#17314f")
    for a in (-4.2, BW + 1.2):
        iso.flat(p, a, -40, a + 3, 40, "#17314f")
    things = []

    def add(x0, y0, z0, x1, y1, z1, fn, **kw):
        things.append(Thing(x0, y0, z0, x1, y1, z1,
                            partial(fn, iso=iso, **kw)))

    # neighbouring stands, low and unlit, so ours reads as one of many
    for nx, ny, nw, nd in ((-13, 0, 8.5, 5.5), (-13, 6.5, 8.5, 6.5),
                           (BW + 4.5, -3, 8, 8), (BW + 4.5, 6, 8, 9),
                           (0, BD + 4.5, 8, 6), (9, BD + 4.5, 9, 6),
                           (-13, BD + 4.5, 8.5, 6), (0, -14, 18, 9.5)):
        add(nx, ny, 0, nx + nw, ny + nd, 2.4, neighbour_stand,
            x=nx, y=ny, w=nw, d=nd, seed=rng.random())
    # our stand: its raised floor first, under everything on it
    iso.box(p, 0, 0, 0, BW, BD, .18, "#dfe8ef", "#9fb1c2", "#7f93a7")
    iso.flat(p, 4, 3, BW - 2, BD - 1.5, "#e9f0f5", .18)
    for k, (cx, cy) in enumerate(((7, 5), (12, 7.5), (5, 9), (14, 3.5))):
        glow(p, *iso(cx, cy, .18), 260, ICE, 110 if k == 0 else 80, .58)
    add(0, 0, 0, BW, .45, WALL + 1.1, back_wall)
    add(0, .45, 0, .45, BD, WALL + 1.1, side_wall)
    for k in range(6):  # split units on the back wall, two rows
        for row, z in enumerate((2.1, 3.2)):
            x0 = 1.2 + k * 2.2 + (0 if row == 0 else 1.1)
            if x0 > BW - 6.5:  # the right end of the wall is the screen's
                continue
            add(x0, .45, z, x0 + 1.3, .75, z + .36, split_unit, x=x0, z=z)
    for k in range(3):  # fridges along the side wall
        y0 = 1.6 + k * 1.25
        add(.6, y0, .18, 1.45, y0 + 1.05, 2.1, fridge, x=.6, y=y0,
            tone=("#e7edf2", "#d9c6a5", "#3a4656")[k])
    for k in range(4):  # washers on a plinth along the side wall
        y0 = 6 + k * .9
        add(.55, y0, .18, 1.35, y0 + .8, 1.3, washer, x=.55, y=y0)
    for k in range(5):  # floor-standing units on a plinth, back wall
        x0 = 2 + k * 1.4
        add(x0, 1.0, .18, x0 + .6, 1.45, 2.35, column_unit, x=x0, y=1.0,
            lamp=(CYAN, AMBER)[k % 2])
    for k in range(3):  # outdoor units and a VRF module, right side
        x0 = 10.2 + k * 1.5
        add(x0, 1.0, .18, x0 + 1.1, 1.5, 1.1, outdoor_unit, x=x0, y=1.0)
    add(15.1, .9, .18, 16.7, 2.0, 2.2, vrf_unit, x=15.1, y=.9)
    add(6.2, 4.3, .18, 8.8, 6.7, 2.7, island, x=6.2, y=4.3)  # centre piece
    add(12.5, 9.2, .18, 15.7, 10.2, 1.3, counter, x=12.5, y=9.2)
    for tx, ty in ((11, 4.5), (13.4, 5.6)):  # meeting corner
        add(tx - .55, ty - .55, .18, tx + .55, ty + .55, 1.0, table,
            x=tx, y=ty)
    people = [(5.2, 8.2, "#385a7d"), (8.6, 8.6, "#7d5a4a"),
              (10.4, 7.9, "#2f4f6a"), (3.2, 5.6, "#5a4f7d"),
              (14.2, 8.0, "#4a6a5a"), (12.3, 3.9, "#6a6f78"),
              (8.6, 10.6, "#3d4e66"), (16.6, 6.3, "#7a6650"),
              (9.6, 2.7, "#54627a"), (2.4, 2.8, "#6a5a6e"),
              (-2.6, 4.5, "#3a4a5f"), (-2.3, 9.8, "#5e5468"),
              (4.5, 13.8, "#44566b"), (12.2, 14.0, "#6b5a4b"),
              (20.0, 11.0, "#3f5566"), (19.8, 2.4, "#59636e")]
    for px, py, shirt in people:
        base = .18 if 0 < px < BW and 0 < py < BD else 0
        add(px - .3, py - .25, base, px + .3, py + .25, base + 1.75, visitor,
            x=px, y=py, z=base, shirt=shirt, seed=rng.random())
    for thing in depth_order(things, iso):
        thing.draw(p)
    rect(p, 0, 0, W, 260, vfade(0, 260, "#060f1c", 200, 0))
    rect(p, 0, H - 300, W, 300, vfade(H - 300, H, NAVY, 0, 170))


def neighbour_stand(p, iso, x, y, w, d, seed):
    """Another exhibitor's stand, dimmer than ours: low walls, a plain light
    strip, a few white products."""
    rng = random.Random(seed)
    iso.box(p, x, y, 0, w, d, .12, "#1b3450", "#152a42", "#112338")
    lq, _ = iso.box(p, x, y, 0, w, .3, 2.4, "#3f5a76", "#2b4560", "#223a53")
    poly(p, sub_quad(lq, .05, .8, .95, .88), col(ICE, 60))
    _, rq = iso.box(p, x, y + .3, 0, .3, d - .3, 2.4, "#3f5a76", "#2b4560",
                    "#26405a")
    poly(p, sub_quad(rq, .05, .8, .95, .88), col(ICE, 45))
    for _ in range(2):
        bx, by = x + rng.uniform(1, w - 2.2), y + rng.uniform(1, d - 2)
        iso.box(p, bx, by, .12, 1.0, .7, rng.uniform(.9, 1.8), "#5f7892",
                "#4a627b", "#3d5469")


def back_wall(p, iso):
    lq, _ = iso.box(p, 0, 0, 0, BW, .45, WALL, "#f4f7fa", "#e6edf3",
                     "#c2cfdb")
    # header light box along the top: neutral signage, a soft gradient and
    # a thin accent line (no lettering, no logo)
    hq, _ = iso.box(p, 0, 0, WALL, BW, .5, 1.1, "#dfe7ee",
                    lin(*iso(0, .5, WALL), *iso(BW, .5, WALL), [
                        (0, "#1c6fd1"), (.55, "#22b5dd"), (1, "#1c6fd1")]),
                    "#14508f")
    poly(p, sub_quad(hq, 0, .12, 1, .2), col(ICE, 200))
    for k in range(4):  # airflow pictogram: three soft waves, repeated
        u0 = .08 + k * .24
        for m in range(3):
            pts = [face_point(hq, u0 + t * .12, .45 + m * .14 + .05 *
                              math.sin(t * 6.3)) for t in
                   (n / 12 for n in range(13))]
            for a, b in itertools.pairwise(pts):
                line(p, a, b, col(ICE, 150), 3)
    # a wide product screen at the right end of the back wall
    scr = sub_quad(lq, .66, .28, .97, .86)
    poly(p, scr, "#0b2a4a")
    poly(p, sub_quad(scr, .03, .06, .97, .94), lin(
        *face_point(scr, 0, 0), *face_point(scr, 1, 1), [
            (0, "#1a4c80"), (.5, "#2f8cd6"), (1, "#7fd7f0")]))
    for m in range(5):  # a calm image on it: cool air over a horizon
        pts = [face_point(scr, .05 + t * .9, .3 + m * .1 + .04 *
                          math.sin(t * 7 + m)) for t in (n / 16 for n in
                                                        range(17))]
        for a, b in itertools.pairwise(pts):
            line(p, a, b, col(ICE, 110 - m * 15), 2.5)
    poly(p, sub_quad(lq, 0, .04, 1, .07), col(CYAN, 200))  # skirting light


def side_wall(p, iso):
    _, rq = iso.box(p, 0, .45, 0, .45, BD - .45, WALL, "#f4f7fa", "#e6edf3",
                    "#d3dde6")
    panel = sub_quad(rq, .52, .38, .96, .92)  # a second neutral light box
    poly(p, panel, lin(*panel[0], *panel[2], [(0, "#e9f6fb"), (1, "#9fdcf0")]))
    for m in range(3):
        face_line(p, panel, .1, .3 + m * .18, .9, .3 + m * .18,
                  col("#1c6fd1", 120), 3)
    iso.box(p, 0, .45, WALL, .5, BD - .45, 1.1, "#dfe7ee", "#1c6fd1",
            lin(*iso(.5, BD, WALL), *iso(.5, 0, WALL), [
                (0, "#1c6fd1"), (1, "#22b5dd")]))
    poly(p, sub_quad(rq, 0, .04, 1, .07), col(CYAN, 200))


def split_unit(p, iso, x, z):
    lq, _ = iso.box(p, x, .45, z, 1.3, .3, .36, "#ffffff", "#eef3f7",
                    "#b9c7d4")
    face_line(p, lq, .06, .25, .94, .25, "#8a9bad", 2.5)  # air outlet
    glow(p, *face_point(lq, .88, .72), 9, CYAN, 255)


def fridge(p, iso, x, y, tone):
    _, rq = iso.box(p, x, y, .18, .85, 1.05, 1.92, QColor(tone).lighter(106),
                    QColor(tone).darker(108), tone)
    face_line(p, rq, .5, .04, .5, .97, col("#000000", 60), 2)  # two doors
    for u in (.44, .56):
        face_line(p, rq, u, .55, u, .8, "#8d9aa8", 4)
    poly(p, sub_quad(rq, .62, .62, .88, .78), col("#0b2a4a", 200))  # panel


def washer(p, iso, x, y):
    _, rq = iso.box(p, x, y, .18, .8, .8, 1.05, "#f6f9fb", "#dfe7ee",
                    "#eef3f7")
    face_ellipse(p, rq, .5, .42, .33, .3, "#9fb1c2")
    face_ellipse(p, rq, .5, .42, .26, .24, "#26384d")
    face_ellipse(p, rq, .42, .5, .08, .07, col(ICE, 120))
    face_line(p, rq, .12, .88, .4, .88, "#9fb1c2", 3)


def column_unit(p, iso, x, y, lamp):
    iso.box(p, x - .1, y - .1, .18, .8, .65, .25, "#ffffff", "#dfe7ee",
            "#c2cfdb")  # plinth
    lq, _ = iso.box(p, x, y, .43, .6, .45, 1.85, "#ffffff", "#eef3f7",
                     "#c9d5e0")
    poly(p, sub_quad(lq, .15, .72, .85, .9), "#c9d5e0")  # outlet
    face_line(p, lq, .5, .2, .5, .6, lamp, 5)
    glow(p, *face_point(lq, .5, .45), 36, lamp, 120)


def outdoor_unit(p, iso, x, y):
    lq, _ = iso.box(p, x, y, .18, 1.1, .5, .85, "#f2f5f8", "#e2e9ef",
                    "#b7c5d2")
    face_ellipse(p, lq, .4, .5, .28, .36, "#8fa1b3")
    face_ellipse(p, lq, .4, .5, .23, .3, "#4c5f74")
    for k in range(4):  # fan guard rings
        face_ellipse(p, lq, .4, .5, .2 - k * .045, .26 - k * .06,
                     col("#8fa1b3", 90))
    for k in range(6):
        face_line(p, lq, .78, .2 + k * .12, .92, .2 + k * .12, "#9fb1c2", 2)


def vrf_unit(p, iso, x, y):
    lq, rq = iso.box(p, x, y, .18, 1.6, 1.1, 2.0, "#e6edf3", "#d3dde6",
                     "#aebdcb")
    for k in range(8):  # coil grille
        face_line(p, lq, .06, .12 + k * .1, .94, .12 + k * .1, "#9fb1c2", 2)
        face_line(p, rq, .06, .12 + k * .1, .94, .12 + k * .1, "#8d9fb1", 2)
    for fx in (.28, .72):  # two fans on top
        cx, cy = iso(x + 1.6 * fx, y + .55, 2.18)
        dot(p, cx, cy, 26, 15, "#4c5f74")
        dot(p, cx, cy, 20, 11, "#334558")


def island(p, iso, x, y):
    """The centre piece: a white podium, a tall floor unit on a lit disc."""
    iso.box(p, x, y, .18, 2.6, 2.4, .45, "#ffffff", "#e6edf3", "#c2cfdb")
    cx, cy = iso(x + 1.3, y + 1.2, .63)
    glow(p, cx, cy, 130, CYAN, 140, .58)
    dot(p, cx, cy, 70, 40, col(ICE, 230))
    lq, _ = iso.box(p, x + 1.0, y + .95, .63, .6, .5, 2.0, "#ffffff",
                     "#eef3f7", "#c9d5e0")
    face_line(p, lq, .5, .18, .5, .62, AMBER, 6)
    poly(p, sub_quad(lq, .12, .75, .88, .92), "#c9d5e0")
    glow(p, *face_point(lq, .5, .4), 60, AMBER, 110)


def counter(p, iso, x, y):
    lq, _ = iso.box(p, x, y, .18, 3.2, 1.0, 1.1, "#f7fafc", "#e6edf3",
                     "#c9d5e0")
    poly(p, sub_quad(lq, 0, .78, 1, .86), col(CYAN, 220))
    iso.box(p, x - .05, y - .05, 1.28, 3.3, 1.1, .08, "#ffffff", "#dfe7ee",
            "#c2cfdb")


def table(p, iso, x, y):
    cx, cy = iso(x, y, .18)
    dot(p, cx, cy + 4, 40, 22, col("#000000", 50))
    line(p, (cx, cy), iso(x, y, .95), "#9fb1c2", 6)
    tx, ty = iso(x, y, .95)
    dot(p, tx, ty + 3, 42, 24, "#c2cfdb")
    dot(p, tx, ty, 42, 24, "#ffffff")


def visitor(p, iso, x, y, z, shirt, seed):
    """A fair visitor in isometric view: legs, torso, arms, head."""
    rng = random.Random(seed)
    u = iso.u
    fx, fy = iso(x, y, z)
    dot(p, fx + 6, fy + 3, .36 * u, .18 * u, col("#000000", 70))
    legs = "#1c2533" if rng.random() < .7 else "#3b4a5c"
    stride = rng.uniform(-.08, .08) * u
    for s in (-1, 1):
        line(p, (fx + s * .09 * u, fy - .1 * u), (fx + s * .1 * u + s * stride,
                                                  fy - .85 * u), legs,
             .13 * u)
    body = QPainterPath()
    body.addRoundedRect(QRectF(fx - .2 * u, fy - 1.45 * u, .4 * u, .68 * u),
                        .12 * u, .12 * u)
    p.setPen(Qt.NoPen)
    p.setBrush(lin(fx - .2 * u, 0, fx + .2 * u, 0, [
        (0, QColor(shirt).lighter(125)), (1, QColor(shirt).darker(115))]))
    p.drawPath(body)
    for s in (-1, 1):
        line(p, (fx + s * .2 * u, fy - 1.36 * u), (fx + s * .24 * u,
                                                  fy - .9 * u),
             QColor(shirt).darker(110), .1 * u)
    dot(p, fx, fy - 1.62 * u, .13 * u, .14 * u, "#c9a88a")
    hair = ("#1b1b22", "#2b2320", "#3a3a40")[rng.randrange(3)]
    p.setBrush(QColor(hair))
    p.drawPie(QRectF(fx - .14 * u, fy - 1.77 * u, .28 * u, .28 * u),
              0, 180 * 16)
    if rng.random() < .4:  # a lanyard badge
        rect(p, fx - .05 * u, fy - 1.2 * u, .1 * u, .13 * u, "#f4f7fb", 2)


# ------------------------------------------------- 2 energy-storage factory
def draw_gigafactory(p, rng):
    vx, vy, f = 1200, 470, 900
    floor, ceil, wall, far = 7.0, -12.0, 18.0, 260.0

    def pr(x, y, z):
        return vx + x * f / z, vy + y * f / z

    face = partial(face3d, pr)
    rect(p, 0, 0, W, H, NAVY)
    poly(p, face("y", ceil, -wall, wall, 1, far),
         lin(0, 0, 0, vy, [(0, "#0a1a31"), (1, "#1d4670")]))
    for s in (-1, 1):
        poly(p, face("x", s * wall, 1, far, ceil, floor), lin(
            vx + s * 1200, 0, vx, 0, [(0, "#0b1f38"), (1, "#27557f")]))
    poly(p, face("y", floor, -wall, wall, 1, far),
         lin(0, H, 0, vy, [(0, "#7f98b1"), (1, "#d6e7f0")]))
    (x0, y0), (x1, y1) = pr(-wall, ceil, far), pr(wall, floor, far)
    rect(p, x0, y0, x1 - x0, y1 - y0, lin(0, y0, 0, y1, [
        (0, "#c7f3ff"), (1, "#ffe2b5")]))  # open gate at the far end
    glow(p, vx, vy, 700, ICE, 150, .55)
    for xs in (-9, 0, 9):  # skylight strips
        poly(p, face("y", ceil, xs - .8, xs + .8, 2, far), col(ICE, 150))
    for z in range(6, 250, 12):  # roof beams and wall columns
        poly(p, face("z", z, -wall, wall, ceil, ceil + .5), "#2d6190")
        for s in (-1, 1):
            poly(p, face("z", z, s * wall, s * (wall - .6), ceil, floor),
                 "#1f4b75")
    for x, y, r, c in ((-17, -4, .3, AMBER), (-17, -3, .25, CYAN),
                       (17, -4, .3, CYAN), (17, -3, .25, WARM),
                       (-4.5, -10.5, .25, "#7fd7e6"),
                       (4.5, -10.5, .25, "#7fd7e6")):
        poly(p, face("x", x, 5, far, y - r, y + r), c)  # pipe runs
    for z in range(220, 10, -9):  # flow-battery electrolyte tanks
        for s in (-1, 1):
            (ax, ay), (bx, by) = pr(s * 15 - 1.4, -.5, z), \
                pr(s * 15 + 1.4, floor, z)
            rect(p, ax, ay, bx - ax, by - ay, lin(ax, 0, bx, 0, [
                (0, "#56789a"), (.4, "#eef5fa"), (1, "#3d5f80")]),
                 (bx - ax) * .3)
            rect(p, ax, ay + (by - ay) * .3, bx - ax, (by - ay) * .05,
                 CYAN if s < 0 else WARM)
            poly(p, face("z", z, s * 15 - .15, s * 15 + .15, -4, -.4),
                 "#8fb0c8")
    for s in (-1, 1):  # lane markings
        poly(p, face("y", floor, s * 2.2, s * 2.4, 2, far), AMBER)
    rows = [(s, xi, z) for s in (-1, 1) for xi in (3.2, 7.6)
            for z in range(10, 200, 14)]
    for s, xi, z in sorted(rows, key=lambda r: (-r[2], -r[1])):
        draw_container(p, face, s * xi, s * (xi + 2.5), 4.1, floor, z)
    for z, x in ((34, .3), (60, -.8)):  # AGVs and workers in the aisle
        (ax, ay), (bx, by) = pr(x - .7, floor - .5, z), pr(x + .7, floor, z)
        rect(p, ax, ay, bx - ax, by - ay, "#f1f6f9", 4)
        glow(p, (ax + bx) / 2, ay, 1500 / z, CYAN, 220)
    for z, x in ((22, 1.4), (27, -1.2), (48, 1.2)):
        bx, by = pr(x, floor, z)
        person(p, bx, by, 1.75 * f / z, "#1a2f4a")
        rect(p, bx - 90 / z, by - 1600 / z, 180 / z, 72 / z, AMBER, 3)
    rect(p, 0, 0, W, H, lin(0, 0, 0, H, [
        (0, col(NAVY, 140)), (.3, col(NAVY, 0)), (.78, col(NAVY, 0)),
        (1, col(NAVY, 170))]))


def draw_container(p, face, xi, xo, top, floor, z, length=12):
    """Battery-storage container seen from the aisle: roof, side, front."""
    zl = z + length
    poly(p, face("y", top, xi, xo, z, zl), "#b5c7d6")
    side = face("x", xi, z, zl, floor, top)
    poly(p, side, lin(*side[0], *side[1], [(0, "#f4f8fb"), (1, "#c9d7e3")]))
    for k in range(1, 12):  # vent ribs, teal band, status lights
        line(p, face_point(side, k / 12, .1), face_point(side, k / 12, .72),
             "#b3c3d2", max(1.0, 40 / z))
    poly(p, sub_quad(side, 0, .8, 1, .88), TEAL)
    for k in (.25, .75):
        glow(p, *face_point(side, k, .5), 160 / z, CYAN, 255)
    front = face("z", z, xi, xo, floor, top)
    poly(p, front, "#dfe8f0")
    poly(p, sub_quad(front, .12, .2, .88, .62), "#c4d2de")
    poly(p, sub_quad(front, 0, .8, 1, .88), TEAL)
    lo, hi, cap = xi * .8 + xo * .2, xi * .2 + xo * .8, top - .45
    poly(p, face("x", lo, z + 2, z + 5, top, cap), "#d6e2ec")  # cooler
    poly(p, face("y", cap, lo, hi, z + 2, z + 5), "#9fb4c7")
    poly(p, face("z", z + 2, lo, hi, top, cap), "#eef4f8")


# ---------------------------------------------------------- 3 eVTOL at dusk
SUN = (-.55, -.62, .56)  # low sun behind the aircraft, on its right


def draw_evtol(p, rng):
    """An unmanned passenger multicopter (无人驾驶航空器, 载人飞行) over
    Zhuhai's coast at dusk: hills and the shore city on the left, the bay,
    and the long sea bridge on the horizon."""
    hz, sun_x = 430, 1900
    rect(p, 0, 0, W, hz + 2, lin(0, 0, 0, hz, [
        (0, "#0a1838"), (.45, "#26497c"), (.74, "#7d6c98"),
        (.9, "#ef9a70"), (1, "#ffd08f")]))
    glow(p, sun_x, hz - 10, 760, AMBER, 190, .38)
    glow(p, sun_x, hz - 16, 44, "#fff4dc", 255)
    for _ in range(9):  # long thin clouds lit from below
        glow(p, rng.uniform(0, W), rng.uniform(90, 330), rng.uniform(260, 520),
             "#ffb48c", rng.randint(40, 80), .045)
    ridge(p, rng, hz + 2, 46, "#8a6f93", 1150, 1640)  # islands far away
    ridge(p, rng, hz + 2, 30, "#7d6890", 2080, 2460)
    rect(p, 0, hz, W, H - hz, lin(0, hz, 0, H, [
        (0, "#e0a28a"), (.05, "#6f79a3"), (.22, "#2b4a7a"), (.6, "#10264a"),
        (1, "#06122a")]))
    for _ in range(130):  # the sun's path on the water
        y = hz + 6 + (H - hz) * rng.random() ** 2.2
        near = (y - hz) / (H - hz)
        w = rng.uniform(10, 40) * (1 + 3 * near)
        rect(p, sun_x + rng.gauss(0, 25 + 160 * near) - w / 2, y, w,
             1.5 + 3 * near, col(AMBER, int(rng.randint(60, 170) * (1 - .6 * near))),
             1.5)
    draw_sea_bridge(p, hz)
    draw_coast(p, rng, hz)
    draw_multicopter(p, Camera(-38, 28, 13.5, 1600, 1280, 740), SUN)


def draw_sea_bridge(p, hz):
    """The long sea bridge far off, along the horizon: deck, piers, and the
    three cable-stayed navigation spans."""
    y0, y1 = hz + 26, hz + 12
    x0, x1 = 640, W + 20
    for k in range(70):  # piers
        t = k / 69
        x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        rect(p, x - 1.5, y, 3, 7 - 3 * t, "#3a3558")
    for t in (.22, .45, .7):  # pylons with fans of cables
        x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        top = y - 46 + 14 * t
        for k in range(1, 7):
            for s in (-1, 1):
                line(p, (x, top + k * 3), (x + s * k * 13, y), col("#4a4268", 200),
                     1.2)
        rect(p, x - 2.5, top, 5, y - top + 2, "#3a3558")
        glow(p, x, top, 6, "#ff6b5b", 220)
    line(p, (x0, y0), (x1, y1), "#3a3558", 4)
    for k in range(40):  # its lamps
        t = k / 39
        glow(p, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t - 3, 5, AMBER, 200)


def shore(t):
    """A point on the shoreline: t=0 where it meets the horizon, t=1 at the
    bottom left of the picture, nearest to us."""
    return 760 - 780 * t ** .9 + 60 * math.sin(t * 9) * t, 432 + 930 * t ** 1.3


def draw_coast(p, rng, hz):
    """Zhuhai's side of the bay: green hills, the shore city, the lit coastal
    road along the water, a strip of beach."""
    edge = [shore(k / 60) for k in range(61)]
    land = QPainterPath(QPointF(-10, hz))
    for x, y in edge:
        land.lineTo(x, y)
    land.lineTo(-10, H + 10)
    land.closeSubpath()
    p.setPen(Qt.NoPen)
    p.setBrush(lin(0, hz, 0, H, [(0, "#2c4a55"), (.35, "#1c363c"),
                                 (1, "#0b1a1f")]))
    p.drawPath(land)
    ridge(p, rng, hz + 2, 150, "#3d566e", -80, 640, hz + 3)  # hills inland
    ridge(p, rng, hz + 2, 95, "#2f4a5a", 180, 780, hz + 3)
    p.setBrush(Qt.NoBrush)
    p.setPen(QPen(col("#d3a889", 170), 7))  # beach
    p.drawPolyline(QPolygonF([QPointF(*q) for q in edge]))
    road = [(x - 14 - 30 * ((y - hz) / (H - hz)), y) for x, y in edge]
    p.setPen(QPen(col("#0b161d"), 9))
    p.drawPolyline(QPolygonF([QPointF(*q) for q in road]))
    for x, y in road[1::2]:  # its street lamps
        s = .4 + 1.2 * (y - hz) / (H - hz)
        glow(p, x, y - 3, 10 * s, AMBER, 230)
    towers = []
    for _ in range(90):  # towers inland of the road, bigger when nearer
        t = rng.uniform(.01, .5) ** 1.2
        sx, sy = shore(t)
        x = sx - 40 - rng.uniform(0, 1) ** .7 * (sx + 40)
        towers.append((sy + rng.uniform(-4, 4), x, t))
    for y, x, t in sorted(towers):
        s = .3 + 2.2 * t
        w, h = rng.uniform(24, 46) * s, rng.uniform(50, 190) * s
        side, base = w * .3, y - 10 * s
        poly(p, [(x + w, base), (x + w + side, base - side * .55),
                 (x + w + side, base - h - side * .55), (x + w, base - h)],
             "#1b2a42")
        rect(p, x, base - h, w, h, lin(x, 0, x + w, 0, [
            (0, "#283a58"), (1, "#33486a")]))
        poly(p, [(x, base - h), (x + w, base - h),
                 (x + w + side, base - h - side * .55),
                 (x + side, base - h - side * .55)], "#4c6283")
        step = max(4.0, 9 * s)
        for wy in range(int(base - h + step), int(base - step), int(step)):
            for wx in range(int(x + 3 * s), int(x + w - 5 * s),
                            int(max(4.0, 8 * s))):
                if rng.random() < .2:
                    rect(p, wx, wy, 3.5 * s, 4.5 * s,
                         col(AMBER, rng.randint(120, 230)))


class Camera:
    """Perspective camera looking at the origin from ``dist`` metres, turned by
    ``yaw`` around the vertical and tilted down by ``pitch`` (degrees)."""

    def __init__(self, yaw, pitch, dist, focal, cx, cy):
        self.cy_, self.sy_ = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
        self.cp, self.sp = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))
        self.dist, self.focal, self.cx, self.cy = dist, focal, cx, cy

    def view(self, x, y, z):
        """World (x forward, y left, z up) to camera (right, up, depth)."""
        r = y * self.cy_ - x * self.sy_
        f = x * self.cy_ + y * self.sy_  # towards the camera
        u = z * self.cp - f * self.sp
        d = self.dist - (f * self.cp + z * self.sp)
        return r, u, d

    def __call__(self, x, y, z):
        r, u, d = self.view(x, y, z)
        return self.cx + r * self.focal / d, self.cy - u * self.focal / d


def shade(base, normal, sun, sky=.62, warm="#ffc9a0"):
    """Flat colour of a facet: sky light from above, a low warm sun, a cool
    bounce from the sea below."""
    nx, ny, nz = normal
    lam = max(0.0, nx * sun[0] + ny * sun[1] + nz * sun[2])
    up = (nz + 1) / 2
    b, w = QColor(base), QColor(warm)
    k = sky * (.45 + .55 * up)
    r = b.redF() * (k + w.redF() * lam * .7) + .03
    g = b.greenF() * (k + w.greenF() * lam * .62) + .04
    bl = b.blueF() * (k + w.blueF() * lam * .5) + .08 * (1 - up)
    return QColor.fromRgbF(min(1, r), min(1, g), min(1, bl))


def glass_shade(normal, sun):
    """Tinted glass: dark, reflecting the evening sky above and the sun."""
    nx, ny, nz = normal
    up = max(0.0, nz)
    refl = 2 * (nx * sun[0] + ny * sun[1] + nz * sun[2])
    spec = max(0.0, refl - 1.55) * 1.4  # a tight highlight
    r = .05 + .16 * up + spec * .9
    g = .11 + .22 * up + spec * .75
    b = .2 + .3 * up + spec * .6
    return QColor.fromRgbF(min(1, r), min(1, g), min(1, b))


class Mesh:
    """Facets in world space, each with a colour rule; drawn far to near."""

    def __init__(self, cam):
        self.cam, self.items = cam, []

    def facet(self, pts, fill, normal=None, alpha=255):
        self.items.append(("facet", pts, fill, normal, alpha))

    def custom(self, centre, draw):
        self.items.append(("custom", None, draw, None,
                           self.cam.view(*centre)[2]))

    def facing(self, pts, normal):
        """True if the facet faces the camera (the back of a closed shape
        is hidden by its front)."""
        eye = self.cam.view(*[sum(c) / len(pts) for c in zip(*pts, strict=True)])
        n = normal
        r, u, d = (self.cam.view(n[0], n[1], n[2])[k] -
                   self.cam.view(0, 0, 0)[k] for k in range(3))
        return r * eye[0] + u * eye[1] + d * eye[2] <= 0

    def depth(self, pts):
        return sum(self.cam.view(*q)[2] for q in pts) / len(pts)

    def draw(self, p, sun, inside=None):
        """Draw far to near. The glass facets we see become one shape, drawn
        when its farthest part is: ``inside`` (an image the size of the
        picture) shows through its tint, without seams between facets."""
        glass = [it for it in self.items if it[2] == "glass"
                 and self.facing(it[1], it[3])]
        items = [it for it in self.items if it[2] != "glass"]
        if glass:
            far = max(self.depth(it[1]) for it in glass)
            items.append(("custom", None, partial(
                self._glass, glass=glass, sun=sun, inside=inside), None, far))
        def depth(item):
            return -(item[4] if item[1] is None else self.depth(item[1]))
        for kind, pts, fill, normal, _ in sorted(items, key=depth):
            if kind == "custom":
                fill(p)
                continue
            if normal is not None and not self.facing(pts, normal):
                continue
            c = shade(fill, normal, sun) if normal is not None else QColor(fill)
            p.setPen(QPen(c, 1.2))
            p.setBrush(c)
            p.drawPolygon(QPolygonF([QPointF(*self.cam(*q)) for q in pts]))

    def _glass(self, p, glass, sun, inside):
        path = QPainterPath()
        path.setFillRule(Qt.WindingFill)
        for _, pts, _, _, _ in glass:
            path.addPolygon(QPolygonF([QPointF(*self.cam(*q)) for q in pts]))
        path = path.simplified()
        if inside is not None:
            p.fillPath(path, QBrush(inside))
        box = path.boundingRect()
        p.fillPath(path, lin(box.left(), box.top(), box.left() + box.width() *
                             .35, box.bottom(), [
            (0, col("#8fb4d6", 150)), (.35, col("#24466e", 165)),
            (1, col("#0b1c33", 215))]))
        for _, pts, _, normal, _ in glass:  # the sun caught in the glass
            c = glass_shade(normal, sun)
            if c.redF() > .3:
                c.setAlpha(int(min(1.0, c.redF()) * 160))
                p.setPen(Qt.NoPen)
                p.setBrush(c)
                p.drawPolygon(QPolygonF([QPointF(*self.cam(*q))
                                         for q in pts]))
        p.setPen(QPen(col("#d8e4ee", 200), 2.5))
        p.setBrush(Qt.NoBrush)
        p.drawPath(path)  # the canopy's frame


def quad_normal(a, b, c):
    ux, uy, uz = (b[k] - a[k] for k in range(3))
    vx, vy, vz = (c[k] - a[k] for k in range(3))
    n = (uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx)
    length = math.sqrt(sum(v * v for v in n)) or 1
    return tuple(v / length for v in n)


def tube(mesh, a, b, radius, fill, sides=8):
    """A cylinder between points a and b, as facets."""
    axis = [b[k] - a[k] for k in range(3)]
    length = math.sqrt(sum(v * v for v in axis))
    ax = [v / length for v in axis]
    ref = (0, 0, 1) if abs(ax[2]) < .9 else (1, 0, 0)
    u = quad_normal((0, 0, 0), tuple(ax), ref)
    v = (ax[1] * u[2] - ax[2] * u[1], ax[2] * u[0] - ax[0] * u[2],
         ax[0] * u[1] - ax[1] * u[0])
    ring = []
    for k in range(sides):
        t = 2 * math.pi * k / sides
        ring.append(tuple(math.cos(t) * u[i] + math.sin(t) * v[i]
                          for i in range(3)))
    for k in range(sides):
        n0, n1 = ring[k], ring[(k + 1) % sides]
        pts = [tuple(a[i] + radius * n0[i] for i in range(3)),
               tuple(a[i] + radius * n1[i] for i in range(3)),
               tuple(b[i] + radius * n1[i] for i in range(3)),
               tuple(b[i] + radius * n0[i] for i in range(3))]
        mesh.facet(pts, fill, tuple((n0[i] + n1[i]) / 2 for i in range(3)))


def cabin_section(t):
    """Half-width, half-height and centre height of the cabin at t (-1 tail,
    +1 nose): a teardrop, full at the front where the two seats are."""
    s = max(0.0, 1 - t * t)
    taper = 1 - .42 * max(0.0, -t) ** 1.4
    return .74 * s ** .5 * taper, .86 * s ** .46 * taper, 1.08 + .16 * max(
        0.0, -t) ** 1.2


def cabin_point(t, a):
    w, h, c = cabin_section(t)
    ca, sa = math.cos(a), math.sin(a)
    e = 2 / 2.6  # superellipse: fuller than an ellipse, not an egg
    y = w * math.copysign(abs(ca) ** e, ca)
    z = c + h * math.copysign(abs(sa) ** e, sa)
    return 1.25 * t, y, z


def canopy(t, a):
    """The glazed part, bounded along the mesh's own lines so its edges are
    smooth: a windscreen down the nose, side windows above a level sill,
    under a solid roof."""
    z = math.sin(a)
    if t < -.3 or (z > .9 and t < .3):
        return False
    return z > (-.42 if t > .55 else .08)


def draw_multicopter(p, cam, sun):
    """Two-seat unmanned passenger multicopter: a streamlined cabin, eight
    arms from its roof, a motor at each tip driving coaxial rotors above and
    below, twin skids. Built in 3D so every arm meets the cabin."""
    mesh = Mesh(cam)
    nt, na = 56, 72
    for i in range(nt):
        t0, t1 = -1 + 2 * i / nt, -1 + 2 * (i + 1) / nt
        for j in range(na):
            a0, a1 = 2 * math.pi * j / na, 2 * math.pi * (j + 1) / na
            pts = [cabin_point(t0, a0), cabin_point(t1, a0),
                   cabin_point(t1, a1), cabin_point(t0, a1)]
            tm, am = (t0 + t1) / 2, (a0 + a1) / 2
            glass = canopy(tm, am)
            n = quad_normal(pts[0], pts[1], pts[2])
            if pts[0] == pts[1] or pts[1] == pts[2]:  # at the nose or tail
                n = quad_normal(pts[0], pts[2], pts[3])
            mid = [sum(c) / 4 for c in zip(*pts, strict=True)]
            _, _, zc = cabin_section(tm)
            out = (0, mid[1], mid[2] - zc)  # away from the cabin's axis
            if tm > .9 or tm < -.9:
                out = (mid[0], mid[1], mid[2] - zc)
            if sum(a * b for a, b in zip(n, out, strict=True)) < 0:
                n = tuple(-v for v in n)
            belt = abs(math.sin(am) + .32) < .045 and tm < .82
            fill = "glass" if glass else (CYAN if belt else "#eef2f6")
            mesh.facet(pts, fill, n)
    # arms long enough, rotors small enough, that neighbouring discs stay
    # .75 m apart (2 * 2.6 sin 22.5 - 2 * .62) and the coaxial pair close
    # together: seen from this camera no disc overlaps another motor's disc
    # or arm, as on a real eight-arm passenger drone
    hub_z, tip_z, reach = 1.86, 1.98, 2.6
    for k in range(8):
        ang = math.radians(22.5 + 45 * k)
        ca, sa = math.cos(ang), math.sin(ang)
        root = (.3 * ca, .3 * sa, hub_z)
        tip = (reach * ca, reach * sa, tip_z)
        for s in range(5):  # arm in segments: sorts well against the rotors
            a = tuple(root[i] + (tip[i] - root[i]) * s / 5 for i in range(3))
            b = tuple(root[i] + (tip[i] - root[i]) * (s + 1) / 5
                      for i in range(3))
            tube(mesh, a, b, .07, "#dfe6ee", 6)
        tube(mesh, (tip[0], tip[1], tip_z - .1), (tip[0], tip[1], tip_z + .1),
             .09, "#7d8ea3", 8)  # the motor pod, between its two rotors
        for dz, r in ((.11, .62), (-.11, .59)):  # upper and lower rotor
            centre = (tip[0], tip[1], tip_z + dz)
            mesh.custom(centre, partial(rotor_disc, cam=cam, centre=centre,
                                        radius=r, warm=k in (0, 1, 7)))
    # a flat roof fairing where the arms meet
    for j in range(16):
        a0, a1 = 2 * math.pi * j / 16, 2 * math.pi * (j + 1) / 16
        mesh.facet([(0, 0, hub_z + .05), (.42 * math.cos(a0), .42 * math.sin(a0),
                     hub_z - .04), (.42 * math.cos(a1), .42 * math.sin(a1),
                                    hub_z - .04)], "#cfd8e2", (0, 0, 1))
    for side in (-1, 1):  # skids and their struts
        y = .62 * side
        tube(mesh, (-.95, y, .05), (.85, y, .05), .045, "#59677a", 6)
        tube(mesh, (.85, y, .05), (1.02, y, .16), .045, "#59677a", 6)
        for x in (-.45, .45):
            tube(mesh, (x, y, .05), (x * .8, .36 * side, .42), .04,
                 "#6b7a8e", 6)
    inside = QImage(p.device().width(), p.device().height(),
                    QImage.Format_ARGB32_Premultiplied)
    inside.fill(Qt.transparent)
    q = QPainter(inside)
    q.setRenderHint(QPainter.Antialiasing)
    cabin_inside(q, cam)
    q.end()
    mesh.draw(p, sun, inside)
    near = min((1, -1), key=lambda side: cam.view(0, side, 1)[2])
    glow(p, *cam(.1, .75 * near, 1.05), 26, "#ff4d4d" if near > 0 else
         "#2fd07e", 255)  # the navigation light on the side we see
    glow(p, *cam(0, 0, .25), 20, "#ff4d4d", 200)  # anti-collision beacon


def cabin_inside(p, cam):
    """What the glass shows: a lit cabin, two passengers in their seats."""
    cx, cy = cam(.2, 0, 1.15)
    scale = cam.focal / cam.dist
    dot(p, cx, cy, 2 * scale, 2 * scale, "#3a4a62")
    glow(p, cx, cy - .3 * scale, 1.3 * scale, "#c2ccd8", 255, .8)
    for y in (.34, -.34):  # seat backs, heads and shoulders
        sx, sy = cam(-.1, y, 1.3)
        rect(p, sx - .2 * scale, sy - .3 * scale, .4 * scale, .75 * scale,
             "#243046", .08 * scale)
        hx, hy = cam(.12, y, 1.55)
        dot(p, hx, hy + .32 * scale, .24 * scale, .17 * scale, "#101826")
        dot(p, hx, hy, .11 * scale, .13 * scale, "#0e1420")


def rotor_disc(p, cam, centre, radius, warm):
    """A spinning rotor: a faint blurred disc, its rim and two blade streaks."""
    cx, cy, cz = centre
    pts = [QPointF(*cam(cx + radius * math.cos(a), cy + radius * math.sin(a),
                        cz)) for a in (2 * math.pi * k / 48 for k in range(48))]
    p.setPen(Qt.NoPen)
    p.setBrush(col(ICE, 34))
    p.drawPolygon(QPolygonF(pts))
    p.setPen(QPen(col(ICE, 95), 2))
    p.setBrush(Qt.NoBrush)
    p.drawPolygon(QPolygonF(pts))
    for a0 in (.5, .5 + math.pi):  # blurred blades
        arc = [QPointF(*cam(cx + radius * .95 * math.cos(a0 + d),
                            cy + radius * .95 * math.sin(a0 + d), cz))
               for d in (k * .05 for k in range(9))]
        mid = QPointF(*cam(cx, cy, cz))
        p.setPen(Qt.NoPen)
        p.setBrush(col(ICE, 55))
        p.drawPolygon(QPolygonF([mid, *arc]))
    glow(p, *cam(cx, cy, cz), 14, WARM if warm else CYAN, 200)


# ------------------------------------------------------ isometric drawing
class Iso:
    """Isometric projection: x runs down-right, y down-left, z up; ``u`` px a unit."""

    def __init__(self, u, ox, oy):
        self.u, self.ox, self.oy = u, ox, oy

    def __call__(self, x, y, z=0.0):
        return (self.ox + (x - y) * .866 * self.u,
                self.oy + (x + y) * .5 * self.u - z * self.u)

    def flat(self, p, x0, y0, x1, y1, fill, z=0.0):
        poly(p, [self(x0, y0, z), self(x1, y0, z), self(x1, y1, z),
                 self(x0, y1, z)], fill)

    def box(self, p, x, y, z, w, d, h, top, left, right):
        """Box from (x, y, z) sized w, d, h; returns its two visible sides
        (the +y face on the left, the +x face on the right) as quads ordered
        for face_point(): bottom-left, bottom-right, top-right, top-left."""
        lq = [self(x, y + d, z), self(x + w, y + d, z),
              self(x + w, y + d, z + h), self(x, y + d, z + h)]
        rq = [self(x + w, y + d, z), self(x + w, y, z), self(x + w, y, z + h),
              self(x + w, y + d, z + h)]
        poly(p, [self(x, y, z + h), self(x + w, y, z + h), lq[2], lq[3]], top)
        poly(p, lq, left)
        poly(p, rq, right)
        return lq, rq


class Thing:
    """Something standing in an isometric scene: its bounding box and how to
    draw it. ``depth_order`` sorts things so nearer ones are drawn later."""

    def __init__(self, x0, y0, z0, x1, y1, z1, draw):
        self.lo, self.hi, self.draw = (x0, y0, z0), (x1, y1, z1), draw

    def behind(self, other):
        """Separated from ``other`` on some axis, on the far (smaller) side."""
        return any(self.hi[k] <= other.lo[k] + 1e-6 for k in range(3))

    def screen(self, iso):
        pts = [iso(x, y, z) for x in (self.lo[0], self.hi[0])
               for y in (self.lo[1], self.hi[1]) for z in (self.lo[2], self.hi[2])]
        xs, ys = [q[0] for q in pts], [q[1] for q in pts]
        return min(xs), min(ys), max(xs), max(ys)


def depth_order(things, iso):
    """Painter's order for non-intersecting boxes: a thing is drawn after
    everything it overlaps on screen and stands in front of."""
    boxes = [t.screen(iso) for t in things]
    after = [set() for _ in things]  # after[j]: indices drawn before j
    for i, a in enumerate(things):
        for j in range(i + 1, len(things)):
            b = things[j]
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes[i], boxes[j]
            if ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0:
                continue
            if a.behind(b):
                after[j].add(i)
            elif b.behind(a):
                after[i].add(j)
    key = [sum(t.lo) + sum(t.hi) for t in things]
    done, order = set(), []
    while len(order) < len(things):
        ready = [i for i in range(len(things))
                 if i not in done and after[i] <= done]
        if not ready:  # a cycle (never for boxes on a plan): nearest last
            ready = [i for i in range(len(things)) if i not in done]
        i = min(ready, key=lambda k: key[k])
        done.add(i)
        order.append(things[i])
    return order


def iso_tree(p, iso, rng, x, y, size=1.0):
    """Round-crowned street tree with its shadow, trunk at (x, y)."""
    sx, sy = iso(x + .25 * size, y + .25 * size)
    dot(p, sx, sy, 26 * size * iso.u / 24, 12 * size * iso.u / 24,
        col("#000000", 70))
    bx, by = iso(x, y)
    line(p, (bx, by), iso(x, y, .9 * size), "#3d2f24", 4 * iso.u / 24)
    cx, cy = iso(x, y, 1.55 * size)
    r = .78 * size * iso.u
    dot(p, cx, cy, r, r * .92, rng.choice(LEAVES[:3]))
    dot(p, cx - r * .25, cy - r * .3, r * .55, r * .5,
        col(rng.choice(LEAVES[3:]), 200))


def iso_truck(p, iso, x, y, along_x, forward=True, body="#eef3f7"):
    """Box-van lorry, 3.4 x .9 units, its rear corner at (x, y)."""
    if along_x:
        cargo, cab = (x, y, 2.5, .9), (x + 2.55, y + .05, .8, .8)
        if not forward:
            cargo, cab = (x + .85, y, 2.5, .9), (x, y + .05, .8, .8)
    else:
        cargo, cab = (x, y, .9, 2.5), (x + .05, y + 2.55, .8, .8)
        if not forward:
            cargo, cab = (x, y + .85, .9, 2.5), (x + .05, y, .8, .8)
    cx, cy, cw, cd = cargo
    glow(p, *iso(cx + cw / 2 + .3, cy + cd / 2 + .3), 70 * iso.u / 24,
         "#000000", 90, .4)
    iso.box(p, cx, cy, .12, cw, cd, 1.05, body, "#c3cfda", "#8fa2b5")
    hx, hy, hw, hd = cab
    iso.box(p, hx, hy, .12, hw, hd, .78, "#ffb070", WARM, "#c25a1c")
    face = (hx + hw, hy + hd / 2) if (along_x and forward) else \
        (hx + hw / 2, hy + hd) if forward else None
    if face:  # headlights on the cab's front, when it faces the viewer
        glow(p, *iso(*face, .35), 26 * iso.u / 24, AMBER, 220)


# ---------------------------------------------- 4 high-rise industrial park
PLOT, ROAD = 14.0, 3.4
PITCH = PLOT + ROAD
TINTS = (("#3f8fc2", "#1d5a8e"), ("#33a9bd", "#155f75"),
         ("#6a8fd6", "#27488a"))
DOCKS = (.4, 2.4, 4.4)  # where the loading bays are along a tower's +x side
LIFT = 6.3  # and its freight lift
# floors of the nine towers, plot (i, j): tall at the back, lower in front,
# so every tower shows its face and roof (none hides another's top)
FLOORS = {(0, 0): 16, (1, 0): 13, (0, 1): 14, (2, 0): 11, (1, 1): 15,
          (0, 2): 10, (2, 1): 12, (1, 2): 11, (2, 2): 9}


def draw_industrial_space(p, rng):
    """"5.0 industrial new space": a campus of high-rise factories (工业上楼)
    with freight lifts, loading docks, green roofs and solar arrays."""
    iso = Iso(18.5, 1200, 380)
    rect(p, 0, 0, W, H, "#0f3844")
    span = range(-5, 8)
    for i in span:  # plots: paved campus inside, parkland outside
        for j in span:
            x0, y0 = i * PITCH, j * PITCH
            campus = 0 <= i <= 2 and 0 <= j <= 2
            iso.flat(p, x0, y0, x0 + PLOT, y0 + PLOT,
                     "#1d5662" if campus else "#143f45")
            iso.flat(p, x0 + .5, y0 + .5, x0 + PLOT - .5, y0 + PLOT - .5,
                     "#23646f" if campus else "#184f47")
    for (i, j), floors in FLOORS.items():  # tower shadows on the ground
        x0, y0, f = i * PITCH + 1.6, j * PITCH + 1.6, floors * .45
        poly(p, [iso(x0, y0 + 8), iso(x0, y0), iso(x0 + 8, y0),
                 iso(x0 + 8 + f * .3, y0 - f), iso(x0 + f * .3, y0 - f)],
             col("#000000", 70))
    for k in span:  # roads with kerbs and lane dashes
        a = k * PITCH - ROAD
        iso.flat(p, -80, a, 140, a + ROAD, "#1b2a3c")
        iso.flat(p, a, -80, a + ROAD, 140, "#1b2a3c")
    for k in span:
        a = k * PITCH - ROAD
        for t in span:  # dashes between crossings only
            for d in range(4):
                s0 = t * PITCH + 1 + d * 3.3
                iso.flat(p, s0, a + ROAD / 2 - .07, s0 + 1.6,
                         a + ROAD / 2 + .07, col(AMBER, 190))
                iso.flat(p, a + ROAD / 2 - .07, s0, a + ROAD / 2 + .07,
                         s0 + 1.6, col(AMBER, 190))
            if -1 <= k <= 3 and -1 <= t <= 3:  # zebra crossings by the campus
                c = t * PITCH - ROAD
                for z in range(5):
                    iso.flat(p, c + ROAD + .3, a + .3 + z * .6, c + ROAD + 1.1,
                             a + .6 + z * .6, col(ICE, 70))
    things = []
    for (i, j), floors in FLOORS.items():
        x0, y0 = i * PITCH + 1.6, j * PITCH + 1.6
        tint = TINTS[(i + 2 * j) % 3]
        seed = rng.random()
        things.append(Thing(x0, y0, 0, x0 + 9.0, y0 + 8.0, floors + 1.5,
                            partial(draw_factory_tower, iso=iso, x=x0, y=y0,
                                    floors=floors, tint=tint, seed=seed)))
        for yt in DOCKS:  # lorries backed up to the loading docks
            if rng.random() < .7:
                ty = y0 + yt
                things.append(Thing(x0 + 9.4, ty, 0, x0 + 12.8, ty + .9, 1.2,
                                    partial(iso_truck, iso=iso, x=x0 + 9.4,
                                            y=ty, along_x=True)))
        for k in range(5):  # a row of trees on the plot's front edge
            tx, ty = x0 + .6 + k * 2.1, y0 + PLOT - 2.3
            things.append(Thing(tx - .5, ty - .5, 0, tx + .5, ty + .5, 2.3,
                                partial(iso_tree, iso=iso, rng=random.Random(
                                    seed + k), x=tx, y=ty)))
    for i in span:  # park trees outside the campus
        for j in span:
            if 0 <= i <= 2 and 0 <= j <= 2:
                continue
            if rng.random() < .35:  # a low hall: ancillary sheds, canteens
                hx, hy = i * PITCH + 2, j * PITCH + 2
                hw, hd = rng.uniform(6, 10), rng.uniform(5, 9)
                hh = rng.choice((1.5, 2, 3))
                things.append(Thing(hx, hy, 0, hx + hw, hy + hd, hh, partial(
                    low_hall, iso=iso, x=hx, y=hy, w=hw, d=hd, h=hh)))
                continue
            for _ in range(5):
                tx = i * PITCH + rng.uniform(1.2, PLOT - 1.2)
                ty = j * PITCH + rng.uniform(1.2, PLOT - 1.2)
                things.append(Thing(tx - .5, ty - .5, 0, tx + .5, ty + .5,
                                    2.3, partial(iso_tree, iso=iso,
                                                 rng=random.Random(tx * ty),
                                                 x=tx, y=ty, size=1.2)))
    for k in span:  # lorries driving in their lanes
        a = k * PITCH - ROAD
        for t in span:
            if rng.random() < .3:
                s0 = t * PITCH + rng.uniform(1, PLOT - 4.5)
                fwd = rng.random() < .5
                lane = a + (ROAD / 2 + .35 if fwd else ROAD / 2 - 1.25)
                things.append(Thing(s0, lane, 0, s0 + 3.4, lane + .9, 1.2,
                                    partial(iso_truck, iso=iso, x=s0, y=lane,
                                            along_x=True, forward=fwd)))
            if rng.random() < .3:
                s0 = t * PITCH + rng.uniform(1, PLOT - 4.5)
                fwd = rng.random() < .5
                lane = a + (ROAD / 2 - 1.25 if fwd else ROAD / 2 + .35)
                things.append(Thing(lane, s0, 0, lane + .9, s0 + 3.4, 1.2,
                                    partial(iso_truck, iso=iso, x=lane, y=s0,
                                            along_x=False, forward=fwd)))
    # a glazed skybridge between the two middle towers, over the road
    bx0, bx1 = 1 * PITCH + 1.6 + 8.0, 2 * PITCH + 1.6
    by = 1 * PITCH + 1.6 + 4.0
    things.append(Thing(bx0, by, 8, bx1, by + 1.6, 9.3, partial(
        skybridge, iso=iso, x0=bx0, x1=bx1, y=by, z=8)))
    # a lorry whose wheels a nearer building hides while its box shows above
    # that building's roof reads as parked on the roof, and one whose wheels
    # a tree's crown hides as standing on the grass: leave those out
    blocks = [t for t in things if t.draw.func in (draw_factory_tower,
                                                   low_hall, skybridge)]
    for t in things:
        if t.draw.func is iso_tree:  # the crown, as a box
            kw = t.draw.keywords
            x, y, s = kw["x"], kw["y"], kw.get("size", 1.0)
            blocks.append(Thing(x - .45 * s, y - .45 * s, .85 * s,
                                x + .45 * s, y + .45 * s, 2.25 * s, None))
    things = [t for t in things if t.draw.func is not iso_truck
              or not on_a_roof(t, blocks)]
    for thing in depth_order(things, iso):
        thing.draw(p)
    rect(p, 0, 0, W, 420, lin(0, 0, 0, 420, [(0, col("#0c2442", 230)),
                                             (.5, col("#0f3844", 90)),
                                             (1, col("#0f3844", 0))]))
    rect(p, 0, H - 300, W, 300, vfade(H - 300, H, NAVY, 0, 170))


def hides(block, x, y, z):
    """Whether ``block`` stands between the point and the viewer: the ray
    towards the viewer, direction (1, 1, 1) in Iso's projection, enters it."""
    t0, t1 = 1e-6, math.inf
    for k, v in enumerate((x, y, z)):
        t0 = max(t0, block.lo[k] - v)
        t1 = min(t1, block.hi[k] - v)
    return t0 < t1


def on_a_roof(lorry, blocks, n=6):
    """Whether the lorry seems to stand on a roof or a tree in front of it:
    over its footprint, some point on the ground is hidden while the top of
    the lorry right above it shows (a lorry wholly hidden, or one peeking out
    beside a wall with its wheels in view, reads right)."""
    (x0, y0, _), (x1, y1, z1) = lorry.lo, lorry.hi
    for a in range(n + 1):
        for b in range(n + 1):
            x, y = x0 + (x1 - x0) * a / n, y0 + (y1 - y0) * b / n
            if any(hides(k, x, y, 0) for k in blocks) and \
                    not any(hides(k, x, y, z1) for k in blocks):
                return True
    return False


def low_hall(p, iso, x, y, w, d, h):
    """Low ancillary building around the campus, in muted colours."""
    iso.box(p, x, y, 0, w, d, h, "#4f6b7a", "#2c4656", "#213848")
    iso.flat(p, x + .4, y + .4, x + w - .4, y + d - .4, "#5b7888", h)
    for k in range(int(w) - 1):
        line(p, iso(x + 1 + k, y + d, h * .35), iso(x + 1 + k, y + d, h * .8),
             col(AMBER, 90), 3)


def skybridge(p, iso, x0, x1, y, z):
    lq, _ = iso.box(p, x0, y, z, x1 - x0, 1.6, 1.3, "#9fd9e8",
                     col("#7fd0e6", 210), col("#3c8fb0", 220))
    for k in range(1, 12):
        line(p, face_point(lq, k / 12, 0), face_point(lq, k / 12, 1),
             col(ICE, 90), 1.5)
    poly(p, sub_quad(lq, 0, .35, 1, .7), col(AMBER, 70))


def draw_factory_tower(p, iso, x, y, floors, tint, seed):
    """Multi-storey factory: a podium with loading docks, glass floors with
    ribbon windows, a freight lift, a green roof with solar panels."""
    rng = random.Random(seed)
    w = d = 8.0
    # podium: two tall floors, roll-up dock doors on the +x side where the
    # lorries back up (DOCKS), a glazed lobby on the +y side
    lq, rq = iso.box(p, x, y, 0, w, d, 2, "#2b4e63", "#34607a", "#244459")
    for k, yt in enumerate(DOCKS):
        door = sub_quad(rq, (d - yt - 1.0) / d, .05, (d - yt + .1) / d, .72)
        poly(p, door, col(AMBER, 215) if k != 1 else "#9fb2c4")
        for m in range(1, 6):
            line(p, face_point(door, 0, m / 6), face_point(door, 1, m / 6),
                 col("#000000", 40), 1.2)
    for m in range(5):
        poly(p, sub_quad(lq, .06 + m * .19, .2, .19 + m * .19, .8),
             col(rng.choice((AMBER, ICE)), 150))
    top = floors
    lq, rq = iso.box(p, x, y, 2, w, d, top - 2, "#2f8f5a",
                     QColor(tint[1]).darker(110), QColor(tint[1]).darker(150))
    levels = int(top - 2)
    for q, glass, frame, lit in ((lq, QColor(tint[0]), QColor(tint[1]), .22),
                                 (rq, QColor(tint[1]).darker(125),
                                  QColor(tint[1]).darker(190), .12)):
        poly(p, q, frame)  # spandrels between the floors
        for k in range(levels):  # ribbon windows, one band a floor
            band = sub_quad(q, 0, (k + .3) / levels, 1, (k + .92) / levels)
            poly(p, band, glass.lighter(100 + 3 * k))
            cols = 6
            for m in range(cols):
                if rng.random() < lit:
                    poly(p, sub_quad(band, m / cols + .01, .08,
                                     (m + 1) / cols - .01, .92),
                         col(rng.choice((AMBER, AMBER, ICE)),
                             rng.choice((150, 190, 230))))
                line(p, face_point(band, m / cols, 0),
                     face_point(band, m / cols, 1), frame, 1.2)
    # green roof with a parapet, shrubs and a solar array
    iso.flat(p, x + .35, y + .35, x + w - .35, y + d - .35, "#3bb070", top)
    for k in range(3):
        x0 = x + .9 + k * 2.3
        iso.box(p, x0, y + .9, top, 1.9, 3.2, .25, "#1b3f7a", "#163465",
                "#10284f")
        for m in range(1, 4):
            line(p, iso(x0, y + .9 + m * .8, top + .25),
                 iso(x0 + 1.9, y + .9 + m * .8, top + .25), col(ICE, 60), 1)
    for _ in range(6):
        tx, ty = x + rng.uniform(3, w - 1.5), y + rng.uniform(5, d - 1)
        dot(p, *iso(tx, ty, top + .3), 12, 9, rng.choice(LEAVES[1:]))
    iso.box(p, x + 1, y + 5.6, top, 1.6, 1.6, .9, "#c9d6e0", "#9fb2c4",
            "#7a8ea2")  # rooftop plant room
    # glass freight lift shaft on the dock side, up to the roof
    iso.box(p, x + w, y + LIFT, 0, 1.0, 1.6, top + 1.5, "#a8eef7",
            col(CYAN, 150), col("#1fa7bd", 175))
    car = rng.uniform(3, top - 2)
    iso.box(p, x + w + .1, y + LIFT + .2, car, .8, 1.2, 1.1, "#fff4d8",
            col(AMBER, 230), col("#e0a040", 230))


# ------------------------------------------------------------------ driver
SCENES = [
    ("gree-canton-fair", draw_trade_fair, 11),
    ("weijing-gigafactory", draw_gigafactory, 22),
    ("evtol-flight", draw_evtol, 33),
    ("industrial-space-5", draw_industrial_space, 44),
]


def guard_none_refcount(spare=10_000_000):
    """Work around PySide6 6.12 wheels on CPython < 3.12.

    There every void Qt call drops one reference to None (harmless on 3.12+,
    where None is immortal); a few thousand drawing calls then end in "Fatal
    Python error: none_dealloc".  Give None a large permanent surplus.
    """
    if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
        import ctypes
        ctypes.c_ssize_t.from_address(id(None)).value += spare


def render(draw, seed):
    img = QImage(W, H, QImage.Format_RGB32)
    img.fill(QColor(NAVY))
    p = QPainter(img)
    p.setRenderHint(QPainter.Antialiasing)
    draw(p, random.Random(seed))
    p.end()
    return img


def save(img, out_dir, name):
    path = out_dir / f"{name}.webp"
    if not img.save(str(path), "WEBP", WEBP_QUALITY):
        raise SystemExit(f"could not write {path}: this Qt has no WebP writer")
    return path


def main(argv):
    guard_none_refcount()
    out_dir = Path(argv[1]) if len(argv) > 1 else \
        Path(__file__).resolve().parent / "photos"
    only = set(argv[2:])  # a scene's name or names: draw just those
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication.instance() or QGuiApplication(argv[:1])
    for name, draw, seed in SCENES:
        if only and name not in only:
            continue
        path = save(render(draw, seed), out_dir, name)
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    del app


if __name__ == "__main__":
    main(sys.argv)

"""Draw the four stand-in pictures (示意图) for the Zhuhai industry kiosk.

These images are stylised flat/vector *illustrations* drawn with QPainter,
NOT photographs.  They stand in for press photos we hold no rights to, so
they contain no text, logos or real brand marks.  The app crops them to cover
the screen, pans/zooms slowly and lays a caption band over the bottom ~18 %,
so every key subject sits in the central-upper area.

Output is deterministic (seeded random).  Regenerate with:

    QT_QPA_PLATFORM=offscreen python assets/make_illustrations.py [OUT_DIR]

OUT_DIR defaults to ``photos/`` next to this script.  A PNG larger than
~1.5 MB is written as JPEG (quality 88) instead.
"""

import math
import os
import random
import sys
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
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
MAX_PNG_BYTES = 1_500_000
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


def ridge(p, rng, y0, amp, fill, x0, x1):
    """Smooth hill silhouette between x0 and x1 running down to the bottom."""
    waves = [(rng.uniform(.5, 3), rng.uniform(0, 6.3)) for _ in range(4)]
    path = QPainterPath(QPointF(x0, H))
    for x in range(x0, x1 + 1, 20):
        t = (x - x0) / (x1 - x0)
        wobble = 1 + sum(math.sin(f * t * 6.3 + s) for f, s in waves) / 8
        path.lineTo(x, y0 - amp * math.sin(math.pi * t) ** .6 * wobble)
    path.lineTo(x1, H)
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
def draw_trade_fair(p, rng):
    rect(p, 0, 0, W, H, lin(0, 0, 0, 940, [(0, NAVY), (1, DEEP)]))
    for x in range(-600, W + 600, 150):  # hall roof beyond the truss
        line(p, (x, 0), (1200 + (x - 1200) * .5, 112), col(CYAN, 28), 3)
    rect(p, 0, 940, W, H - 940, lin(0, 940, 0, H, [(0, "#163a63"),
                                                   (1, "#040b16")]))
    glow(p, 1200, 560, 1100, CYAN, 70, .55)
    for x0 in (170, 1890):  # side walls with wall-mounted split units
        rect(p, x0, 290, 340, 650, lin(x0, 0, x0 + 340, 0, [
            (0, "#102748"), (1, "#1b3d68")]), 8)
        rect(p, x0, 290, 340, 6, CYAN)
        for y in range(330, 900, 148):
            rect(p, x0 + 35, y, 270, 92, lin(0, y, 0, y + 92, [
                (0, "#ffffff"), (.7, "#e2e9f0"), (1, "#a9b8c8")]), 24)
            rect(p, x0 + 60, y + 66, 220, 7, "#71849a", 3)
            glow(p, x0 + 272, y + 28, 16, CYAN, 255)
    glow(p, 1200, 550, 760, "#2f8cff", 120, .6)  # brand wall, abstract mark
    rect(p, 600, 250, 1200, 600, lin(600, 250, 1800, 850, [
        (0, "#22c3e0"), (.5, "#1c6fd1"), (1, "#123f96")]), 16)
    rect(p, 600, 250, 1200, 300, vfade(250, 550, ICE, 80, 0), 16)
    glow(p, 1200, 520, 330, ICE, 110)
    p.setBrush(Qt.NoBrush)
    for color, start, span in ((col(ICE, 240), 35, 290), (col(AMBER), -12,
                                                          24)):
        p.setPen(QPen(color, 48, Qt.SolidLine, Qt.RoundCap))
        p.drawArc(QRectF(1010, 330, 380, 380), start * 16, span * 16)
    rect(p, 540, 200, 1320, 50, lin(0, 200, 0, 250, [
        (0, "#eef5fa"), (1, "#9fb4c8")]), 6)  # header fascia
    rect(p, 540, 246, 1320, 8, AMBER, 4)
    rect(p, 420, 850, 1560, 90, lin(0, 850, 0, 940, [
        (0, "#2b5582"), (1, "#0d2240")]), 10)  # stage and its reflection
    rect(p, 420, 850, 1560, 6, col(CYAN, 220), 3)
    rect(p, 600, 940, 1200, 230, vfade(940, 1170, "#2f8cff", 90, 0))
    for i, x in enumerate((680, 860, 1444, 1624)):  # floor-standing units
        c = CYAN if i % 2 else AMBER
        rect(p, x, 510, 96, 345, lin(x, 0, x + 96, 0, [
            (0, "#ffffff"), (.6, "#e3ebf2"), (1, "#9aacbf")]), 32)
        rect(p, x + 16, 570, 64, 90, "#c7d3de", 10)
        rect(p, x + 43, 680, 10, 140, c, 5)
        glow(p, x + 48, 740, 80, c, 90)
    rect(p, 1020, 800, 360, 150, lin(0, 800, 0, 950, [
        (0, "#ffffff"), (1, "#c3d0dc")]), 18)  # reception counter
    rect(p, 1020, 840, 360, 10, CYAN, 5)
    glow(p, 1200, 955, 260, CYAN, 120, .12)
    for x in range(300, W, 300):  # spotlight beams and pools
        poly(p, [(x - 16, 150), (x + 16, 150), (x + 250, 1010),
                 (x - 250, 1010)], vfade(150, 1010, ICE, 60, 0))
        glow(p, x, 1020, 260, ICE, 50, .16)
    rect(p, 0, 110, W, 34, "#172c4b")  # lighting truss
    for x in range(0, W, 68):
        line(p, (x, 113), (x + 34, 141), "#2f5078", 4)
        line(p, (x + 34, 141), (x + 68, 113), "#2f5078", 4)
    for x in range(300, W, 300):
        rect(p, x - 22, 136, 44, 30, "#a3b6ca", 8)
        glow(p, x, 170, 70, ICE, 230)
    crowd = sorted((rng.uniform(1120, 1350), 130 + k * 238 +
                    rng.uniform(-70, 70)) for k in range(10))
    for base, x in crowd:
        h = 330 + (base - 1120) * .75
        person(p, x, base, h, lin(0, base - h, 0, base, [
            (0, "#1e3a5f"), (.5, "#0c1a2e"), (1, "#050b15")]),
            rng.uniform(.9, 1.15))
    rect(p, 0, H - 320, W, 320, vfade(H - 320, H, NAVY, 0, 190))


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
def draw_evtol(p, rng):
    hz, sun = 860, 1640
    rect(p, 0, 0, W, hz, lin(0, 0, 0, hz, [
        (0, "#050f24"), (.42, "#15386a"), (.72, "#5f5a8e"),
        (.9, "#ee8a62"), (1, "#ffc27e")]))
    glow(p, sun, hz - 60, 900, AMBER, 200, .45)
    glow(p, sun, hz - 60, 64, "#fff2d6", 255)
    for _ in range(10):  # soft cirrus streaks
        glow(p, rng.uniform(0, W), rng.uniform(150, 680),
             rng.uniform(250, 600), "#ffb48c", rng.randint(50, 90), .05)
    ridge(p, rng, hz - 10, 190, "#4b4475", 1760, 2800)
    ridge(p, rng, hz, 110, "#2d2d5a", 1950, 2600)
    rect(p, 0, hz, W, H - hz, lin(0, hz, 0, H, [
        (0, "#465f8e"), (.2, "#16325e"), (1, "#040b19")]))
    draw_skyline(p, rng, hz, "#2e2f5c", 1500, 1.25, lit=False)
    draw_skyline(p, rng, hz, "#141a38", 1380, .95, lit=True)
    draw_bridge(p, hz)
    for _ in range(180):  # sunset glitter on the water
        y = rng.uniform(hz + 30, H)
        w = rng.uniform(20, 150) * (y - hz) / 260
        rect(p, sun + rng.gauss(0, 70) - w / 2, y, w, 3,
             col(AMBER, rng.randint(40, 150)), 1.5)
    draw_drone(p, 1150, 420)


def draw_skyline(p, rng, hz, shade, x_end, scale, lit):
    x = rng.uniform(-40, 0)
    while x < x_end:
        bw = rng.uniform(50, 120)
        bh = rng.uniform(80, 240) * (1.6 if 450 < x < 1000 else 1) * scale
        rect(p, x, hz - bh, bw, bh + 2, shade)
        if rng.random() < .3:  # tapered crown with a mast
            tip = hz - bh - bw * .6
            poly(p, [(x, hz - bh), (x + bw, hz - bh), (x + bw / 2, tip)],
                 shade)
            line(p, (x + bw / 2, tip), (x + bw / 2, tip - bw * .6), shade, 4)
        for wy in range(int(hz - bh + 14), hz - 10, 18) if lit else ():
            for wx in range(int(x + 8), int(x + bw - 8), 14):
                if rng.random() < .3:
                    rect(p, wx, wy, 6, 8, col(AMBER, rng.randint(110, 240)))
        for k in range(int(bw // 22)) if lit else ():  # water reflections
            rect(p, x + 8 + k * 22, hz + 8, 5, rng.uniform(30, 120),
                 vfade(hz, hz + 120, AMBER, 90, 0))
        x += bw + rng.uniform(6, 24)


def draw_bridge(p, hz):
    deck = QPainterPath(QPointF(-60, hz + 110))
    deck.quadTo(1100, hz + 10, W + 60, hz + 60)
    for k in range(46):  # piers
        pt = deck.pointAtPercent(k / 45)
        rect(p, pt.x() - 4, pt.y(), 8, 30 + 30 * (1 - k / 45), "#0c1429")
    for t in (.28, .5, .72):  # cable-stayed pylons
        pt = deck.pointAtPercent(t)
        top = pt.y() - 170
        for k in range(1, 10):
            for s in (-1, 1):
                line(p, (pt.x(), top + k * 7), (pt.x() + s * k * 28, pt.y()),
                     "#1a2444", 2)
        rect(p, pt.x() - 8, top, 16, 175, "#0c1429", 3)
        glow(p, pt.x(), top, 14, "#ff4d4d", 230)
    p.setPen(QPen(col("#0c1429"), 14))
    p.setBrush(Qt.NoBrush)
    p.drawPath(deck)
    for k in range(61):
        pt = deck.pointAtPercent(k / 60)
        glow(p, pt.x(), pt.y() - 9, 12, AMBER, 240)


def draw_drone(p, cx, cy):
    """16-rotor passenger eVTOL in 3/4 view: 8 arms, coaxial rotor pairs."""
    ends = sorted((math.sin(a), cx + 470 * math.cos(a),
                   cy + 40 + 125 * math.sin(a))
                  for a in (math.radians(22.5 + 45 * i) for i in range(8)))
    glow(p, cx, cy + 60, 700, "#ffb48c", 50, .5)
    for _, ex, ey in ends:
        line(p, (cx, cy + 60), (ex, ey), lin(cx, 0, ex, 0, [
            (0, "#f4f7fa"), (1, "#8394a8")]), 22)
    for _, ex, ey in ends[:4]:  # rotors behind the cabin
        draw_rotor_pair(p, ex, ey, ex < cx)
    body, canopy = QPainterPath(), QPainterPath()
    body.addEllipse(QPointF(cx, cy + 40), 190, 150)
    canopy.addEllipse(QPointF(cx - 8, cy - 8), 152, 104)
    p.setPen(Qt.NoPen)
    for shape, fill in (
            (body, lin(cx - 190, 0, cx + 190, 0, [
                (0, "#7f97b0"), (.42, "#f7fafc"), (.82, "#ffdcb6"),
                (1, "#e07f52")])),
            (canopy.intersected(body), lin(0, cy - 110, 0, cy + 95, [
                (0, "#2f7db0"), (.5, "#0e2c4c"), (1, "#06162a")])),
            (body, vfade(cy + 70, cy + 190, NAVY, 0, 110))):
        p.setBrush(fill)
        p.drawPath(shape)
    p.setPen(QPen(col(ICE, 160), 10, Qt.SolidLine, Qt.RoundCap))
    p.drawArc(QRectF(cx - 130, cy - 92, 220, 150), 100 * 16, 50 * 16)
    rect(p, cx - 160, cy + 112, 320, 14, CYAN, 7)
    for d in (-1, 1):  # landing skids
        line(p, (cx + d * 90, cy + 172), (cx + d * 140, cy + 250),
             "#3b4a60", 12)
        line(p, (cx + d * 50, cy + 252), (cx + d * 240, cy + 246),
             "#3b4a60", 12)
    glow(p, cx, cy + 192, 34, "#ff4d4d", 255)
    for _, ex, ey in ends[4:]:  # rotors in front of the cabin
        draw_rotor_pair(p, ex, ey, ex < cx)


def draw_rotor_pair(p, x, y, port):
    rect(p, x - 15, y - 36, 30, 72, "#26344a", 10)
    for dy in (-36, 36):  # blurred blade discs
        glow(p, x, y + dy, 150, ICE, 120, .21)
        p.setPen(QPen(col(ICE, 120), 2))
        p.setBrush(Qt.NoBrush)
        p.drawEllipse(QPointF(x, y + dy), 138, 29)
    glow(p, x, y - 36, 24, CYAN if port else WARM, 255)


# ---------------------------------------------- 4 high-rise industrial park
def draw_industrial_space(p, rng):
    u, ox, oy, roads = 24, 1200, 270, (10.8, 24.8)

    def iso(x, y, z=0):
        return ox + (x - y) * .866 * u, oy + (x + y) * .5 * u - z * u

    def flat(x0, y0, x1, y1, fill):
        poly(p, [iso(x0, y0), iso(x1, y0), iso(x1, y1), iso(x0, y1)], fill)

    rect(p, 0, 0, W, H, lin(0, 0, 0, H, [(0, "#0c2442"), (.18, "#1b5a73"),
                                         (.24, "#12404f"), (1, "#061722")]))
    flat(-3, -3, 43, 43, "#134150")  # campus ground and tower plazas
    for i in range(3):
        for j in range(3):
            flat(14 * i - .4, 14 * j - .4, 14 * i + 10.2, 14 * j + 10.2,
                 "#1c5465")
    for k in roads:  # roads along both axes
        flat(-60, k, 100, k + 2.2, "#223449")
        flat(k, -60, k + 2.2, 100, "#223449")
    for k in roads:  # lane dashes, skipping the crossings
        for t in range(-60, 100, 2):
            if all(not r - 1 < t < r + 2.2 for r in roads):
                flat(t, k + 1.05, t + .9, k + 1.15, AMBER)
                flat(k + 1.05, t, k + 1.15, t + .9, AMBER)
    heights = (10, 12, 10, 13, 17, 12, 9, 13, 11)
    items = [(14 * (i + j) + 10, "tower", (14 * i + 1, 14 * j + 1,
                                           heights[3 * i + j]))
             for i in range(3) for j in range(3)]
    for k in roads:  # painter's order by footprint centre (x + y)
        for lane in (k + .15, k + 1.25):
            for t in (rng.uniform(-12, 44) for _ in range(3)):
                items.append((t + lane + 2.1, "truck", (t, lane, False)))
                items.append((t + lane + 2.1, "truck", (lane, t, True)))
        for edge in (k - .7, k + 2.9):
            for t in range(-12, 46, 2):
                if all(not r - 1 < t < r + 3 for r in roads):
                    items.append((t + edge, "tree", (t, edge)))
                    items.append((t + edge, "tree", (edge, t)))
    for _, kind, args in sorted(items, key=lambda it: it[0]):
        if kind == "tower":
            draw_tower(p, iso, rng, *args)
        elif kind == "truck":
            draw_truck(p, iso, *args)
        else:
            tx, ty = iso(*args, .7)
            glow(p, tx, ty + 12, 22, "#000000", 120, .5)
            dot(p, tx, ty, 15, 13, rng.choice(LEAVES[:3]))
    rect(p, 0, 0, W, 520, lin(0, 0, 0, 520, [(0, col("#0c2442", 200)),
                                             (.45, col("#1b5a73", 60)),
                                             (1, col("#1b5a73", 0))]))
    rect(p, 0, H - 300, W, 300, vfade(H - 300, H, NAVY, 0, 170))


def draw_box(p, iso, x, y, z, w, d, h, top, left, right):
    """Isometric box; returns the two visible side faces as quads."""
    lq = [iso(x, y + d, z), iso(x + w, y + d, z), iso(x + w, y + d, z + h),
          iso(x, y + d, z + h)]
    rq = [iso(x + w, y + d, z), iso(x + w, y, z), iso(x + w, y, z + h),
          iso(x + w, y + d, z + h)]
    poly(p, [iso(x, y, z + h), iso(x + w, y, z + h), lq[2], lq[3]], top)
    poly(p, lq, left)
    poly(p, rq, right)
    return lq, rq


def draw_truck(p, iso, x, y, along_y):
    w, d = (.8, 2.6) if along_y else (2.6, .8)
    draw_box(p, iso, x, y, 0, w, d, .95, "#f1f5f8", "#c3cfda", "#93a5b7")
    cx, cy = (x, y + 2.75) if along_y else (x + 2.75, y)
    draw_box(p, iso, cx, cy, 0, .8, .8, .8, "#ffb070", WARM, "#c25a1c")
    lamp = (cx + .4, cy + .8) if along_y else (cx + .8, cy + .4)
    glow(p, *iso(*lamp, .3), 36, AMBER, 230)


TINTS = (("#3f8fc2", "#1d5a8e"), ("#33a9bd", "#155f75"),
         ("#6a8fd6", "#27488a"))


def glass_block(p, iso, rng, x, y, z, w, floors, tint):
    """Glass-walled block with floor bands, lit windows and a green roof."""
    lq, rq = draw_box(p, iso, x, y, z, w, w, floors, "#2f8f5a", "#a9cde2",
                      "#6c98b8")
    cols = int(w * 1.25)
    for q, shade, lit in ((lq, 100, .28), (rq, 165, .16)):
        for k in range(floors):
            band = sub_quad(q, 0, (k + .18) / floors, 1, (k + 1) / floors)
            poly(p, band, lin(*band[0], *band[3], [
                (0, QColor(tint[1]).darker(shade)),
                (1, QColor(tint[0]).darker(shade))]))
            for m in range(cols):
                if rng.random() < lit:
                    poly(p, sub_quad(band, m / cols + .01, .05,
                                     (m + 1) / cols - .01, .9),
                         col(rng.choice((AMBER, ICE)), rng.randint(130, 220)))
                line(p, face_point(band, m / cols, 0),
                     face_point(band, m / cols, 1), col(ICE, 40), 1.5)
    top = z + floors
    poly(p, [iso(x + .4, y + .4, top), iso(x + w - .4, y + .4, top),
             iso(x + w - .4, y + w - .4, top), iso(x + .4, y + w - .4, top)],
         "#3bb070")
    for _ in range(int(w)):  # roof-garden shrubs
        tx, ty = iso(x + rng.uniform(1, w - 1), y + rng.uniform(1, 3.4), top)
        dot(p, tx, ty - 6, 14, 11, rng.choice(LEAVES[1:]))
    return lq


def draw_tower(p, iso, rng, x, y, floors):
    """Multi-storey factory: glass floors, setback, roof, lift and docks."""
    tint = rng.choice(TINTS)
    base = floors if floors < 13 else floors - 5
    lq = glass_block(p, iso, rng, x, y, 0, 8, base, tint)
    if base < floors:  # slimmer upper tower on a planted terrace
        glass_block(p, iso, rng, x + 1.5, y + 1.5, base, 5, 5, tint)
    else:
        for k in range(3):  # rooftop solar array
            x0 = x + 1 + k * 2.1
            poly(p, [iso(x0, y + 4.6, base), iso(x0 + 1.8, y + 4.6, base),
                     iso(x0 + 1.8, y + 7, base), iso(x0, y + 7, base)],
                 "#1b3f7a")
    draw_box(p, iso, x + 8, y + 2.6, 0, .9, 1.6, base + 1.2, "#a8eef7",
             col(CYAN, 150), col("#1fa7bd", 170))  # glass freight lift
    glow(p, *iso(x + 8.45, y + 3.4, base * .55), 70, CYAN, 150)
    band = sub_quad(lq, 0, 0, 1, .85 / base)  # ground-floor loading docks
    poly(p, band, "#22384f")
    for m in range(6):
        poly(p, sub_quad(band, .08 + m * .15, 0, .18 + m * .15, .75),
             col(AMBER, 200) if m % 2 else "#6d8296")


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
    path = out_dir / f"{name}.png"
    img.save(str(path), "PNG")
    if path.stat().st_size > MAX_PNG_BYTES:
        path.unlink()
        path = out_dir / f"{name}.jpg"
        img.save(str(path), "JPG", 88)
    return path


def main(argv):
    guard_none_refcount()
    out_dir = Path(argv[1]) if len(argv) > 1 else \
        Path(__file__).resolve().parent / "photos"
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication.instance() or QGuiApplication(argv[:1])
    for name, draw, seed in SCENES:
        path = save(render(draw, seed), out_dir, name)
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    del app


if __name__ == "__main__":
    main(sys.argv)

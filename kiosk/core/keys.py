"""Key chords as a deck writes them (``Ctrl+Shift+Q``), checked without Qt.

The Qt layer parses the chord with ``QKeySequence``, which turns a name it does not know
("Banana") into an unknown key that no key press matches, so a typo silently disabled the
exit chord (#18 D). Here every part is checked against the names ``QKeySequence`` reads, and
the chord is returned with each name spelt the way Qt spells it.
"""

from __future__ import annotations

import string

# canonical name (as QKeySequence spells it) for each accepted spelling, lowercased
MODIFIERS = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta"}
# Shift alone does not make a chord: Shift+Q is a capital Q, typed by anyone at a keyboard
GUARDING = ("Ctrl", "Alt", "Meta")
NAMED_KEYS = {
    "esc": "Esc", "escape": "Esc", "tab": "Tab", "backspace": "Backspace",
    "return": "Return", "enter": "Enter", "ins": "Ins", "insert": "Ins", "del": "Del",
    "delete": "Del", "pause": "Pause", "print": "Print", "home": "Home", "end": "End",
    "left": "Left", "up": "Up", "right": "Right", "down": "Down", "pgup": "PgUp",
    "pageup": "PgUp", "pgdown": "PgDown", "pagedown": "PgDown", "space": "Space",
    "menu": "Menu",
}
KEYS: dict[str, str] = {
    **{c.lower(): c for c in string.ascii_uppercase},
    **{d: d for d in string.digits},
    **{f"f{n}": f"F{n}" for n in range(1, 36)},
    **NAMED_KEYS,
}
ALLOWED = ("modifiers Ctrl, Alt, Meta, Shift (at least one of Ctrl, Alt, Meta), then one key: "
           "A-Z, 0-9, F1-F35, or " + ", ".join(sorted(set(NAMED_KEYS.values()))))


def parse_chord(text: str) -> str:
    """``text`` as Qt spells it (``ctrl+shift+q`` -> ``Ctrl+Shift+Q``); ValueError says why not."""
    parts = [part.strip() for part in text.split("+")]
    if not text.strip() or any(not part for part in parts):
        raise ValueError(f"expected a key chord like \"Ctrl+Shift+Q\", got {text!r}; "
                         f"allowed: {ALLOWED}")
    *mods, key = parts
    modifiers: list[str] = []
    for part in mods:
        name = MODIFIERS.get(part.lower())
        if name is None:
            raise ValueError(f"{part!r} in {text!r} is not a modifier; allowed: {ALLOWED}")
        if name in modifiers:
            raise ValueError(f"{name} appears twice in {text!r}")
        modifiers.append(name)
    if key.lower() in MODIFIERS:
        raise ValueError(f"{text!r} ends with a modifier; it needs a key too; "
                         f"allowed: {ALLOWED}")
    canonical = KEYS.get(key.lower())
    if canonical is None:
        raise ValueError(f"{key!r} in {text!r} is not a key name; allowed: {ALLOWED}")
    if not any(m in GUARDING for m in modifiers):
        raise ValueError(f"{text!r} can be typed by anyone at a keyboard: hold at least one "
                         f"of Ctrl, Alt, Meta; allowed: {ALLOWED}")
    return "+".join([*modifiers, canonical])

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
           "A-Z, 0-9 (not with Shift), F1-F12, or "
           + ", ".join(sorted(set(NAMED_KEYS.values()) - {"Enter"})))


def _untypable(modifiers: list[str], key: str) -> str | None:
    """Why a keyboard never delivers this chord as written, or None. Each case was seen under
    X with xdotool: the key arrives as another key, or not at all, so the chord never matched
    and the exit was silently disabled (#18)."""
    if "Shift" in modifiers and key.isdigit():
        return (f"Shift+{key} arrives as the symbol above {key} (! on a US keyboard), "
                f"not as {key}")
    if "Shift" in modifiers and key == "Tab":
        return "Shift+Tab arrives as Backtab, not as Tab"
    if "Ctrl" in modifiers and key == "Pause":
        return "Ctrl+Pause arrives as Break, not as Pause"
    if "Alt" in modifiers and key == "Print":
        return "Alt+Print arrives as SysReq, not as Print"
    if key == "Enter":
        return ("Enter is the keypad's Enter, which arrives flagged as a keypad key; "
                "the main Enter key is Return")
    if key.startswith("F") and key[1:].isdigit():
        number = int(key[1:])
        if number > 12:
            return (f"keyboards under Linux send the keys marked F13-F24 as other keys "
                    f"(XF86Tools, XF86Launch5, …), so {key} never arrives")
        if "Ctrl" in modifiers and "Alt" in modifiers and "Shift" not in modifiers:
            return f"Ctrl+Alt+{key} switches to a text console on Linux; the show never sees it"
    return None


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
    why = _untypable(modifiers, canonical)
    if why is not None:
        raise ValueError(f"{text!r} cannot be typed: {why}; allowed: {ALLOWED}")
    return "+".join([*modifiers, canonical])

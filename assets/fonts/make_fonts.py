#!/usr/bin/env python3
"""Build the kiosk's bundled Simplified Chinese font pair from Debian packages.

Produces, next to this script (or in --out-dir):
    NotoSansSC-Kiosk-Regular.otf   family "Noto Sans SC Kiosk", style Regular
    NotoSansSC-Kiosk-Bold.otf      family "Noto Sans SC Kiosk", style Bold
    LICENSE-OFL.txt                copied from the fonts-noto-cjk package

Exact reproduction (Debian bookworm; nothing is installed system-wide):

    mkdir -p /tmp/notofonts && cd /tmp/notofonts
    apt-get update
    apt-get download fonts-noto-cjk      # 1:20220127+repack1-1 (Noto Sans CJK 2.004)
    apt-get download unicode-data        # 15.0.0-1 (Unihan kTGH = 通用规范汉字表)
    dpkg-deb -x fonts-noto-cjk_*.deb noto
    dpkg-deb -x unicode-data_*.deb ud
    python3 -m venv /tmp/probe-venv && /tmp/probe-venv/bin/pip install fonttools
    /tmp/probe-venv/bin/python /work/main/assets/fonts/make_fonts.py \
        --noto-root /tmp/notofonts/noto \
        --unihan /tmp/notofonts/ud/usr/share/unicode/Unihan_OtherMappings.txt.bz2

Without --unihan the 通用规范汉字表 (8105 chars) cannot be read; the script
then falls back to every U+4E00..U+9FFF ideograph encodable in GBK
(--fallback-gbk), and says so.

Character coverage (only code points that the source face actually has are kept):
  * everything encodable in GB2312 (incl. all 6763 hanzi, pinyin, Greek, Cyrillic, box drawing)
  * the 8105 characters of the 通用规范汉字表 (Unihan field kTGH)
  * Basic Latin, Latin-1 Supplement, Latin Extended-A, General Punctuation,
    Superscripts/Subscripts, Currency Symbols, Letterlike Symbols, Number Forms,
    Arrows, Mathematical Operators, Enclosed Alphanumerics (①..), Geometric Shapes,
    a few Misc Symbols/Dingbats (★☆☐☑☒✓✔✗✘), CJK Symbols and Punctuation,
    Enclosed CJK Letters and Months, CJK Compatibility units (㎡㎏㎞..),
    Halfwidth and Fullwidth Forms.

Modifications vs. the original (OFL "Modified Version"): glyph subset, the
'locl' GSUB feature dropped (the SC face already maps to SC glyph forms; locl
only holds JP/KR/TC/HK alternates), name table rewritten to the family
"Noto Sans SC Kiosk" so it can never be confused with (or merged with) a
system-installed full "Noto Sans CJK SC". Noto fonts carry no Reserved Font
Name. CFF hinting is kept.
"""
from __future__ import annotations

import argparse
import bz2
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FAMILY = "Noto Sans SC Kiosk"
PS_FAMILY = "NotoSansSCKiosk"
SOURCE_FAMILY = "Noto Sans CJK SC"
FONT_DIR = Path("usr/share/fonts/opentype/noto")
LICENSE_SRC = Path("usr/share/doc/fonts-noto-cjk/copyright")

# (first, last) inclusive code point ranges added on top of the hanzi sets.
EXTRA_RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement (° × · ± ÷ ¹²³ ¥ £ ¢ ...)
    (0x0100, 0x017F),  # Latin Extended-A (pinyin ā ē ī ō ū ě ...)
    (0x01CD, 0x01DC),  # Latin Extended-B pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    (0x02C7, 0x02C7), (0x02C9, 0x02CB), (0x02D9, 0x02D9),  # tone marks ˇ ˉ ˊ ˋ ˙
    (0x2000, 0x206F),  # General Punctuation (— ‘ ’ “ ” … ‰ • ※ ...)
    (0x2070, 0x209F),  # Superscripts and Subscripts
    (0x20A0, 0x20CF),  # Currency Symbols (€ ₩ ₹ ...)
    (0x2100, 0x214F),  # Letterlike Symbols (℃ № ™ ...)
    (0x2150, 0x218F),  # Number Forms (⅓ Ⅰ Ⅱ ⅰ ...)
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators (≥ ≤ ≈ ≠ ∑ √ ∞ ...)
    (0x2460, 0x24FF),  # Enclosed Alphanumerics (① ⑴ ⒈ ...)
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes (■ □ ▲ ▼ ◀ ▶ ● ○ ◆ ◇ ...)
    (0x2605, 0x2606),  # ★ ☆
    (0x2610, 0x2612),  # ☐ ☑ ☒
    (0x2713, 0x2718),  # ✓ ✔ ✕ ✖ ✗ ✘
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months (㈠ ㈱ ...)
    (0x3371, 0x33FF),  # CJK Compatibility: units (㎡ ㎏ ㎞ ㏄ ...)
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]
MUST_HAVE = "▲▼◀▶●○°×·≥≤‰•¥€￥℃㎡①→←↑↓"

# Default fontTools layout features minus 'locl' (see docstring).
LAYOUT_FEATURES = sorted(set(subset.Options().layout_features) - {"locl"})


def encodable(codec: str, lo: int = 0x20, hi: int = 0xFFFF) -> set[int]:
    out = set()
    for cp in range(lo, hi + 1):
        if 0xD800 <= cp <= 0xDFFF or cp == 0x7F:  # surrogates, DEL
            continue
        try:
            chr(cp).encode(codec)
        except UnicodeEncodeError:
            continue
        out.add(cp)
    return out


def tgh_chars(unihan_other_mappings: Path) -> set[int]:
    opener = bz2.open if unihan_other_mappings.suffix == ".bz2" else open
    out = set()
    with opener(unihan_other_mappings, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1] == "kTGH":
                out.add(int(parts[0][2:], 16))
    return out


def find_face(ttc_path: Path) -> int:
    coll = TTCollection(str(ttc_path), lazy=True)
    for i, face in enumerate(coll.fonts):
        if face["name"].getDebugName(1) == SOURCE_FAMILY:
            return i
    raise SystemExit(f"no face with family {SOURCE_FAMILY!r} in {ttc_path}")


def rename(font: TTFont, style: str) -> None:
    name = font["name"]
    src_version = name.getDebugName(5) or ""
    ps_name = f"{PS_FAMILY}-{style}"
    # Drop localized/Mac records and every family/style/ID string; re-add ours.
    name.names = [
        r for r in name.names
        if r.platformID == 3 and r.langID == 0x409 and r.nameID not in (1, 2, 3, 4, 5, 6, 16, 17)
    ]
    version = f"{src_version.split(';')[0]}; subset for kiosk (make_fonts.py)"
    for nid, text in {
        1: FAMILY,
        2: style,
        3: f"{ps_name};{src_version.split(';')[0].replace('Version ', '')};subset",
        4: f"{FAMILY} {style}" if style != "Regular" else FAMILY,
        5: version,
        6: ps_name,
    }.items():
        name.setName(text, nid, 3, 1, 0x409)
    desc = (f"Modified Version (glyph subset, renamed) of {SOURCE_FAMILY} {style}, "
            f"{src_version}. Licensed under the SIL Open Font License 1.1.")
    name.setName(desc, 10, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    if hasattr(top, "FullName"):
        top.FullName = name.getDebugName(4)
    if hasattr(top, "FamilyName"):
        top.FamilyName = FAMILY


def build(ttc_path: Path, style: str, unicodes: set[int], out_path: Path) -> tuple[int, int]:
    face = find_face(ttc_path)
    opts = subset.Options()
    opts.layout_features = LAYOUT_FEATURES
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = True
    opts.drop_tables += ["BASE"]  # baseline table: unused by Qt, references all scripts
    font = TTFont(str(ttc_path), fontNumber=face, lazy=False)
    have = set(font.getBestCmap())
    wanted = unicodes & have
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(wanted))
    sub.subset(font)
    rename(font, style)
    font.recalcTimestamp = False  # keep the source's head.modified: byte-reproducible output
    font.save(str(out_path))
    return face, len(wanted)


def write_license(debian_copyright: Path, ttc_path: Path, out: Path) -> None:
    face = TTCollection(str(ttc_path), lazy=True).fonts[find_face(ttc_path)]
    notice = face["name"].getDebugName(0)
    header = (
        "NotoSansSC-Kiosk-Regular.otf and NotoSansSC-Kiosk-Bold.otf (family\n"
        f"\"{FAMILY}\") are a Modified Version of {SOURCE_FAMILY}.\n"
        f"Font copyright notice (name table ID 0): {notice}\n"
        "Noto is a trademark of Google Inc.\n"
        "Licensed under the SIL Open Font License, Version 1.1 (full text below).\n"
        "No Reserved Font Name is declared in the font's name table or in the\n"
        "Debian copyright file below.\n\n"
        f"Below: verbatim /{LICENSE_SRC} from the Debian package fonts-noto-cjk.\n"
        "Only the 'Files: *' / 'License: SIL-1.1' part applies to the fonts; the\n"
        "GPL-3+ part covers Debian's packaging scripts, which are not shipped here.\n"
        + "=" * 72 + "\n\n"
    )
    out.write_text(header + debian_copyright.read_text(encoding="utf-8"), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--noto-root", type=Path, required=True,
                    help="dir where fonts-noto-cjk_*.deb was extracted with dpkg-deb -x")
    ap.add_argument("--unihan", type=Path,
                    help="Unihan_OtherMappings.txt(.bz2) from Debian unicode-data (for kTGH)")
    ap.add_argument("--fallback-gbk", action="store_true",
                    help="use GBK-encodable U+4E00..U+9FFF instead of the 通用规范汉字表")
    ap.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args()

    gb2312 = encodable("gb2312")
    hanzi_gb2312 = {c for c in gb2312 if 0x4E00 <= c <= 0x9FFF}
    print(f"GB2312: {len(gb2312)} code points, {len(hanzi_gb2312)} hanzi")
    unicodes = set(gb2312)
    if args.unihan and not args.fallback_gbk:
        tgh = tgh_chars(args.unihan)
        print(f"通用规范汉字表 (kTGH): {len(tgh)} characters, "
              f"{len(tgh - gb2312)} not in GB2312")
        if len(tgh) != 8105:
            print("warning: expected 8105 kTGH entries", file=sys.stderr)
        unicodes |= tgh
    else:
        gbk_uro = {c for c in encodable("gbk", 0x4E00, 0x9FFF)}
        print(f"fallback: GBK U+4E00..U+9FFF: {len(gbk_uro)} ideographs")
        unicodes |= gbk_uro
    for lo, hi in EXTRA_RANGES:
        unicodes.update(range(lo, hi + 1))
    unicodes.update(map(ord, MUST_HAVE))

    font_dir = args.noto_root / FONT_DIR
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for style in ("Regular", "Bold"):
        src = font_dir / f"NotoSansCJK-{style}.ttc"
        sha = hashlib.sha256(src.read_bytes()).hexdigest()
        out = args.out_dir / f"NotoSansSC-Kiosk-{style}.otf"
        face, _ = build(src, style, unicodes, out)
        check = TTFont(str(out))
        cmap = check.getBestCmap()
        missing = [ch for ch in MUST_HAVE if ord(ch) not in cmap]
        print(f"{out.name}: face #{face} of {src.name} (sha256 {sha[:16]}...), "
              f"{len(cmap)} code points, {check['maxp'].numGlyphs} glyphs, "
              f"{out.stat().st_size / 1e6:.2f} MB" + (f", MISSING {missing}" if missing else ""))
        if missing:
            return 1
    write_license(args.noto_root / LICENSE_SRC, font_dir / "NotoSansCJK-Regular.ttc",
                  args.out_dir / "LICENSE-OFL.txt")
    print(f"wrote LICENSE-OFL.txt (header + verbatim {LICENSE_SRC})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Build the kiosk's bundled fonts: Chinese (Simplified, Traditional) and the Latin they lack.

Produces, next to this script (or in --out-dir):
    NotoSansSC-Kiosk-Regular.otf   family "Noto Sans SC Kiosk", style Regular
    NotoSansSC-Kiosk-Bold.otf      family "Noto Sans SC Kiosk", style Bold
    NotoSansHK-Kiosk-Regular.otf   family "Noto Sans HK Kiosk", style Regular (Traditional, #14)
    NotoSansHK-Kiosk-Bold.otf      family "Noto Sans HK Kiosk", style Bold
    KioskSansLatin-Regular.otf     family "Kiosk Sans Latin", style Regular (Source Sans 3, #14)
    KioskSansLatin-Bold.otf        family "Kiosk Sans Latin", style Bold
    LICENSE-OFL.txt                the licence files of fonts-noto-cjk and of Source Sans 3

Exact reproduction (Debian bookworm; nothing is installed system-wide):

    mkdir -p /tmp/notofonts && cd /tmp/notofonts
    apt-get update
    apt-get download fonts-noto-cjk      # 1:20220127+repack1-1 (Noto Sans CJK 2.004)
    apt-get download unicode-data        # 15.0.0-1 (Unihan kTGH = 通用规范汉字表)
    dpkg-deb -x fonts-noto-cjk_*.deb noto
    dpkg-deb -x unicode-data_*.deb ud
    npm pack source-sans@3.52.0          # Adobe's release, sha256 49cf78dd...fdfa88
    mkdir ss3 && tar xzf source-sans-3.52.0.tgz -C ss3
    python3 -m venv /tmp/probe-venv && /tmp/probe-venv/bin/pip install fonttools==4.68.0
    /tmp/probe-venv/bin/python /work/main/assets/fonts/make_fonts.py \
        --noto-root /tmp/notofonts/noto \
        --unihan /tmp/notofonts/ud/usr/share/unicode/Unihan_OtherMappings.txt.bz2 \
        --source-sans-root /tmp/notofonts/ss3

Without --unihan the 通用规范汉字表 (8105 chars) cannot be read; the script
then falls back to every U+4E00..U+9FFF ideograph encodable in GBK
(--fallback-gbk), and says so. The Traditional (HK) pair needs the other Unihan
files next to Unihan_OtherMappings.txt.bz2 (same package); `--faces sc` builds
the Simplified pair alone.

Character coverage (only code points that the source face actually has are kept):
  * everything encodable in GB2312 (incl. all 6763 hanzi, pinyin, Greek, Cyrillic, box drawing)
  * the 8105 characters of the 通用规范汉字表 (Unihan field kTGH)
  * Basic Latin, Latin-1 Supplement, Latin Extended-A, General Punctuation,
    Superscripts/Subscripts, Currency Symbols, Letterlike Symbols, Number Forms,
    Arrows, Mathematical Operators, Enclosed Alphanumerics (①..), Geometric Shapes,
    a few Misc Symbols/Dingbats (★☆☐☑☒✓✔✗✘), CJK Symbols and Punctuation,
    Enclosed CJK Letters and Months, CJK Compatibility units (㎡㎏㎞..),
    Halfwidth and Fullwidth Forms.

Traditional (face "Noto Sans CJK HK": Hong Kong forms, the nearest to Macao's;
only code points the HK face has are kept), see README.md for the counts:
  * everything encodable in Big5 (Python's 'big5' codec: 13,063 hanzi, the
    common and less-common sets, plus Big5's symbols and bopomofo)
  * HKSCS characters in common use: the Unihan sets that mark Hong Kong and
    Macao everyday use (kIICore with source H or M, kHKGlyph = HK's 常用字字形表,
    kUnihanCore2020 with source M)
  * the Traditional variants (Unihan kTraditionalVariant) of every character
    of the Simplified subset, plus OPENCC_EXTRA: what OpenCC's s2t/s2hk/s2tw
    produce, so converted text (#14) never lacks a glyph
  * the same non-hanzi ranges as the Simplified subset
  minus SHARED code points: those the Simplified subset has with the very same
  glyph in the source collection (Latin, digits, most punctuation, the hanzi
  both scripts write alike). The show lists the HK family first and the SC
  family second, so those are drawn from the SC file, identically.

Latin (family "Kiosk Sans Latin", #14): the letters of Latin-1 and Latin
Extended-A (U+00A0..U+017F) that the Simplified subset lacks (98 of Extended-A:
Ł Č Ś Ž İ ő ű ...), from Adobe's Source Sans 3 (npm package source-sans 3.52.0,
its CFF2 variable font): the Latin of Noto Sans CJK is Source Sans, scaled up
and, in the Bold, set lighter. LATIN_INSTANCES holds the weight and scale that
redraw Noto's own Latin letters within a unit (fitted on the advances and
bounding boxes of A-Z a-z); the line metrics are copied from the SC file, so a
line that falls back to it is exactly as high as before. Source Sans declares
the Reserved Font Name "Source", so the subset may not carry it: renamed.
The show lists this family last: Qt draws from it only what the CJK faces lack.

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
from fontTools.ttLib.scaleUpem import scale_upem
from fontTools.varLib import instancer

FACES = {  # key: (family, PostScript family, source face, file prefix)
    "sc": ("Noto Sans SC Kiosk", "NotoSansSCKiosk", "Noto Sans CJK SC", "NotoSansSC-Kiosk"),
    "hk": ("Noto Sans HK Kiosk", "NotoSansHKKiosk", "Noto Sans CJK HK", "NotoSansHK-Kiosk"),
}
LATIN = ("Kiosk Sans Latin", "KioskSansLatin", "Source Sans 3", "KioskSansLatin")
FONT_DIR = Path("usr/share/fonts/opentype/noto")
# In the extracted npm package source-sans 3.52.0 (`npm pack`, then `tar xzf`).
LATIN_VF = Path("package/VF/SourceSans3VF-Upright.otf")
LATIN_LICENSE = Path("package/LICENSE.md")
LATIN_RANGE = (0x00A0, 0x017F)  # Latin-1 Supplement and Latin Extended-A
# style: (wght of the variable font, scale in 1/1000). Noto Sans CJK 2.004's Latin is Source
# Sans scaled 111.7 % (Regular) and 113.45 % at wght 645 (Bold: lighter, so the stems stay
# those of the CJK Bold). Fitted by least squares on the advance widths and bounding boxes of
# A-Z a-z ç õ (not t, digits and accented capitals, which Source Sans 3 redrew): RMS error
# 0.7 font units; at wght 700 with the same fit it is 7.8.
LATIN_INSTANCES = {"Regular": (400, 1117), "Bold": (645, 1135)}
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
MUST_HAVE_HK = "橫琴粵澳深度合作區門萬經港珠大橋臺灣衞綫啓"  # #14's examples, HK/TW variants
# OpenCC (1.4.2) s2t/s2hk/s2tw/s2twp output for characters of the Simplified subset that
# Unihan does not list as a kTraditionalVariant (HK-preferred forms, s2twp's Taiwan terms);
# tests/test_glyphs.py re-checks the conversion of the whole Simplified subset. Three outputs
# (U+2144D, U+23236, U+255FD) are in no face of Noto Sans CJK 2.004: `kiosk check` warns.
OPENCC_EXTRA = "啓嬀潙瘻緼蔿藴衆輼醖砈鍅鉳"

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


def unihan_field(path: Path, field: str) -> dict[int, str]:
    """``{code point: value}`` of one Unihan field (a .txt or .txt.bz2 file)."""
    opener = bz2.open if path.suffix == ".bz2" else open
    out = {}
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[1] == field:
                out[int(parts[0][2:], 16)] = parts[2]
    return out


def hk_common(unihan_dir: Path) -> set[int]:
    """Hong Kong and Macao characters in common use (see the module docstring)."""
    irg = unihan_dir / "Unihan_IRGSources.txt.bz2"
    like = unihan_dir / "Unihan_DictionaryLikeData.txt.bz2"
    core = {c for c, v in unihan_field(irg, "kIICore").items() if "H" in v or "M" in v}
    core |= set(unihan_field(like, "kHKGlyph"))
    core |= {c for c, v in unihan_field(like, "kUnihanCore2020").items() if "M" in v}
    return core


def traditional_variants(unihan_dir: Path, simplified: set[int]) -> set[int]:
    variants = unihan_field(unihan_dir / "Unihan_Variants.txt.bz2", "kTraditionalVariant")
    out = set()
    for cp in simplified:
        for item in variants.get(cp, "").split():
            out.add(int(item[2:], 16))
    return out


def find_face(ttc_path: Path, source_family: str) -> int:
    coll = TTCollection(str(ttc_path), lazy=True)
    for i, face in enumerate(coll.fonts):
        if face["name"].getDebugName(1) == source_family:
            return i
    raise SystemExit(f"no face with family {source_family!r} in {ttc_path}")


def rename(font: TTFont, style: str, key: str, modified: str = "glyph subset, renamed") -> None:
    family, ps_family, source_family, _ = LATIN if key == "latin" else FACES[key]
    name = font["name"]
    src_version = name.getDebugName(5) or ""
    ps_name = f"{ps_family}-{style}"
    # Drop localized/Mac records and every family/style/ID string; re-add ours.
    name.names = [
        r for r in name.names
        if r.platformID == 3 and r.langID == 0x409 and r.nameID not in (1, 2, 3, 4, 5, 6, 16, 17)
    ]
    version = f"{src_version.split(';')[0]}; subset for kiosk (make_fonts.py)"
    for nid, text in {
        1: family,
        2: style,
        3: f"{ps_name};{src_version.split(';')[0].replace('Version ', '')};subset",
        4: f"{family} {style}" if style != "Regular" else family,
        5: version,
        6: ps_name,
    }.items():
        name.setName(text, nid, 3, 1, 0x409)
    desc = (f"Modified Version ({modified}) of {source_family} {style}, "
            f"{src_version}. Licensed under the SIL Open Font License 1.1.")
    name.setName(desc, 10, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    if hasattr(top, "FullName"):
        top.FullName = name.getDebugName(4)
    if hasattr(top, "FamilyName"):
        top.FamilyName = family


def shared(ttc_path: Path, key: str, other: str, other_has: set[int]) -> set[int]:
    """Code points whose glyph in face ``key`` is the very glyph of face ``other``, and that
    the ``other`` subset (``other_has``) already draws: the show takes them from there."""
    coll = TTCollection(str(ttc_path), lazy=True)
    mine = coll.fonts[find_face(ttc_path, FACES[key][2])].getBestCmap()
    theirs = coll.fonts[find_face(ttc_path, FACES[other][2])].getBestCmap()
    return {cp for cp in other_has if cp in mine and mine[cp] == theirs.get(cp)}


def build(ttc_path: Path, style: str, unicodes: set[int], out_path: Path,
          key: str = "sc") -> tuple[int, int]:
    face = find_face(ttc_path, FACES[key][2])
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
    rename(font, style, key)
    font.recalcTimestamp = False  # keep the source's head.modified: byte-reproducible output
    font.save(str(out_path))
    return face, len(wanted)


def build_latin(vf_path: Path, style: str, sc_file: Path, out_path: Path) -> int:
    """The Latin-1 / Latin Extended-A letters the SC file lacks, drawn as Noto Sans CJK draws
    its Latin (LATIN_INSTANCES), with the SC file's line metrics. Returns the count."""
    wght, scale = LATIN_INSTANCES[style]
    sc = TTFont(str(sc_file), lazy=True)
    font = instancer.instantiateVariableFont(TTFont(str(vf_path)), {"wght": wght},
                                             downgradeCFF2=True)
    wanted = {cp for cp in range(LATIN_RANGE[0], LATIN_RANGE[1] + 1)
              if cp not in sc.getBestCmap() and cp in font.getBestCmap()}
    opts = subset.Options()
    opts.layout_features = LAYOUT_FEATURES  # 'locl' off here too: Qt sets no language
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 14]  # not the feature names
    opts.name_languages = [0x409]
    opts.notdef_outline = True
    opts.hinting = True
    opts.drop_tables += ["BASE", "DSIG"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(wanted))
    sub.subset(font)
    # Scale the outlines, advances and kerning: scale the em, then call it 1000 again.
    scale_upem(font, scale)
    font["head"].unitsPerEm = 1000
    font["CFF "].cff.topDictIndex[0].FontMatrix = [0.001, 0, 0, 0.001, 0, 0]
    for table, attrs in (("hhea", ("ascent", "descent", "lineGap")),
                         ("OS/2", ("sTypoAscender", "sTypoDescender", "sTypoLineGap",
                                   "usWinAscent", "usWinDescent"))):
        for attr in attrs:  # the SC file's line metrics: a line is as high as before
            setattr(font[table], attr, getattr(sc[table], attr))
    bold = style == "Bold"
    os2 = font["OS/2"]
    os2.usWeightClass = 700 if bold else 400
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (0b100000 if bold else 0b1000000)
    font["head"].macStyle = 1 if bold else 0
    what = (f"instance at wght {wght} of the variable font, scaled {scale / 10:g} % as in "
            "Noto Sans CJK, line metrics of Noto Sans CJK, glyph subset, renamed")
    rename(font, style, "latin", what)
    for record in font["name"].names:  # the Reserved Font Name is in no name, only notices
        assert record.nameID in (0, 7, 10) or "Source" not in record.toUnicode(), record
    font.recalcTimestamp = False
    font.save(str(out_path))
    return len(wanted)


LATIN_MARK = "Kiosk Sans Latin (KioskSansLatin-*.otf):"


def noto_license(debian_copyright: Path, ttc_path: Path) -> str:
    face = TTCollection(str(ttc_path), lazy=True).fonts[find_face(ttc_path, FACES["sc"][2])]
    notice = face["name"].getDebugName(0)
    header = (
        "NotoSansSC-Kiosk-Regular.otf and NotoSansSC-Kiosk-Bold.otf (family\n"
        f"\"{FACES['sc'][0]}\") are a Modified Version of {FACES['sc'][2]}.\n"
        "NotoSansHK-Kiosk-Regular.otf and NotoSansHK-Kiosk-Bold.otf (family\n"
        f"\"{FACES['hk'][0]}\") are a Modified Version of {FACES['hk'][2]}.\n"
        "Both come from the same font collection (NotoSansCJK-*.ttc).\n"
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
    return header + debian_copyright.read_text(encoding="utf-8")


def latin_license(license_md: Path, vf_path: Path) -> str:
    name = TTFont(str(vf_path), lazy=True)["name"]
    return (
        "\n" + "=" * 72 + "\n" + LATIN_MARK + "\n"
        "KioskSansLatin-Regular.otf and KioskSansLatin-Bold.otf (family\n"
        f"\"{LATIN[0]}\") are a Modified Version of {LATIN[2]} "
        f"({name.getDebugName(5)}),\nfrom the npm package source-sans 3.52.0 "
        "(Adobe's release): an instance of\nSourceSans3VF-Upright.otf, scaled, "
        "with a glyph subset and other line metrics.\n"
        f"Font copyright notice (name table ID 0): {name.getDebugName(0)}\n"
        f"Trademark (name table ID 7): {name.getDebugName(7)}\n"
        "Because of the Reserved Font Name 'Source', the Modified Version is named\n"
        f"\"{LATIN[0]}\" and not after Source Sans.\n\n"
        f"Below: verbatim {LATIN_LICENSE.name} from that package.\n"
        + "=" * 72 + "\n\n" + license_md.read_text(encoding="utf-8")
    )


def write_license(out: Path, noto: str | None, latin: str | None) -> None:
    """LICENSE-OFL.txt: the Noto part, then the Source Sans part; a part not rebuilt now is
    kept from the file as it is."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    cut = old.find("\n" + "=" * 72 + "\n" + LATIN_MARK)
    old_noto, old_latin = (old[:cut], old[cut:]) if cut >= 0 else (old, "")
    out.write_text((noto or old_noto) + (latin or old_latin), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--noto-root", type=Path,
                    help="dir where fonts-noto-cjk_*.deb was extracted with dpkg-deb -x")
    ap.add_argument("--source-sans-root", type=Path,
                    help="dir where the npm package source-sans 3.52.0 was extracted "
                         "(holds package/VF/SourceSans3VF-Upright.otf)")
    ap.add_argument("--unihan", type=Path,
                    help="Unihan_OtherMappings.txt(.bz2) from Debian unicode-data (for kTGH); "
                         "the HK pair also reads the other Unihan_*.txt.bz2 beside it")
    ap.add_argument("--fallback-gbk", action="store_true",
                    help="use GBK-encodable U+4E00..U+9FFF instead of the 通用规范汉字表")
    ap.add_argument("--faces", default="sc,hk,latin",
                    help="which pairs to build, of sc, hk and latin (hk and latin read the "
                         "SC files in the output folder)")
    ap.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args()
    faces = [f.strip() for f in args.faces.split(",") if f.strip()]
    if not set(faces) <= {*FACES, "latin"}:
        ap.error(f"--faces: expected some of {', '.join(FACES)}, latin")
    if set(faces) & set(FACES) and not args.noto_root:
        ap.error("the SC and HK pairs need --noto-root")
    if "latin" in faces and not args.source_sans_root:
        ap.error("the Latin pair needs --source-sans-root")
    if "hk" in faces and not args.unihan:
        ap.error("the HK pair needs --unihan (its Big5 additions come from Unihan)")

    if not set(faces) & set(FACES):
        return build_latin_pair(args.source_sans_root, args.out_dir)
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
    extra = set()
    for lo, hi in EXTRA_RANGES:
        extra.update(range(lo, hi + 1))
    unicodes |= extra
    unicodes.update(map(ord, MUST_HAVE))

    args.out_dir.mkdir(parents=True, exist_ok=True)
    sc_has: dict[str, set[int]] = {}
    for key in [f for f in faces if f in FACES]:
        font_dir = args.noto_root / FONT_DIR
        wanted, must = unicodes, MUST_HAVE
        if key == "hk":
            wanted, must = hk_unicodes(args.unihan.parent, unicodes, extra), MUST_HAVE_HK
        for style in ("Regular", "Bold"):
            src = font_dir / f"NotoSansCJK-{style}.ttc"
            sha = hashlib.sha256(src.read_bytes()).hexdigest()
            out = args.out_dir / f"{FACES[key][3]}-{style}.otf"
            mine = set(wanted)
            if key == "hk":  # drawn by the SC file, glyph for glyph
                sc_file = args.out_dir / f"{FACES['sc'][3]}-{style}.otf"
                if style not in sc_has:
                    sc_has[style] = set(TTFont(str(sc_file), lazy=True).getBestCmap())
                same = shared(src, "hk", "sc", sc_has[style])
                mine -= same
                print(f"{out.name}: {len(same)} code points shared with {sc_file.name}")
            face, _ = build(src, style, mine, out, key)
            check = TTFont(str(out))
            cmap = check.getBestCmap()
            missing = [ch for ch in must if ord(ch) not in cmap
                       and ord(ch) not in sc_has.get(style, set())]
            print(f"{out.name}: face #{face} of {src.name} (sha256 {sha[:16]}...), "
                  f"{len(cmap)} code points, {check['maxp'].numGlyphs} glyphs, "
                  f"{out.stat().st_size:,} bytes" + (f", MISSING {missing}" if missing else ""))
            if missing:
                return 1
    write_license(args.out_dir / "LICENSE-OFL.txt",
                  noto_license(args.noto_root / LICENSE_SRC,
                               args.noto_root / FONT_DIR / "NotoSansCJK-Regular.ttc"), None)
    print(f"wrote LICENSE-OFL.txt (header + verbatim {LICENSE_SRC})")
    if "latin" in faces:
        return build_latin_pair(args.source_sans_root, args.out_dir)
    return 0


def build_latin_pair(root: Path, out_dir: Path) -> int:
    vf = root / LATIN_VF
    sha = hashlib.sha256(vf.read_bytes()).hexdigest()
    for style in ("Regular", "Bold"):
        out = out_dir / f"{LATIN[3]}-{style}.otf"
        count = build_latin(vf, style, out_dir / f"{FACES['sc'][3]}-{style}.otf", out)
        check = TTFont(str(out))
        print(f"{out.name}: wght {LATIN_INSTANCES[style][0]} of {vf.name} (sha256 "
              f"{sha[:16]}...), {count} code points, {check['maxp'].numGlyphs} glyphs, "
              f"{out.stat().st_size:,} bytes")
    write_license(out_dir / "LICENSE-OFL.txt", None, latin_license(root / LATIN_LICENSE, vf))
    print(f"wrote the Source Sans part of LICENSE-OFL.txt (verbatim {LATIN_LICENSE.name})")
    return 0


def hk_unicodes(unihan_dir: Path, simplified: set[int], extra: set[int]) -> set[int]:
    """The Traditional subset's wish list, before the HK face's own cmap and sharing."""
    big5 = encodable("big5")
    common = hk_common(unihan_dir)
    variants = traditional_variants(unihan_dir, simplified)
    print(f"Big5: {len(big5)} code points, {sum(0x4E00 <= c <= 0x9FFF for c in big5)} hanzi; "
          f"HK/Macao common use: {len(common)} ({len(common - big5)} not in Big5); "
          f"Traditional variants of the SC subset: {len(variants)} "
          f"({len(variants - big5 - common)} not in the above)")
    return (big5 | common | variants | extra | set(map(ord, MUST_HAVE + MUST_HAVE_HK))
            | set(map(ord, OPENCC_EXTRA)))


if __name__ == "__main__":
    sys.exit(main())

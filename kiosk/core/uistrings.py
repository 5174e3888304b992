"""The show's own words (#13 §2): what the screen says that no deck wrote.

The 模拟数据 pill, the stale-data and offline badges, the 目标 and 模拟 tags beside figures
and chart lines, the photo credit's label, the placeholder of a missing image, the keypad
and the overview. One table, each entry written by hand in every language the show speaks
(zh, zh-Hant, en, pt): the Traditional forms are not left to OpenCC, and Portuguese screens
(Macau) read Portuguese, not English.

Pairing, as the deck's texts pair (``Deck.partner``): a Chinese screen shows its Chinese,
then English ("模擬數據 · Simulated data"); an English or Portuguese screen shows its own
language first, then the deck's Chinese ("Dados simulados · 模拟数据"). A visitor always
finds the warning in a language they read.

One wording of the simulated mark everywhere: 模拟 · SIMULATED beside a number and beside a
chart line alike (SIMULADO in Portuguese), 模拟数据 · Simulated data in the corner pill.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.core.deck import Deck

LANGS: tuple[str, ...] = ("zh", "zh-Hant", "en", "pt")
CHINESE = ("zh", "zh-Hant")
SEPARATOR = " · "

# Every entry in every language of LANGS (tests/test_uistrings.py checks it). Chinese uses
# full-width punctuation (#13 §1); Portuguese is Macau's, i.e. European (ligação,
# diapositivo). Tags (simulated, target) are set in capitals on Latin screens, like a stamp.
WORDS: dict[str, dict[str, str]] = {
    # the mark beside a simulated number or line (figures and charts alike)
    "simulated": {"zh": "模拟", "zh-Hant": "模擬", "en": "SIMULATED", "pt": "SIMULADO"},
    # the tag on a plan or target: a promise, not a result (#13 §1)
    "target": {"zh": "目标", "zh-Hant": "目標", "en": "TARGET", "pt": "META"},
    # the corner pill on a slide whose data is made up
    "simulated_data": {"zh": "模拟数据", "zh-Hant": "模擬數據", "en": "Simulated data",
                       "pt": "Dados simulados"},
    # the corner pill once a feed's data is stale: when it was last good ({time}: 14:05:09)
    "updated": {"zh": "数据更新于 {time}", "zh-Hant": "數據更新於 {time}",
                "en": "Updated {time}", "pt": "Atualizado às {time}"},
    # ... or when it never delivered anything
    "offline": {"zh": "离线", "zh-Hant": "離線", "en": "Offline", "pt": "Sem ligação"},
    # a photo slide whose image cannot be read
    "image_unavailable": {"zh": "图片暂不可用", "zh-Hant": "圖片暫不可用",
                          "en": "Image unavailable", "pt": "Imagem indisponível"},
    # the credit of a drawn picture (a deck writes credit: 示意图)
    "illustration": {"zh": "示意图", "zh-Hant": "示意圖", "en": "Illustration",
                     "pt": "Ilustração"},
    # a slide whose view failed: the show goes on
    "slide_unavailable": {"zh": "此页暂时无法显示", "zh-Hant": "此頁暫時無法顯示",
                          "en": "This slide cannot be shown right now",
                          "pt": "Este diapositivo não pode ser mostrado agora"},
    # the overview grid's heading
    "all_slides": {"zh": "全部页面", "zh-Hant": "全部頁面", "en": "All slides",
                   "pt": "Todos os diapositivos"},
    # the operator's PIN keypad ({wait}: 0:30)
    "pin_prompt": {"zh": "输入管理员 PIN", "zh-Hant": "輸入管理員 PIN", "en": "Operator PIN",
                   "pt": "PIN do operador"},
    "pin_wrong": {"zh": "PIN 错误，请重试", "zh-Hant": "PIN 錯誤，請重試", "en": "Wrong PIN",
                  "pt": "PIN errado"},
    "pin_locked": {"zh": "已锁定，{wait} 后重试", "zh-Hant": "已鎖定，{wait} 後重試",
                   "en": "Locked, try again in {wait}",
                   "pt": "Bloqueado, tente de novo dentro de {wait}"},
}

# The label before a photo credit, "图：示意图". It belongs to the Chinese line: an English
# or Portuguese screen reads "Illustration · 图：示意图".
CREDIT_LABEL: dict[str, str] = {"zh": "图：", "zh-Hant": "圖："}

# The language button names the language a tap brings, in that language (中 on an English
# screen, PT for Macau's Portuguese readers), as airport and museum kiosks label theirs.
LANGUAGE_BUTTON: dict[str, str] = {"zh": "中", "zh-Hant": "繁", "en": "EN", "pt": "PT"}


def partner(lang: str, deck: Deck | None = None) -> str:
    """The language of the second half: English under either Chinese, the deck's Chinese
    under English and Portuguese (``Deck.partner``; zh when there is no deck)."""
    if deck is not None:
        return deck.partner(lang)
    return "en" if lang in CHINESE else "zh"


def word(key: str, lang: str, **fields: str) -> str:
    """One entry in one language (a language the table does not know reads Simplified
    Chinese, the show's first language); ``fields`` fill its {placeholders}."""
    entry = WORDS[key]
    return entry.get(lang, entry["zh"]).format(**fields)


def pair(first: str, second: str) -> str:
    """"first · second", or ``first`` alone when the two say the same thing."""
    return f"{first}{SEPARATOR}{second}" if second and second != first else first


def say(key: str, lang: str, deck: Deck | None = None, **fields: str) -> str:
    """An entry as the screen in ``lang`` shows it: its language, then its partner's
    ("模擬數據 · Simulated data" on zh-Hant, "Dados simulados · 模拟数据" on pt)."""
    return pair(word(key, lang, **fields), word(key, partner(lang, deck), **fields))


def is_illustration(chinese: str) -> bool:
    """The deck's credit is the word for a drawn picture (示意图, in either script)."""
    return chinese.strip() in (WORDS["illustration"]["zh"], WORDS["illustration"]["zh-Hant"])


def credit_line(lang: str, own: str, partner_line: str, script: str) -> str:
    """A photo credit with its label: "图：示意图 · Illustration" on a Chinese screen (圖： in
    zh-Hant); "Illustration · 图：示意图" on an English one, the label with the Chinese.
    ``own``: the credit in the screen's language; ``partner_line``: in its partner's, or ""
    when the deck gives none; ``script``: the Chinese this screen writes."""
    label = CREDIT_LABEL.get(script, CREDIT_LABEL["zh"])
    if lang in CHINESE or not partner_line:
        return pair(f"{label}{own}", partner_line)
    return pair(own, f"{label}{partner_line}")

"""Text analysis shared by indexing and querying, whatever the backend.

Three forms of every word:

* the **fold**: case-folded, accents and other combining marks removed (so NFD and
  NFC text, "Židova" and "Zidova", pointed and unpointed Hebrew all meet), and a few
  Latin letters spelled out (ß, ø, ł...). Scripts stay as they are: a Cyrillic word
  is found by a Cyrillic query.
* the **key**: the fold's romanization, reduced so that the usual ways of spelling a
  Slavic or Yiddish name in Latin letters meet. Cyrillic is romanized with ICU's
  BGN/PCGN rules; other scripts with ICU's ``Any-Latin; Latin-ASCII``, except Hebrew
  and Arabic, whose unvoweled romanizations match nothing useful. "Щаранский",
  "Shcharansky", "Sharansky" and "Scharansky" all have the key ``sharansky``.
* stored **variants** from authority records are added at indexing time (see
  :mod:`fonds.search.indexing`), for what no rule can derive (Iosif, Joseph, Yosef).

Both backends index and query these forms, so they find the same records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu

# Combining marks belong to their word (NFD text, Hebrew points, Arabic harakat).
_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7" + (
    "\u0610-\u061a\u064b-\u065f\u0670\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
# An apostrophe inside a word belongs to it (O'Brien, ריצ'רד), as do Hebrew's geresh
# and gershayim (ריצ׳רד, צה״ל), which the apostrophe and the quote often stand in for.
WORD = re.compile(rf"[\w{_MARKS}]+(?:['’\u05f3\u05f4][\w{_MARKS}]+)*", re.UNICODE)

_LATIN_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ŋ": "n",
        "’": "",
        "'": "",
        "\u05f3": "",  # geresh
        "\u05f4": "",  # gershayim
    }
)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_NO_KEY = re.compile(r"[\u0590-\u05FF\u0600-\u06FF\uFB1D-\uFDFF]")  # Hebrew, Arabic

_RUSSIAN = icu.Transliterator.createInstance("Russian-Latin/BGN; Latin-ASCII")
_ANY = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")

# Spellings of the same sounds in English, German, Polish and scholarly romanizations
# of Russian and Yiddish, reduced to one. Applied in order, to ASCII lowercase.
_KEY_RULES = [
    (re.compile(r"tsch|tch|cz"), "ch"),
    (re.compile(r"shch|szcz|sch|sz"), "sh"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"j"), "y"),
    (re.compile(r"^ye"), "e"),
    (re.compile(r"(?<=[aeou])i(?![aeiou])"), "y"),  # Naiman and Nayman (Найман)
    (re.compile(r"(?<=[a-z])(iy|ij|ii|yi|yy|i|y)$"), "y"),
    (re.compile(r"([a-z])\1+"), r"\1"),
]


def words(text: str) -> list[str]:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return WORD.findall(text)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    lowered = word.casefold()
    if lowered.isascii():
        return lowered.replace("'", "")
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )
    return unicodedata.normalize("NFC", stripped.translate(_LATIN_SPECIAL))


@lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """The romanization key of one word, or "" when it has none."""
    lowered = word.casefold()
    if lowered.isascii():
        latin = lowered
    elif _NO_KEY.search(lowered):
        return ""
    elif _CYRILLIC.search(lowered):
        latin = _RUSSIAN.transliterate(lowered)
    else:
        latin = _ANY.transliterate(fold(lowered))
    latin = re.sub(r"[^a-z0-9]", "", latin.lower())
    if not latin or latin.isdigit():
        return ""
    for pattern, replacement in _KEY_RULES:
        latin = pattern.sub(replacement, latin)
    return latin


def folds(text: str) -> list[str]:
    return [fold(w) for w in words(text)]


def keys(text: str) -> list[str]:
    return [k for k in (key(w) for w in words(text)) if k]


def analyzed(text: str) -> str:
    """Folded words joined by spaces: what text fields are indexed from."""
    return " ".join(folds(text))


def key_text(*texts: str) -> str:
    return " ".join(k for text in texts for k in keys(text))


def highlight(text: str, query_folds: set[str], query_keys: set[str], width: int = 240) -> str:
    """An HTML snippet of ``text`` around the first matches, matches in ``<mark>``.

    The text is escaped here; the result is safe to insert in a page.
    """
    from html import escape

    spans = [
        (m.start(), m.end())
        for m in WORD.finditer(text)
        if fold(m.group()) in query_folds or (query_keys and key(m.group()) in query_keys)
    ]
    if not spans:
        cut = text[:width]
        return escape(cut) + ("…" if len(text) > width else "")
    start = max(0, spans[0][0] - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + width)
    out: list[str] = ["…" if start else ""]
    position = start
    for begin, finish in spans:
        if begin < start or finish > end:
            continue
        out.append(escape(text[position:begin]))
        out.append(f"<mark>{escape(text[begin:finish])}</mark>")
        position = finish
    out.append(escape(text[position:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)

"""The trigram similarity of PostgreSQL's pg_trgm, in Python, for SQLite (and for the tests that
compare the two).

pg_trgm splits a text into words (runs of letters and digits; a run of Chinese characters is one
word, punctuation and spaces separate words), lower-cases them, pads each with two spaces in front
and one behind, and takes every three consecutive characters. The similarity of two texts is the
number of trigrams they share divided by the number of distinct trigrams of both:
``|A ∩ B| / |A ∪ B|``, between 0 and 1.
"""

from __future__ import annotations

import re

# A word is a run of characters that are letters or digits (str.isalnum, as iswalnum() in a UTF-8
# locale): everything else separates words.
_WORDS = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in _WORDS.findall((text or "").lower()):
        padded = "  " + word + " "
        grams.update([padded[i : i + 3] for i in range(len(padded) - 2)])
    return grams


def similarity_of_sets(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def similarity(a: str, b: str) -> float:
    return similarity_of_sets(trigrams(a), trigrams(b))


def shared_passages(text: str, other: str, *, minimum: int = 4) -> list[tuple[int, int]]:
    """The (start, end) spans of ``text`` that also occur in ``other``, each at least ``minimum``
    characters long, merged where they overlap: what the side-by-side view highlights."""
    if not text or not other:
        return []
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i <= n - minimum:
        if text[i : i + minimum] in other:
            j = i + minimum
            while j < n and text[i : j + 1] in other:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def highlight(text: str, other: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, shared) parts; the template escapes each piece."""
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in shared_passages(text, other):
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts

"""Is a cleaned text English? Offline and without a model: three cheap signals.

- Script: a text whose letters are mostly not Latin (CJK, Cyrillic, Arabic, Greek,
  Hebrew, Devanagari, Thai, Hangul...) is not English.
- Accented letters: a text whose letters are mostly accented Latin ones is no English
  either; that is also what Chinese or Russian bytes read with the wrong charset look
  like ("±±¾©ÊÐÓë¶«¾©", "Ãîðîä").
- Function words: in English prose a fifth or more of the lower-case words are words
  like "the", "of", "and", "that" (`data/english_words.txt`); in French, German or
  Spanish prose almost none are. Capitalised words are not counted, so a list of place
  names or a table of partner cities, which has almost no lower-case words, is never
  judged, and an English article full of foreign names or quoting a foreign sentence
  still has its English function words.

A text too short to tell (few letters, few different lower-case words) counts as English:
the extractor then simply finds nothing in it if it is not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# Below these amounts a text is too short to tell.
MIN_LETTERS = 60
MIN_LOWER_WORDS = 25
# ... and this many different ones: a score table ("25 points. 6 steals.") repeats a
# handful of words that tell nothing about its language.
MIN_LOWER_TYPES = 20
# More than this share of non-Latin letters: another script.
MAX_OTHER_SCRIPT = 0.5
# More than this share of accented Latin letters (French has about 4%, English none).
MAX_ACCENTED = 0.3
# Below this share of English function words among lower-case words: another language.
# English news prose has 0.3-0.5 (0.17 the lowest of 220 English test and benchmark
# documents; a short one padded with markup words, 0.12); French, German, Spanish,
# Portuguese, Italian and Indonesian articles at most 0.035.
MIN_ENGLISH_SHARE = 0.06
_LOWER_WORD = re.compile(r"(?<![^\W\d_])[a-z]+(?:['’][a-z]+)?(?![^\W\d_])")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    text = resources.files("pipeline.data").joinpath("english_words.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _latin(ch: str) -> bool:
    o = ord(ch)
    # Basic Latin to Latin Extended-B and IPA; Latin Extended Additional (Vietnamese);
    # Latin Extended-C/D/E; fullwidth Latin letters.
    return (
        o < 0x2B0
        or 0x1E00 <= o <= 0x1EFF
        or 0x2C60 <= o <= 0x2C7F
        or 0xA720 <= o <= 0xA7FF
        or 0xAB30 <= o <= 0xAB6F
        or 0xFF21 <= o <= 0xFF5A
    )


def letter_shares(text: str) -> tuple[float, float, int]:
    """Shares of letters that are not Latin and that are accented Latin, and how many
    letters there are."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0, 0.0, 0
    other = sum(1 for ch in letters if not _latin(ch))
    accented = sum(1 for ch in letters if ord(ch) > 127 and _latin(ch))
    return other / len(letters), accented / len(letters), len(letters)


def english_share(text: str) -> tuple[float, int, int]:
    """Share of lower-case words that are English function words, how many lower-case
    words there are and how many different ones (a word with any upper-case or non-ASCII
    letter is not counted)."""
    words = _LOWER_WORD.findall(text)
    if not words:
        return 0.0, 0, 0
    known = english_words()
    return sum(1 for w in words if w in known) / len(words), len(words), len(set(words))


def is_english(text: str) -> bool:
    """False only for a text long enough to tell that is clearly in another language."""
    other, accented, letters = letter_shares(text)
    if letters >= MIN_LETTERS and (other > MAX_OTHER_SCRIPT or accented > MAX_ACCENTED):
        return False
    english, words, types = english_share(text)
    if words < MIN_LOWER_WORDS or types < MIN_LOWER_TYPES:
        return True
    return english >= MIN_ENGLISH_SHARE

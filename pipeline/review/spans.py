"""Highlighted text rendered by our own code: every character of the article goes
through markupsafe.escape, and only our fixed class names and escaped labels become
markup. (displaCy's renderer does not escape every field, so it is not used.)

Overlapping marks are handled by cutting the text at every mark boundary: each piece
carries the classes of all the marks covering it, so the HTML never interleaves tags.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from pipeline.review.candidates import Mark

ROLES = ("focus", "city", "trigger", "date", "actor")


def render(text: str, start: int, end: int, marks: Iterable[Mark]) -> Markup:
    """text[start:end] as HTML, with <mark> elements for the marks inside it."""
    inside = [m for m in marks if m.start < end and m.end > start and m.role in ROLES]
    cuts = {start, end}
    for m in inside:
        cuts.add(max(m.start, start))
        cuts.add(min(m.end, end))
    points = sorted(cuts)
    parts: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        piece = escape(text[a:b])
        covering = [m for m in inside if m.start <= a and m.end >= b]
        if not covering:
            parts.append(str(piece))
            continue
        roles = sorted({m.role for m in covering}, key=ROLES.index)
        classes = " ".join(f"hl-{r}" for r in roles)
        title = escape("; ".join(dict.fromkeys(m.label for m in covering)))
        parts.append(f'<mark class="{classes}" title="{title}">{piece}</mark>')
    return Markup("".join(parts))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-empty lines of a text, as (start, end)."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out

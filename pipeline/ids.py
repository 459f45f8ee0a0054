"""Deterministic identifiers: every id is a hash of the content it names."""

from __future__ import annotations

import hashlib


def content_hash(*parts: object, length: int = 16) -> str:
    """Hex digest of the parts, joined unambiguously (None and "" differ)."""
    h = hashlib.sha256()
    for part in parts:
        data = b"\x00" if part is None else str(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:length]


def doc_id_for(text: str) -> str:
    """A document is identified by its cleaned text, so re-cleaning gives the same id."""
    return content_hash("doc", text)

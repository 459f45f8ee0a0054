"""Review settings: where decisions are stored and who is reviewing.

Read from the environment so the CLI, the web app and tests share them:
SISTERCITIES_REVIEW_DB (a SQLAlchemy URL, or a file path for SQLite) and
SISTERCITIES_REVIEWER. Command-line options win over both.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DB_FILE = "review.sqlite"


def db_url(dataset_dir: str | Path, explicit: str | None = None) -> str:
    """The decision store of a dataset: the option, the setting, or a file inside it."""
    value = explicit or os.environ.get("SISTERCITIES_REVIEW_DB") or ""
    if not value:
        return f"sqlite:///{Path(dataset_dir) / DB_FILE}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value)}"


def reviewer(explicit: str | None = None) -> str:
    name = (explicit or os.environ.get("SISTERCITIES_REVIEWER") or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "reviewer"

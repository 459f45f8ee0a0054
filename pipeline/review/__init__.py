"""Reviewing extraction output by hand: a browser queue, an append-only decision
store, and exports of the reviewed dataset.

Data flows one way: the dataset folder (read through `pipeline.dataset.load`) gives
the candidates (`candidates`), reviewers append decisions (`store`), decisions are
re-attached to the current candidates (`decisions.resolve`) and applied to the tables
(`reviewed.apply`), which the exports write (`export`, `queuecsv`, `labelstudio`).

For other modules: `reviewed_tables(out_dir)` returns the dataset's tables with the
latest decisions applied (rejected rows removed, edits applied, reviewer-added events
included, review columns added).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas stays out of the import path of the web app's light parts
    import pandas as pd


def reviewed_tables(
    out_dir, db_url: str | None = None, accepted_only: bool = False
) -> dict[str, pd.DataFrame]:
    """The dataset in out_dir with the decisions of its review store applied."""
    from pipeline.review import reviewed

    return reviewed.reviewed_tables(out_dir, db_url, accepted_only=accepted_only)


__all__ = ["reviewed_tables"]

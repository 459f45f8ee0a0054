"""Prefect flows over the plain library in `pipeline/` (prefect is imported only here)."""

import os

# Prefect keeps its state where PREFECT_HOME says (the Makefile points it into the
# project) and, unless told otherwise, never phones home.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

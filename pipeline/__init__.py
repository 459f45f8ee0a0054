"""sistercities: sister-city relationships and their events, extracted with provenance."""

__version__ = "0.1.0"

# Bumped whenever extraction output can change for the same input; recorded per document
# so a dataset says which rules produced it.
EXTRACTOR_VERSION = "0.1.0"

"""Errors a user can cause and fix. The CLI prints these as one "Error: ..." line;
anything else is a bug and raises with its traceback."""


class SisterCitiesError(Exception):
    """Base class of known, user-facing errors."""


class InputError(SisterCitiesError):
    """A path, file or option the user gave cannot be used."""


class ModelError(SisterCitiesError):
    """The configured spaCy model is not installed or cannot be loaded."""


class DatasetError(SisterCitiesError):
    """An output dataset is missing, locked by another run, or unreadable."""


class GoldError(SisterCitiesError):
    """A gold annotation file does not follow GUIDELINES.md."""

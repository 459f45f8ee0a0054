"""The sources list: what it may say, and one clear error for each mistake."""

import re

import pytest

from pipeline import sourcelist
from pipeline.config import FetchSettings
from pipeline.errors import InputError

from .conftest import ROOT


def _write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_list_names_the_sample_corpus():
    listing = sourcelist.load(ROOT / "corpus" / "sources.toml")
    assert [(s.kind, s.location) for s in listing.sources] == [
        ("path", str(ROOT / "corpus" / "documents"))
    ]


def test_every_kind_with_tags_limit_and_fetch_settings(tmp_path):
    path = _write(
        tmp_path,
        """
[fetch]
delay = 2
allow_private = true

[[source]]
path = "docs"
[[source]]
name = "one page"
url = "https://x.org/a.html"
tags = ["uk", "council"]
[[source]]
feed = "https://x.org/rss"
limit = 10
[[source]]
sitemap = "http://x.org/sitemap.xml"
""",
    )
    listing = sourcelist.load(path)
    assert [s.kind for s in listing.sources] == ["path", "url", "feed", "sitemap"]
    assert listing.sources[0].location == str(tmp_path / "docs")
    assert listing.sources[1].name == "one page" and listing.sources[1].tags == ("uk", "council")
    assert listing.sources[2].limit == 10 and listing.sources[2].name == "https://x.org/rss"
    assert listing.fetch == FetchSettings(delay=2.0, allow_private=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "lists no [[source]]"),
        ("[[source]]\nname = 'x'\n", "give exactly one of path, url, feed, sitemap"),
        ("[[source]]\npath = 'a'\nurl = 'https://x.org'\n", "give exactly one of"),
        ("[[source]]\nurl = 'ftp://x.org/a'\n", "is not an http(s) URL"),
        ("[[source]]\nurl = 'http://[::1/x'\n", "is not an http(s) URL"),
        ("[[source]]\npath = 'a'\ncolour = 'red'\n", "unknown key(s) colour"),
        ("[[source]]\npath = 'a'\ntags = 'uk'\n", "tags must be a list of words"),
        ("[[source]]\nfeed = 'https://x.org/f'\nlimit = 0\n", "limit must be"),
        ("[[source]]\npath = 'a'\n[[source]]\npath = 'a'\n", "source names must differ"),
        ("[fetch]\ndelay = 'slow'\n[[source]]\npath = 'a'\n", "delay = 'slow' is not a valid"),
        ("[fetch]\nspeed = 1\n[[source]]\npath = 'a'\n", "unknown setting 'speed'"),
        ("[[source]\npath = 'a'\n", "is not valid TOML"),
    ],
)
def test_mistakes_are_one_clear_error(tmp_path, text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        sourcelist.load(_write(tmp_path, text))


def test_missing_list_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        sourcelist.load(tmp_path / "nope.toml")

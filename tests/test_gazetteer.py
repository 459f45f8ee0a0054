"""The offline gazetteer and its string-speed scan."""

from collections import Counter

import pytest

from pipeline import gazetteer, placescan


@pytest.fixture(scope="module")
def gaz():
    return gazetteer.load()


def _names(gaz, text):
    return [text[s.start : s.end] for s in gaz.scan(text)]


def test_scan_finds_multiword_and_hyphenated_names(gaz):
    text = "Talks between Newcastle upon Tyne and Rostov-on-Don began."
    assert "Newcastle upon Tyne" in _names(gaz, text) and "Rostov-on-Don" in _names(gaz, text)


def test_possessive_is_not_part_of_the_name(gaz):
    assert "Kyiv" in _names(gaz, "Kyiv's city council voted.")


def test_a_stop_phrase_hides_the_names_inside_it(gaz):
    # "Latin America" is a region; its "America" is not the United States
    names = _names(gaz, "Its first partner in Latin America was Rosario, then Boston, America.")
    assert "America" in names and names.count("America") == 1 and "Rosario" in names


def test_capitalised_function_words_are_not_places(gaz):
    names = _names(gaz, "On Tuesday, The City Council met. In May the mayor spoke.")
    assert "On" not in names and "The City" not in names and "In" not in names


def test_weak_names_are_reported_as_weak(gaz):
    (span,) = [s for s in gaz.scan("the Reading-Düsseldorf link") if s.key == "reading"]
    assert span.weak


def test_alias_table_ranks_before_population(gaz):
    assert gaz.cities_named("St. Paul")[0].name == "Saint Paul"


@pytest.mark.parametrize(
    "name, country",
    [("Gloucester", "GB"), ("Orléans", "FR"), ("Hanover", "DE"), ("Hull", "GB")],
)
def test_a_suburb_listed_as_a_city_does_not_win_its_namesakes_name(gaz, name, country):
    # GeoNames lists Ottawa's suburbs Gloucester and Orléans as cities larger than the
    # English and French ones that twin.
    assert gaz.cities_named(name)[0].country == country


@pytest.mark.parametrize(
    "name, city, country",
    [("Corvallis", "Corvallis", "US"), ("Zaragoza", "Zaragoza", "ES"), ("Parma", "Parma", "IT"),
     ("Waterloo", "Waterloo", "CA"), ("Canton", "Guangzhou", "CN"), ("Odessa", "Odesa", "UA")],
)  # fmt: skip
def test_a_city_of_that_name_ranks_before_another_citys_alternate_name(gaz, name, city, country):
    # GeoNames lists "Corvallis" among Norwalk's alternate names and "Zaragoza" among
    # Tijuana's; only a city ten times larger wins on an alternate name ("Canton").
    first = gaz.cities_named(name)[0]
    assert (first.name, first.country) == (city, country)


@pytest.mark.parametrize("name, city", [("Corvallis", "Corvallis"), ("Canton", "Guangzhou")])
def test_resolving_a_bare_name_keeps_that_ranking(gaz, name, city):
    key = gazetteer.norm(name)
    place = placescan.resolve(key, gaz.cities_for_key(key), None, set(), None, None, Counter())
    assert place.name == city


def test_capital_of_a_country(gaz):
    assert gaz.capital("CZ").name == "Prague"


def test_korean_names_are_found_without_apostrophes(gaz):
    # GeoNames spells some Korean cities the old way ("T’aebaek"); texts write "Taebaek".
    assert [c.country for c in gaz.cities_for_key("taebaek")][:1] == ["KR"]


def test_lowercase_prefix_names_are_scanned(gaz):
    # Zulu and Xhosa place names keep a lowercase locative prefix: "eThekwini" (Durban)
    spans = gaz.scan("Unlike Johannesburg, eThekwini kept its ties; ebay and iPhone are not.")
    assert [s.key for s in spans] == ["johannesburg", "ethekwini"]


def test_a_division_name_is_not_a_small_town_elsewhere(gaz):
    # "Pembrokeshire, Wales": Wales the country of the UK, not the Yorkshire village
    assert gaz.cities_named("Wales") == ()
    assert gaz.divisions_named("Wales")
    # a big city named like a division stays a city
    assert gaz.cities_named("Quebec")


def test_a_short_alias_inside_a_longer_hyphenated_name_is_no_place(gaz):
    # "Pont" is another name of Pont-Sainte-Maxence; "Rockford-Changzhou" is two places
    pont = placescan.scan_document("Visitors from Pont-Aven arrived.", gaz)
    assert [s.key for s in pont.scan] == []
    pair = placescan.scan_document("The Rockford-Changzhou tie is old.", gaz)
    assert [s.key for s in pair.scan] == ["rockford", "changzhou"]


@pytest.mark.parametrize("written", ["Gimhae", "Kimhae"])
def test_korean_cities_are_named_in_revised_romanization(gaz, written):
    # GeoNames keeps "Kimhae"; texts since 2000 write "Gimhae", and so does the dataset
    assert [c.name for c in gaz.cities_named(written)][:1] == ["Gimhae"]


def test_section_heads_need_two_headings_that_are_only_a_place(gaz):
    guide = "Our partners\n\nGimhae\n\nFriends since 2007.\n\nLuoyang, China\n\nIt is over.\n"
    heads = placescan.scan_document(guide, gaz).section_heads
    assert [guide[s:e] for s, e in heads] == ["Gimhae", "Luoyang, China"]
    one = "Our partners\n\nGimhae\n\nFriends since 2007.\n\nLuoyang residents\n\nNo.\n"
    assert placescan.scan_document(one, gaz).section_heads == ()


def test_demonyms_of_countries_and_of_regions():
    found = gazetteer.demonym_countries()
    assert found["german"] == {"DE"}
    assert {"NO", "SE", "DK"} <= found["nordic"]


def test_a_line_of_four_or_more_names_is_a_place_run():
    assert placescan.place_run("Bergen (Norway), Deventer (Netherlands), Kaunas (Lithuania), Riga")
    assert placescan.place_run("Bergen, Norway; Frankfurt am Main, Germany; Kaunas, Lithuania")
    assert not placescan.place_run("Bergen, Deventer and Riga")  # three names: too few to tell
    assert not placescan.place_run("Councillors from Bergen, Deventer, Kaunas and Riga met.")


def test_a_run_of_names_under_a_tie_sentence_is_a_list_without_its_colon():
    text = (
        "Tartu is twinned with these cities\n\n"
        "Bergen, Norway; Deventer, Netherlands; Riga, Latvia; Turku, Finland\n\n"
        "It is a university town.\n"
    )
    items = placescan.list_items(text)
    assert [text[s:e] for s, e in items] == [
        "Bergen, Norway; Deventer, Netherlands; Riga, Latvia; Turku, Finland"
    ]


def test_a_title_line_that_is_a_place_named_again_marks_it_known(gaz):
    text = "Tartu\n\nTartu is a university city.\n\nIt has a song festival.\n"
    assert "tartu" in placescan.scan_document(text, gaz).known
    wire = "AAP\n\nCouncillors met on Tuesday.\n"
    assert "aap" not in placescan.scan_document(wire, gaz).known

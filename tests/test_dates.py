from datetime import date

import pytest

from pipeline.dates import (
    day_first,
    find_citations,
    find_date_expressions,
    parse_expression,
    relative_base,
    swap_day_month,
)
from pipeline.models import DateValue

MAY_2023 = relative_base(DateValue("2023-05", "month"))


@pytest.mark.parametrize(
    ("expr", "base", "value", "precision"),
    [
        ("1988", None, "1988", "year"),  # dateparser would invent a month and day
        ("in 2014", None, "2014", "year"),
        ("May 2023", None, "2023-05", "month"),
        ("Fri May, 2023", None, "2023-05", "month"),
        ("In October 1980", None, "1980-10", "month"),
        ("August 1, 2010", None, "2010-08-01", "day"),
        ("07/01/2020", None, "2020-07-01", "day"),
        ("January 12", MAY_2023, "2023-01-12", "day"),
        ("This week", MAY_2023, "2023-05", "month"),
        ("last month", MAY_2023, "2023-04", "month"),
        ("this year", MAY_2023, "2023", "year"),
        ("six years ago", MAY_2023, "2017", "year"),  # any count the number words know
        ("Forty years ago this June", MAY_2023, "1983-06", "month"),  # that month, back
        ("ten years ago this month", MAY_2023, "2013-05", "month"),
        ("10 years earlier", MAY_2023, "2013", "year"),
        ("a decade ago", MAY_2023, "2013", "year"),  # decades count ten years each
        ("two decades ago", MAY_2023, "2003", "year"),
        ("in March last year", MAY_2023, "2022-03", "month"),  # not this year's March
        ("September of this year", MAY_2023, "2023-09", "month"),
        ("Fifty years ago this week", date(2025, 5, 18), "1975-05", "month"),
        ("on Wednesday", date(2024, 3, 6), "2024-03-06", "day"),  # the story's own day
        ("on Tuesday", date(2024, 3, 6), "2024-03-05", "day"),
    ],
)
def test_parse_expression_keeps_precision(expr, base, value, precision):
    parsed = parse_expression(expr, base)
    assert (parsed.value, parsed.precision) == (value, precision)


@pytest.mark.parametrize("expr", ["21-year", "35 years", "the 1990s", "May", "11 months"])
def test_durations_decades_and_the_modal_may_are_not_dates(expr):
    assert parse_expression(expr, MAY_2023) is None


def test_relative_expression_without_publication_date_is_unknown():
    assert parse_expression("January 12", None) is None
    assert parse_expression("this week", None) is None


def test_relative_base_is_end_of_period():
    assert relative_base(DateValue("2023", "year")) == date(2023, 12, 31)
    assert relative_base(DateValue("2024-02", "month")) == date(2024, 2, 29)


def test_citation_gives_first_dated_item_with_valid_span():
    text = "Winnipeg kept it (Global News, January 12; Global News, January 26). Next."
    (cit,) = find_citations(text, 0, len(text), MAY_2023)
    assert text[cit.start : cit.end].startswith("(Global News")
    assert cit.date.value == "2023-01-12"
    assert text[cit.date.start : cit.date.end] == "January 12"


def test_parenthesis_that_is_not_a_citation_is_ignored():
    text = "The council (which met in 2019, she said) voted."
    assert find_citations(text, 0, len(text), None) == []


def test_find_date_expressions():
    text = "By Jo Bloggs\nAugust 1, 2010 and later 3 May 2019"
    assert [text[s:e] for s, e in find_date_expressions(text)] == ["August 1, 2010", "3 May 2019"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published 25/03/2024. The council met on 12/04/2024.", True),
        ("Posted 3/25/2024, updated 4/12/2024.", False),
        ("Signed on 12 March 2024 in the town hall.", True),
        ("Signed on March 12, 2024, at city hall.", False),
        ("The committee organised a visit to the twin town's centre.", True),
        ("The committee organized a visit to the civic center.", False),
        ("No clue either way here.", False),
    ],
)
def test_day_first_reads_the_texts_own_conventions(text, expected):
    assert day_first(text) is expected


def test_swap_day_month_only_touches_ambiguous_numeric_dates():
    us = parse_expression("12/03/2024")
    assert us.value == "2024-12-03"
    assert swap_day_month(us, "12/03/2024").value == "2024-03-12"
    written = parse_expression("12 March 2024")
    assert swap_day_month(written, "12 March 2024") == written
    unambiguous = parse_expression("25/03/2024")
    assert swap_day_month(unambiguous, "25/03/2024") == unambiguous


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("last July", "2022-07"),
        ("last February", "2023-02"),
        ("last March", "2022-03"),
        ("this June", "2023-06"),
        ("last summer", "2022"),
        ("this spring", "2023"),
        ("next month", None),
        ("next spring", None),
    ],
)
def test_named_months_and_seasons_resolve_against_the_publication(expr, value):
    got = parse_expression(expr, date(2023, 3, 14))
    assert (got.value if got else None) == value


@pytest.mark.parametrize(
    ("expr", "value", "precision"),
    [
        ("earlier this year", "2023", "year"),
        ("earlier this month", "2023-05", "month"),
        ("late last year", "2022", "year"),
        ("by the end of April", "2023-04", "month"),
        ("the beginning of March 2020", "2020-03", "month"),
        ("mid-2019", "2019", "year"),
        ("late March", "2023-03", "month"),
    ],
)
def test_part_of_a_period_is_dated_by_the_period(expr, value, precision):
    got = parse_expression(expr, MAY_2023)
    assert (got.value, got.precision) == (value, precision)


def test_a_period_still_to_come_is_not_a_date():
    assert parse_expression("later this year", MAY_2023) is None

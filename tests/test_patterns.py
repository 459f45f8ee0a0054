"""The token-pattern language: atoms, coordination, guards, and the shipped pattern files."""

import pytest

from pipeline.models import Token
from pipeline.patterns import PatternError, Unit, compile_pattern, encode, lexicon, load_patterns

MACROS = lexicon()["macros"]


def _units(spec: str):
    """'P:0 is twinned with P:1' -> a UnitString (places as P:n, other words as words)."""
    tokens, units = [], []
    for i, word in enumerate(spec.split()):
        tokens.append(
            Token(i, 0, 0, word, word.lower(), word.lower(), "X", "X", "", i, "", 0, True)
        )
        if word.startswith("P:"):
            units.append(Unit(i, i + 1, "P", int(word[2:])))
        else:
            units.append(Unit(i, i + 1, "W", None))
    return encode(units, tokens)


def test_places_are_captured_by_name():
    us = _units("P:0 is twinned with P:1")
    m = compile_pattern("A _{0,3} with B", MACROS).match(us.text, us.offsets[0])
    assert m.group("A").startswith("@P0") and m.group("B").startswith("@P1")


def test_coordination_takes_every_member():
    us = _units("P:0 and P:1 severed ties with P:2")
    m = compile_pattern("A+ _{0,3} with B", MACROS).match(us.text, us.offsets[0])
    assert "@P0" in m.group("A") and "@P1" in m.group("A")


def test_gap_never_skips_over_a_place():
    us = _units("P:0 said P:1 ended ties with P:2")
    regex = compile_pattern("A _{0,5} ties with B", MACROS)
    assert regex.match(us.text, us.offsets[0]) is None
    assert regex.match(us.text, us.offsets[2]) is not None


def test_relationship_macro_matches_hyphenated_sister_city():
    us = _units("P:0 ended its sister - city relationship with P:1")
    m = compile_pattern("A _{0,4} R=$REL_STRONG with B", MACROS).match(us.text, us.offsets[0])
    assert m is not None and "sister" in m.group("R")


def test_group_may_repeat_one_or_more_times():
    regex = compile_pattern("A (a/an/its/official)+ sister city B", MACROS)
    us = _units("P:0 its official sister city P:1")
    assert regex.match(us.text, us.offsets[0]) is not None
    us = _units("P:0 sister city P:1")
    assert regex.match(us.text, us.offsets[0]) is None


def test_bare_star_is_any_unit_even_inside_a_group():
    regex = compile_pattern("A , which (!, *){1,6} , became B", MACROS)
    us = _units("P:0 , which hosted P:1 's mayor , became P:2")
    assert regex.match(us.text, us.offsets[0]) is not None


def test_special_atom_inside_word_list_is_refused():
    with pytest.raises(PatternError, match="mixes NATION"):
        compile_pattern("A (NATION/the city of)? B", MACROS)


@pytest.mark.parametrize("name", ["pair_patterns.jsonl", "partial_patterns.jsonl"])
def test_shipped_patterns_compile_with_unique_ids(name):
    patterns = load_patterns(name)
    assert patterns and len({p.id for p in patterns}) == len(patterns)


def test_every_alternative_of_a_lemma_list_is_a_lemma():
    # "~freeze/~suspend" and "~freeze/suspend" both mean either lemma.
    us = _units("P:0 suspend contacts with P:1")  # (the helper makes each word its lemma)
    for atom in ("~freeze/~suspend", "~freeze/suspend"):
        regex = compile_pattern(f"A {atom} contacts with B", MACROS)
        assert regex.match(us.text, us.offsets[0]) is not None, atom

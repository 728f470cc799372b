"""Aliases files: loading, forgiving errors, and query expansion on word boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.aliases import ALIASES_FILE, Aliases, country_aliases, load_aliases
from retrieval.engine import Engine
from tests.paths import SEEDS

SEED_DIR = SEEDS


def write(folder: Path, text: str) -> Path:
    path = folder / ALIASES_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_no_aliases(tmp_path: Path) -> None:
    aliases = load_aliases(tmp_path, countries=False)
    assert len(aliases) == 0
    assert aliases.warnings == ()
    assert aliases.expand("Zelenskyy") == []


def test_expand_adds_the_other_names_of_a_group() -> None:
    aliases = Aliases(groups=(("Zelensky", "Zelenskyy", "Zelenskiy"), ("Kremlin", "Moscow")))
    assert aliases.expand("What did zelenskyy say?") == ["Zelensky", "Zelenskiy"]
    assert aliases.expand("Zelenskyy’s plan and the KREMLIN") == [
        "Zelensky",
        "Zelenskiy",
        "Moscow",
    ]
    assert aliases.expand("Zelensky and Zelenskyy") == ["Zelenskiy"]


def test_matches_maps_each_name_found_to_the_missing_names() -> None:
    aliases = Aliases(groups=(("Zelensky", "Zelenskyy", "Zelenskiy"), ("Kremlin", "Moscow")))
    assert aliases.matches("Zelenskyy and Zelensky in the Kremlin") == {
        "Zelensky": ("Zelenskiy",),
        "Zelenskyy": ("Zelenskiy",),
        "Kremlin": ("Moscow",),
    }
    assert aliases.matches("nothing here") == {}


def test_expand_matches_whole_words_and_multi_word_names() -> None:
    aliases = Aliases(groups=(("NATO", "North Atlantic Treaty Organization"), ("Kyiv", "Kiev")))
    assert aliases.expand("north atlantic\ntreaty  organization") == ["NATO"]
    assert aliases.expand("the Kievan Rus and Kyivstar") == []
    assert aliases.expand("Russia-NATO talks") == ["North Atlantic Treaty Organization"]


def test_short_capital_abbreviations_match_only_in_capitals() -> None:
    aliases = Aliases(groups=(("US", "U.S.", "United States"),))
    assert aliases.expand("tell us more") == []
    assert aliases.expand("why did the US pause") == ["U.S.", "United States"]
    assert aliases.expand("why did the u.s. pause") == ["US", "United States"]


def test_load_merges_groups_sharing_a_name(tmp_path: Path) -> None:
    write(tmp_path, "- [Kremlin, Moscow]\n- [moscow, Russian government]\n- [EU, European Union]\n")
    aliases = load_aliases(tmp_path, countries=False)
    assert aliases.groups == (
        ("Kremlin", "Moscow", "Russian government"),
        ("EU", "European Union"),
    )
    assert aliases.warnings == ()


def test_load_accepts_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, "Kyiv: [Kiev]\nZelensky: [Zelenskyy, Zelenskiy]\n")
    assert load_aliases(tmp_path, countries=False).groups == (
        ("Kyiv", "Kiev"),
        ("Zelensky", "Zelenskyy", "Zelenskiy"),
    )


def test_malformed_yaml_is_a_warning_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "- [Kyiv, Kiev]\n- [Zelensky, Zelenskyy\n")
    aliases = load_aliases(tmp_path, countries=False)
    assert len(aliases) == 0
    (warning,) = aliases.warnings
    assert str(path) in warning
    assert "line" in warning
    assert "list of groups" in warning


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("just a string", "expected a list of groups, found str"),
        ("- Kremlin\n- [Kyiv, Kiev]\n", "group 1 ('Kremlin') is not a list"),
        ("- [Kyiv]\n", "group 1 needs at least two names"),
        ("- [Norway, NO, Norge]\n", "group 1 has False, which is not a name; put quotes"),
    ],
)
def test_bad_groups_are_skipped_with_a_warning(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, text)
    aliases = load_aliases(tmp_path, countries=False)
    assert any(expected in warning for warning in aliases.warnings), aliases.warnings


def test_good_groups_survive_a_bad_one(tmp_path: Path) -> None:
    write(tmp_path, "- [Kyiv]\n- [Odesa, Odessa]\n")
    aliases = load_aliases(tmp_path, countries=False)
    assert aliases.groups == (("Odesa", "Odessa"),)
    assert len(aliases.warnings) == 1


def test_seed_aliases_load_cleanly() -> None:
    aliases = load_aliases(SEED_DIR)
    assert aliases.warnings == ()
    assert len(aliases) >= 10
    assert "Zelensky" in aliases.expand("What did Zelenskyy agree to?")
    assert "Kremlin" in aliases.expand("What does Moscow want?")
    assert aliases.expand("What's the best pizza topping?") == []


def test_countries_are_linked_to_their_adjectives_and_short_names() -> None:
    groups = {group[0]: group for group in country_aliases()}
    assert {"US", "USA", "American"} <= set(groups["United States"])
    assert "German" in groups["Germany"]
    assert "British" in groups["United Kingdom"]
    # An adjective shared by several countries goes to the most populous one only.
    assert "Chinese" in groups["China"] and "Hong Kong" not in groups["China"]
    assert not any("American" in g for name, g in groups.items() if name != "United States")
    # Several-word official names would bring common words ("republic") into a search.
    assert not any(" of " in name for g in groups.values() for name in g[1:])


def test_country_aliases_join_the_corpus_file_and_the_folder_without_one(tmp_path: Path) -> None:
    assert "Germany" in load_aliases(tmp_path).expand("What did the German minister say?")
    write(tmp_path, "- [Kyiv, Kiev]\n")
    aliases = load_aliases(tmp_path)
    assert aliases.expand("Kiev") == ["Kyiv"]
    assert "US" in aliases.expand("American weapons")


def test_a_question_using_the_adjective_finds_the_country(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "The US paused some weapons shipments to Ukraine in late June.\n\n"
        "Fishing boats return to the harbour by noon.\n"
    )
    answer = Engine.from_folder(tmp_path).answer("Why did American weapons stop arriving?")
    assert answer.answered
    assert answer.results[0].passage.paragraph == 1
    assert "us" in answer.results[0].matched_terms

"""Spelling correction towards the corpus vocabulary, on the seed articles and small vocabularies."""

from __future__ import annotations

import random
import string
import time
from pathlib import Path

import pytest

from retrieval.engine import build_engine
from retrieval.settings import EngineSettings
from retrieval.spelling import (
    SpellingCorrector,
    english_forms,
    english_words,
    left_alone,
    vocabulary_from_texts,
)
from tests.paths import SEEDS

SEED_DIR = SEEDS


@pytest.fixture(scope="module")
def seeds() -> SpellingCorrector:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEED_DIR.glob("*.txt"))]
    return SpellingCorrector.from_texts(texts)


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("Zelenskyy", "zelensky"),
        ("Zelenskiy", "zelensky"),
        ("ceasfire", "ceasefire"),
        ("Witkof", "witkoff"),
        ("Dmitryev", "dmitriev"),
        ("Kremlim", "kremlin"),
        ("Peskof", "peskov"),
        ("refinaries", "refineries"),
        ("assasination", "assassination"),
        ("ZELENSKYY", "zelensky"),
    ],
)
def test_corrects_typos_in_the_seed_articles(
    seeds: SpellingCorrector, typo: str, fixed: str
) -> None:
    assert seeds.correct(typo) == fixed


@pytest.mark.parametrize(
    "word",
    [
        "Witkoff",  # in the vocabulary
        "ceasefire",
        "war",  # three letters or fewer
        "teh",
        "2024",  # numbers
        "30th",
        "pizza",  # real English words the corpus lacks stay as they are
        "topping",
        "password",
        "xqzvwkjh",  # nothing close
    ],
)
def test_leaves_words_alone(seeds: SpellingCorrector, word: str) -> None:
    assert seeds.correct(word) is None


def test_known_words_can_be_switched_off() -> None:
    corrector = SpellingCorrector({"stepping": 3}, known_words=frozenset())
    assert corrector.correct("topping") == "stepping"
    assert SpellingCorrector({"stepping": 3}).correct("topping") is None


def test_a_rarer_inflection_of_a_common_word_is_left_alone() -> None:
    """The list counts "parroted" below the common-word cut, but "parrot" is common."""
    corrector = SpellingCorrector({"narrowed": 3, "stepped": 2})
    assert corrector.correct("parroted") is None
    assert left_alone("parroted")
    assert corrector.correct("narowed") == "narrowed"  # a typo is still mended
    assert corrector.correct("steped") == "stepped"
    assert not left_alone("narowed")


def test_prefers_the_closer_then_the_more_frequent_word() -> None:
    corrector = SpellingCorrector({"cart": 1, "card": 10, "carts": 50}, known_words=())
    assert corrector.correct("carx") == "card"
    assert SpellingCorrector({"cart": 10, "card": 1}, known_words=()).correct("carx") == "cart"


def test_edit_budget_depends_on_length() -> None:
    corrector = SpellingCorrector({"peace": 1, "russia": 1, "army": 1}, known_words=())
    assert corrector.correct("pxaxe") is None  # five letters: one edit only
    assert corrector.correct("pxace") == "peace"
    assert corrector.correct("ruzzia") == "russia"  # six letters: two edits
    assert corrector.correct("arym") == "army"  # a transposition is one edit


def test_vocabulary_is_lower_cased_letters_only() -> None:
    counts = vocabulary_from_texts(["Russia’s war, 2025: RUSSIA north-eastern"])
    assert counts["russia"] == 2
    assert "2025" not in counts
    assert counts["eastern"] == 1
    corrector = SpellingCorrector(counts, known_words=())
    assert "Russia" in corrector
    assert len(corrector) == len(counts)


def test_english_words_are_common_words() -> None:
    words = english_words()
    assert {"the", "pizza", "password"} <= words
    assert "ceasfire" not in words


def test_lookup_is_fast_on_a_large_vocabulary() -> None:
    rng = random.Random(7)
    vocabulary = {
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 12))): rng.randint(1, 99)
        for _ in range(5000)
    }
    corrector = SpellingCorrector(vocabulary, known_words=())
    words = [word[:2] + "q" + word[3:] for word in list(vocabulary)[:500]]
    started = time.perf_counter()
    for word in words:
        corrector.correct(word)
    assert (time.perf_counter() - started) / len(words) < 0.001


def test_a_possessive_is_corrected_and_kept(seeds: SpellingCorrector) -> None:
    assert seeds.correct("Witkof's") == "witkoff's"
    assert seeds.correct("Kremlim’s") == "kremlin’s"
    assert seeds.correct("Witkoff's") is None  # spelt right


def test_other_forms_of_corpus_words_are_tried_after_the_corpus_words() -> None:
    """The articles say "weapons" only: "wepon" is one edit from "weapon", two from it."""
    corrector = SpellingCorrector(
        {"weapons": 3, "wagon": 1}, known_words=(), other_forms={"weapon": 100, "wagons": 5}
    )
    assert corrector.correct("wepon") == "weapon"
    assert corrector.correct("wagom") == "wagon"  # the corpus word first, at the same distance
    assert SpellingCorrector({"weapons": 3}, known_words=()).correct("wepon") is None


def test_english_forms_are_the_common_words_whose_term_the_corpus_has() -> None:
    forms = english_forms(lambda term: term in {"weapon", "ship"})
    assert {"weapon", "weapons", "ship", "ships"} <= set(forms)
    assert "pizza" not in forms
    assert forms["weapon"] > 0


def test_words_left_alone_need_no_spelling_index(tmp_path: Path) -> None:
    """A question of English words the corpus lacks must not wait for the word index
    (seconds at 100k passages); a misspelling still builds it and is corrected."""
    (tmp_path / "a.txt").write_text(
        "Ceasefire talks\n\nThe ceasefire proposal was discussed in Riyadh by the envoys.\n"
    )
    engine = build_engine(tmp_path, EngineSettings(semantic=False, cross_encoder=False))
    engine.answer("Which rivers and valleys did the caravans cross?")
    assert not engine.terms.speller_built
    assert engine.parse("the ceasfire proposal").corrections == {"ceasfire": "ceasefire"}
    assert engine.terms.speller_built


@pytest.mark.parametrize("word", ["valleys", "Rivers's", "war", "x1y2", "caravans"])
def test_left_alone_agrees_with_the_corrector(seeds: SpellingCorrector, word: str) -> None:
    assert left_alone(word)
    assert seeds.correct(word) is None

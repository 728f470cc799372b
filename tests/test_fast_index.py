"""FastBM25 must rank exactly as BM25Okapi (our fixed-floor OkapiScorer) does, only faster."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bench import cranfield
from bench.corpus import generate_passages
from retrieval.bm25 import OkapiScorer
from retrieval.corpus import load_corpus
from retrieval.fastbm25 import FastBM25, bulk, kernels
from retrieval.tokenize import tokenize
from tests.paths import SEEDS

STRATEGIES = ["maxscore", "exhaustive", "numpy"] if kernels.HAVE_NUMBA else ["numpy"]


def same_ranking(
    expected: Sequence[tuple[int, float]], got: Sequence[tuple[int, float]], rel: float = 1e-5
) -> bool:
    """Equal passages in equal order, except that float32 may swap passages whose scores tie."""
    if len(expected) != len(got):
        return False
    for (d1, s1), (d2, s2) in zip(expected, got, strict=True):
        if abs(s1 - s2) > rel * max(1.0, abs(s1)):
            return False
        if d1 != d2 and not any(d2 == d and abs(s - s1) <= rel * abs(s1) for d, s in expected):
            return False
    return True


def content_queries(tokenized: Sequence[Sequence[str]], n: int, seed: int) -> list[list[str]]:
    """3-8 distinct content terms taken from random passages, as a user would ask."""
    rng = np.random.default_rng(seed)
    queries: list[list[str]] = []
    while len(queries) < n:
        terms = list(dict.fromkeys(tokenized[int(rng.integers(len(tokenized)))]))
        if len(terms) >= 2:
            size = min(len(terms), int(rng.integers(3, 9)))
            queries.append([terms[i] for i in rng.choice(len(terms), size=size, replace=False)])
    return queries


def assert_parity(tokenized: Sequence[Sequence[str]], queries: list[list[str]]) -> None:
    fast = FastBM25.build(tokenized)
    okapi = OkapiScorer(tokenized)
    for query in queries:
        expected = okapi.top(query, 10)
        results = {}
        for strategy in STRATEGIES:
            fast.strategy = strategy  # type: ignore[assignment]
            results[strategy] = fast.top(query, 10)
        assert same_ranking(expected, results[STRATEGIES[0]]), query
        # The strategies sum in the same order, so they agree exactly.
        assert all(r == results[STRATEGIES[0]] for r in results.values()), query


@pytest.fixture(scope="module")
def synthetic() -> list[list[str]]:
    return [tokenize(" ".join(p)) for p in generate_passages(3000, seed=11, vocabulary_size=20_000)]


def test_parity_on_synthetic_corpus(synthetic: list[list[str]]) -> None:
    assert_parity(synthetic, content_queries(synthetic, 150, seed=1))


def test_parity_on_seed_articles() -> None:
    passages = load_corpus(SEEDS).passages
    tokenized = [tokenize(p.text) for p in passages]
    assert_parity(tokenized, content_queries(tokenized, 100, seed=2))


def test_differs_from_raw_rank_bm25_only_through_the_floor() -> None:
    """Raw rank-bm25 agrees whenever no query term is in half the passages or more."""
    tokenized = [tokenize(p.text) for p in load_corpus(SEEDS).passages]
    raw = BM25Okapi(tokenized)
    fast = FastBM25.build(tokenized)
    checked = 0
    for query in content_queries(tokenized, 100, seed=3):
        if any(fast.doc_freq(t) * 2 >= fast.n_docs for t in query):
            continue  # rank-bm25 gives these idf 0 or its own floor; we floor above 0
        scores = raw.get_scores(query)
        hits = sorted(np.flatnonzero(scores > 0), key=lambda i: (-scores[i], i))[:10]
        assert same_ranking([(int(i), float(scores[i])) for i in hits], fast.top(query, 10))
        checked += 1
    assert checked > 50


@pytest.mark.skipif(not cranfield.available(), reason="shared/data/cranfield is absent")
def test_parity_and_ndcg_on_cranfield() -> None:
    collection = cranfield.load()
    tokenized = [tokenize(text) for text in collection.documents]
    queries = [list(dict.fromkeys(tokenize(q))) for q in collection.queries]
    assert_parity(tokenized, queries)
    fast, okapi = FastBM25.build(tokenized), OkapiScorer(tokenized)

    def ndcg(scorer: FastBM25 | OkapiScorer) -> float:
        return cranfield.mean_ndcg(
            collection, lambda n, _text: [d for d, _ in scorer.top(queries[n - 1], 10)]
        )

    assert ndcg(fast) >= ndcg(okapi) - 1e-9
    assert ndcg(fast) >= 0.366


def test_repeated_unknown_and_empty_queries() -> None:
    tokenized = [["apple", "pear"], ["apple", "apple", "fig"], [], ["kiwi"], ["pear", "fig", "fig"]]
    fast, okapi = FastBM25.build(tokenized), OkapiScorer(tokenized)
    for query in (["apple", "apple", "fig"], ["fig", "nothing"], ["nothing"], [], ["kiwi"] * 3):
        assert same_ranking(okapi.top(query, 10), fast.top(query, 10)), query
    assert fast.top(["apple"], 0) == []
    assert fast.doc_freq("fig") == 2
    assert fast.doc_freq("nothing") == 0
    assert fast.idf("nothing") == pytest.approx(okapi.idf("nothing"))
    assert fast.idf("kiwi") == pytest.approx(okapi.idf("kiwi"))


def test_ties_go_to_the_lower_index() -> None:
    tokenized = [["a", "b"], ["c"], ["a", "b"], ["a", "b"], ["d"]] * 20
    fast = FastBM25.build(tokenized)
    for strategy in STRATEGIES:
        fast.strategy = strategy  # type: ignore[assignment]
        assert [d for d, _ in fast.top(["a"], 5)] == [0, 2, 3, 5, 7]


def test_empty_corpus() -> None:
    fast = FastBM25.build([])
    assert fast.n_docs == 0
    assert fast.top(["a"], 10) == []


def test_build_from_texts_matches_tokenize() -> None:
    texts = [" ".join(p) for p in generate_passages(400, seed=11, chunk=1, vocabulary_size=20_000)]
    texts += ["Trump’s ceasefires weren't O’Brien's", "", "The and of"]
    a = FastBM25.build_from_texts(texts)
    b = FastBM25.build([tokenize(t) for t in texts])
    assert a.vocab.keys() == b.vocab.keys()
    assert np.array_equal(a.doc_len, b.doc_len)
    for i in (0, 17, 399, 400, 401, 402):
        assert a.terms_of(i) == tokenize(texts[i])
    for query in content_queries([tokenize(t) for t in texts], 30, seed=4):
        assert a.top(query, 10) == b.top(query, 10)


def test_parallel_tokenization_equals_sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 37)
    texts = [" ".join(p) for p in generate_passages(300, seed=11, chunk=2, vocabulary_size=20_000)]
    one = FastBM25.build_from_texts(texts, workers=1)
    two = FastBM25.build_from_texts(texts, workers=2)
    assert one.vocab.keys() == two.vocab.keys()  # ids may differ: each worker numbers its own
    assert np.array_equal(one.doc_len, two.doc_len)
    for term in one.vocab:
        a, b = one.vocab[term], two.vocab[term]
        rows_a = slice(one.indptr[a], one.indptr[a + 1])
        rows_b = slice(two.indptr[b], two.indptr[b + 1])
        assert np.array_equal(one.doc_ids[rows_a], two.doc_ids[rows_b])
        assert np.array_equal(one.scores[rows_a], two.scores[rows_b])


def test_save_load_roundtrip(tmp_path, synthetic: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    fast = FastBM25.build(synthetic[:500])
    fast.save(tmp_path / "ix")
    loaded = FastBM25.load(tmp_path / "ix", mmap=True)
    assert isinstance(loaded.scores.base, np.memmap)  # a plain array over the mapped file
    assert not loaded.scores.flags.writeable
    for query in content_queries(synthetic[:500], 20, seed=7):
        assert loaded.top(query, 10) == fast.top(query, 10)
    assert loaded.idf("zzz-unknown") == fast.idf("zzz-unknown")
    assert [loaded.terms_of(i) for i in range(500)] == synthetic[:500]


def test_load_rejects_inconsistent_files(tmp_path, synthetic: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    FastBM25.build(synthetic[:200]).save(tmp_path / "ix")
    np.save(tmp_path / "ix" / "scores.npy", np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"scores\.npy"):
        FastBM25.load(tmp_path / "ix")


def test_concurrent_queries_agree(synthetic: list[list[str]]) -> None:
    fast = FastBM25.build(synthetic)
    fast.strategy = "exhaustive" if kernels.HAVE_NUMBA else "numpy"  # uses per-thread buffers
    queries = content_queries(synthetic, 40, seed=8)
    expected = [fast.top(q, 10) for q in queries]
    failures: list[int] = []

    def worker() -> None:
        for i, query in enumerate(queries):
            if fast.top(query, 10) != expected[i]:
                failures.append(i)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_queries_rank_alike_while_the_compiled_kernels_load(
    monkeypatch: pytest.MonkeyPatch, synthetic: list[list[str]]
) -> None:
    from retrieval.fastbm25 import compiled

    fast = FastBM25.build(synthetic)
    queries = content_queries(synthetic, 30, seed=5)
    loaded = [fast.top(query, 10) for query in queries]
    monkeypatch.setattr(compiled, "ready", lambda: None)
    monkeypatch.setattr(compiled, "loading", lambda: True)
    monkeypatch.setattr(compiled, "load_now", lambda: pytest.fail("waited for numba"))
    assert [fast.top(query, 10) for query in queries] == loaded  # the numpy kernel meanwhile


def test_numpy_kernel_keeps_every_passage_of_the_top_k_under_heavy_ties() -> None:
    """The numpy kernel takes its candidates from the best postings: a passage posted under
    every term must not crowd out the passages that tie at the cut."""
    from retrieval.fastbm25.numpy_kernel import top_k_numpy

    rng = np.random.default_rng(3)
    n_docs, n_terms = 300, 6
    postings = [
        np.sort(rng.choice(n_docs, size=int(rng.integers(5, 120)), replace=False))
        for _ in range(n_terms)
    ]
    for ids in postings[:4]:
        ids[:3] = [0, 1, 2]  # the same three passages under four terms
        ids.sort()
    indptr = np.cumsum([0, *(len(ids) for ids in postings)]).astype(np.int64)
    doc_ids = np.concatenate(postings).astype(np.int32)
    scores = rng.integers(1, 4, size=doc_ids.size).astype(np.float32)  # many ties
    for k in (1, 3, 10, 40):
        rows = np.arange(n_terms, dtype=np.int64)
        weights = rng.integers(1, 3, size=n_terms).astype(np.float32)
        acc = np.zeros(n_docs, dtype=np.float32)
        ids, vals = top_k_numpy(indptr, doc_ids, scores, rows, weights, acc, k)
        dense = np.zeros(n_docs, dtype=np.float32)
        for r, w in zip(rows, weights, strict=True):
            dense[doc_ids[indptr[r] : indptr[r + 1]]] += w * scores[indptr[r] : indptr[r + 1]]
        touched = np.flatnonzero(dense)
        kth = np.sort(dense[touched])[::-1][min(k, touched.size) - 1]
        assert sorted(ids.tolist()) == sorted(touched[dense[touched] >= kth].tolist())
        assert np.allclose(vals, dense[ids])
        assert not acc.any()  # the accumulator is left zeroed for the next query


def test_one_term_queries_rank_alike_with_every_strategy(synthetic: list[list[str]]) -> None:
    """The numpy kernel ranks a one-term query from its postings alone (no sums): the same
    passages and scores as the compiled kernels, a repeated term counted twice."""
    rng = np.random.default_rng(5)
    terms = [synthetic[int(i)][0] for i in rng.integers(len(synthetic), size=40)]
    assert_parity(synthetic, [[term] for term in terms] + [[term, term] for term in terms[:10]])


def test_adjacent_pairs_agree_with_the_term_lists() -> None:
    """FastBM25 reads the pairs from its forward index for all passages at once; they must
    be the pairs its ``terms_of`` lists hold, never one spanning two passages."""
    texts = [
        "partial ceasefire talks stalled in riyadh",
        "riyadh hosted the talks",  # "stalled riyadh" + "riyadh hosted": only across passages
        "the partial ceasefire ended; ceasefire talks resumed",
        "",
        "talks stalled again",
    ]
    tokenized = [tokenize(text) for text in texts]
    fast, okapi = FastBM25.build(tokenized), OkapiScorer(tokenized)
    pairs = {
        ("partial", "ceasefir"),
        ("ceasefir", "talk"),
        ("talk", "stall"),
        ("riyadh", "host"),
        ("stall", "riyadh"),
        ("riyadh", "riyadh"),
        ("unknown", "talk"),
    }
    indices = [0, 1, 2, 3, 4, 1, 0]
    expected = [set(pairs) & set(itertools.pairwise(fast.terms_of(i))) for i in indices]
    assert fast.adjacent_pairs(indices, pairs) == expected
    assert okapi.adjacent_pairs(indices, pairs) == expected
    assert expected[0] == {("partial", "ceasefir"), ("ceasefir", "talk"), ("talk", "stall"),
                           ("stall", "riyadh")}  # fmt: skip
    assert expected[1] == {("riyadh", "host")}
    assert fast.adjacent_pairs([], pairs) == [] and fast.adjacent_pairs([2], set()) == [set()]

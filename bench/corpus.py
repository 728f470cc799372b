"""Reproducible synthetic article text for the scale benchmark.

Passages read like English to the tokenizer: capitalised sentences of
pseudo-words with inflections the stemmer has to undo (-s, -ed, -ing, -ation,
possessives), NLTK stopwords at about the rate of news prose, and a Zipfian
vocabulary, so posting lists have the skew of real text. The same seed and
size always give the same corpus (generated in chunks of 200k passages, so a
smaller corpus is a prefix of a larger one with the same seed).

A corpus file holds one passage per line, its sentences separated by a tab,
so the benchmark can quote sentences without running a sentence splitter.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.stopwords import NLTK_ENGLISH

VOCABULARY = 500_000  # distinct content lemmas (Heaps-like growth with ZIPF_S > 1)
ZIPF_S = 1.15  # Zipf-Mandelbrot exponent and offset of content words, calibrated on
ZIPF_Q = 10.0  # Cranfield: the top content term is ~1.6% of terms, rank 5-10 ~1%
STOPWORD_SHARE = 0.42
PASSAGE_WORDS = (45, 76)  # uniform range, mean ~60
SENTENCE_WORDS = (8, 24)
PASSAGES_PER_ARTICLE = 12

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "cr",
    "dr",
    "fl",
    "gr",
    "pl",
    "pr",
    "st",
    "str",
    "tr",
    "sh",
    "ch",
    "th",
]
_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "io", "ou", "oa", "ia"]
_CODAS = ("", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "st", "ck", "ng", "x")
# The most frequent English function words, in order (the rest follow shuffled).
_COMMON_STOPWORDS = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "on",
    "be",
    "by",
    "at",
    "he",
    "this",
    "are",
    "from",
    "had",
    "his",
    "have",
    "not",
]
_SUFFIXES = ("", "", "", "", "s", "s", "ed", "ing", "ation", "er", "ly", "ness", "ment", "'s")


@dataclass(frozen=True)
class Vocabulary:
    lemmas: list[str]
    content_p: npt.NDArray[np.float64]
    stopwords: list[str]
    stop_p: npt.NDArray[np.float64]


@lru_cache(maxsize=4)
def make_vocabulary(seed: int, size: int = VOCABULARY) -> Vocabulary:
    """Distinct pseudo-English lemmas of 1-4 syllables, shortest among the most frequent."""
    rng = np.random.default_rng(seed)
    n = size * 3 // 2  # extra candidates, since some collide
    parts = [rng.integers(len(table), size=(n, 4)) for table in (_ONSETS, _NUCLEI, _CODAS)]
    position = np.arange(n) / n
    syllables = 1 + np.minimum(3, rng.exponential(0.5 + 1.2 * position)).astype(np.int64)
    lemmas: list[str] = []
    seen: set[str] = set(NLTK_ENGLISH)
    for i in range(n):
        word = "".join(
            _ONSETS[parts[0][i, j]] + _NUCLEI[parts[1][i, j]] + _CODAS[parts[2][i, j]]
            for j in range(syllables[i])
        )
        if word not in seen:
            seen.add(word)
            lemmas.append(word)
            if len(lemmas) == size:
                break
    ranks = np.arange(1, len(lemmas) + 1, dtype=np.float64)
    content_p = 1.0 / (ranks + ZIPF_Q) ** ZIPF_S
    common = [w for w in _COMMON_STOPWORDS if w in NLTK_ENGLISH]
    rest = sorted(w for w in NLTK_ENGLISH if "'" not in w and len(w) > 1 and w not in common)
    rng.shuffle(rest)
    stopwords = common + rest
    stop_p = 1.0 / np.arange(1, len(stopwords) + 1, dtype=np.float64)
    return Vocabulary(lemmas, content_p / content_p.sum(), stopwords, stop_p / stop_p.sum())


def generate_passages(
    n_passages: int,
    seed: int = 7,
    chunk: int = 0,
    vocab: Vocabulary | None = None,
    vocabulary_size: int = VOCABULARY,
) -> list[list[str]]:
    """``n_passages`` passages, each a list of sentences; ``chunk`` varies the text, not the words.

    A smaller ``vocabulary_size`` makes small test corpora quickly.
    """
    vocab = vocab or make_vocabulary(seed, vocabulary_size)
    rng = np.random.default_rng([seed, chunk])
    lengths = rng.integers(*PASSAGE_WORDS, size=n_passages)
    total = int(lengths.sum())
    is_stop = rng.random(total) < STOPWORD_SHARE
    content = rng.choice(len(vocab.lemmas), size=total, p=vocab.content_p)
    stops = rng.choice(len(vocab.stopwords), size=total, p=vocab.stop_p)
    # Each lemma has at most three inflections, and a fixed 8% are capitalised names.
    suffix = (content * 7 + rng.choice(3, size=total, p=[0.6, 0.25, 0.15])) % len(_SUFFIXES)
    capital = (content * 2654435761) % 100 < 8
    comma = rng.random(total) < 0.06
    sentence_len = rng.integers(*SENTENCE_WORDS, size=total)
    lemmas, stopwords = vocab.lemmas, vocab.stopwords
    passages: list[list[str]] = []
    pos = 0
    for length in lengths.tolist():
        sentences: list[str] = []
        words: list[str] = []
        target = int(sentence_len[pos])
        for i in range(pos, pos + length):
            if is_stop[i]:
                word = stopwords[stops[i]]
            else:
                word = lemmas[content[i]] + _SUFFIXES[suffix[i]]
                if capital[i]:
                    word = word.capitalize()
            if comma[i] and words:
                word += ","
            words.append(word)
            if len(words) >= target:
                sentences.append(_sentence(words))
                words = []
                target = int(sentence_len[i])
        if words:
            sentences.append(_sentence(words))
        passages.append(sentences)
        pos += length
    return passages


def _sentence(words: list[str]) -> str:
    text = " ".join(words).rstrip(",")
    return text[0].upper() + text[1:] + "."


def corpus_path(folder: Path, n_passages: int, seed: int) -> Path:
    return folder / f"synthetic-{n_passages}-seed{seed}.tsv"


def ensure_corpus(folder: Path, n_passages: int, seed: int = 7) -> Path:
    """The corpus file for this size and seed, generated once and reused."""
    path = corpus_path(folder, n_passages, seed)
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        vocab = make_vocabulary(seed)
        for start in range(0, n_passages, 200_000):
            size = min(200_000, n_passages - start)
            chunk = generate_passages(size, seed=seed, chunk=start, vocab=vocab)
            out.writelines("\t".join(sentences) + "\n" for sentences in chunk)
    tmp.replace(path)
    return path


def read_passages(path: Path) -> list[list[str]]:
    """Passages (lists of sentences) from a corpus file."""
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/results/corpora"))
    args = parser.parse_args()
    print(ensure_corpus(args.out, args.size, args.seed))


if __name__ == "__main__":
    main()

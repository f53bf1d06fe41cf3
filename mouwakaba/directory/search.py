"""Finding a service by a name typed the way a visitor types it: in Arabic or Latin
script, without accents, with the article or without, with a letter wrong.

Pure functions over strings. A service's names (and its organisation's and communes')
are normalised once into a *search key* (:func:`key_for`), stored on the service; a query
is normalised the same way and each of its words must meet a word of the key, exactly, as
a prefix, inside it, or nearly (an edit or two, by :mod:`rapidfuzz`).

Ranking scans the keys of the candidate services in Python: right for a directory of a
few thousand services; beyond that, a trigram index in PostgreSQL would take over.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from rapidfuzz import fuzz

from mouwakaba.core.text import has_arabic, search_tokens

K = TypeVar("K")

# Words that carry nothing in a query for a service ("centre de santé", "the office of").
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "at", "au", "aux", "d", "de", "del", "des", "du", "en", "et",
        "for", "in", "l", "la", "las", "le", "les", "lo", "los", "of", "para", "pour",
        "the", "to", "un", "una", "une", "y", "في", "من", "الى", "على", "و",
    }
)  # fmt: skip

# A word of the query matches a word of the key at this similarity (0-100) or above.
THRESHOLD = 80


def _variants(token: str) -> list[str]:
    """A word and, when it starts with the article, the word without it: «مستشفى» finds
    «المستشفى», and "Farabi" finds "Al Farabi" (normalised to "elfarabi")."""
    if has_arabic(token) and token.startswith("ال") and len(token) > 3:
        return [token, token[2:]]
    if token.startswith("el") and len(token) > 4:
        return [token, token[2:]]
    return [token]


def key_for(texts: Iterable[str]) -> str:
    """The search key of a record named by ``texts``: its normalised words, once each."""
    words: dict[str, None] = {}
    for text in texts:
        for token in search_tokens(text or ""):
            for variant in _variants(token):
                words[variant] = None
    return " ".join(words)


def query_words(query: str) -> list[str]:
    """The normalised words of a query that carry meaning."""
    words = []
    for token in search_tokens(query):
        if token in STOP_WORDS:
            continue
        words.append(_variants(token)[-1])
    return words


def word_score(word: str, key_words: list[str]) -> float:
    """How well one query word meets the best word of a key (0-100): 100 when it starts
    the word, 95 inside it, otherwise the similarity to the whole word or to its start
    (a typo in a word not finished typing); short words must match exactly."""
    best = 0.0
    for candidate in key_words:
        if candidate.startswith(word):
            return 100.0
        if len(word) < 3:
            continue
        if word in candidate:
            best = max(best, 95.0)
        elif len(word) >= 4:
            best = max(best, fuzz.ratio(word, candidate), fuzz.ratio(word, candidate[: len(word)]))
    return best


def score(words: list[str], key: str) -> float | None:
    """The mean score of ``words`` against ``key``, or None when one word finds nothing."""
    if not words:
        return None
    key_words = key.split()
    total = 0.0
    for word in words:
        found = word_score(word, key_words)
        if found < THRESHOLD:
            return None
        total += found
    return total / len(words)


def rank(candidates: Iterable[tuple[K, str]], query: str) -> list[K]:
    """The ids of the candidates ``(id, key)`` that match ``query``, best first."""
    words = query_words(query)
    if not words:
        return []
    scored = []
    for position, (identifier, key) in enumerate(candidates):
        found = score(words, key)
        if found is not None:
            scored.append((-found, position, identifier))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [identifier for _score, _position, identifier in scored]


def labels_matching(query: str, labels: dict[str, str]) -> list[str]:
    """The keys of ``labels`` whose text the whole query matches: a visitor who types
    "salud" or «الصحة» means the need, not a name."""
    words = query_words(query)
    if not words:
        return []
    return [key for key, label in labels.items() if score(words, key_for([label])) is not None]

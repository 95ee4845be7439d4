"""A small BM25 (Okapi, k1 = 1.5, b = 0.75, idf = ln(1 + (N − df + 0.5) / (df + 0.5))) over numpy arrays: the
postings of each term in one contiguous slice (CSR), their BM25 weights precomputed at build time, so that a
query is a sum over the postings of its terms and a partial sort."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

K1 = 1.5
B = 0.75


@dataclass
class Index:
    vocabulary: dict[str, int]
    offsets: npt.NDArray[np.int64]  # term t's postings are [offsets[t], offsets[t + 1])
    docs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    n_docs: int

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]]) -> Index:
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        doc_ids: list[int] = []
        lengths = np.zeros(len(documents), dtype=np.float64)
        for d, terms in enumerate(documents):
            lengths[d] = len(terms)
            for term in terms:
                term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
                doc_ids.append(d)
        n = len(documents)
        if not term_ids:
            return cls(vocabulary, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32),
                       np.zeros(0, dtype=np.float32), n)
        t = np.asarray(term_ids, dtype=np.int64)
        d_arr = np.asarray(doc_ids, dtype=np.int64)
        # term frequency per (term, doc): unique pairs, sorted by term then doc
        keys = t * max(n, 1) + d_arr
        pairs, tf = np.unique(keys, return_counts=True)
        p_term = pairs // max(n, 1)
        p_doc = pairs % max(n, 1)
        df = np.bincount(p_term, minlength=len(vocabulary))
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        avgdl = max(float(lengths.mean()), 1e-9)
        norm = K1 * (1 - B + B * lengths[p_doc] / avgdl)
        weights = idf[p_term] * tf * (K1 + 1) / (tf + norm)
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(df, out=offsets[1:])
        return cls(vocabulary, offsets, p_doc.astype(np.int32), weights.astype(np.float32), n)

    def scores(self, query: Mapping[str, float]) -> npt.NDArray[np.float32]:
        """BM25 of every document for ``query`` (term → query weight; a repeated term counts once)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term, qw in query.items():
            t = self.vocabulary.get(term)
            if t is None:
                continue
            lo, hi = self.offsets[t], self.offsets[t + 1]
            out[self.docs[lo:hi]] += self.weights[lo:hi] * np.float32(qw)  # a term's docs are unique
        return out


def top_k(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.int64]:
    """Indices of the ``k`` best scores, best first (ties by index), positive scores only."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        part = np.argpartition(-scores[positive], k - 1)[:k]
        positive = positive[part]
    order = np.lexsort((positive, -scores[positive]))
    return positive[order].astype(np.int64)

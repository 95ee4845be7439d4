"""Segmentation and concept expansion.

The tokenizer is jieba's (a private ``jieba.Tokenizer``, so the process-wide one is untouched) with the domain
dictionary ``data/domain_dict.txt`` added; ``data/synonyms.txt`` maps words to concepts (同义词, 缩写 and the
问题→技术 associations: 泄漏 and 催化燃烧 share the concept 气体检测). ``analyze`` gives a text's words and its
concepts; a concept is indexed like a word, written ``§name``."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

DATA = Path(__file__).resolve().parent.parent / "data"
CONCEPT_PREFIX = "§"
_STOPWORDS_TEXT = (
    "的 了 和 与 及 或 在 是 有 为 对 把 被 让 要 想 能 会 不 也 都 就 还 很 太 又 等 个 一 一套 一些 这 那 我们 公司 "
    "企业 厂里 现在 经常 希望 需要 要求 问题 情况 进行 实现 采用 基于 适用 适用于 用于 支持 提供 可以 能够 以上 以下 "
    "超过 小于 大于 低于 高于 技术 系统 方法 装置 研究 开发 应用 通过 提高 提升 降低 问 说 看 用 做 后 前 中 上 下 时 "
    "里 多 少 大 小 高 低 ， 。 、 ； ： （ ） ( ) , . ; : / % ％ “ ” \" ' - — ~ 《 》 ？ ！"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_ASCII = re.compile(r"^[A-Za-z0-9.\-+/]+$")
_NUMBER = re.compile(r"^[0-9.\-+/%]+[A-Za-z²³%]*$")


@dataclass(frozen=True)
class Analysis:
    words: tuple[str, ...]
    concepts: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return self.words + tuple(CONCEPT_PREFIX + c for c in self.concepts)


@cache
def tokenizer(domain: bool = True) -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    tok.initialize()
    if domain:
        for word, freq, tag in domain_words():
            tok.add_word(word, freq, tag)
        for words in concept_table().values():
            for word in words:
                if not _ASCII.match(word):
                    tok.add_word(word, 800)
    return tok


@cache
def domain_words() -> tuple[tuple[str, int, str], ...]:
    out = []
    for line in (DATA / "domain_dict.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, freq, tag = ([*line.split(), "1000", "n"])[:3]
        out.append((word, int(freq), tag))
    return tuple(out)


@cache
def concept_table() -> dict[str, tuple[str, ...]]:
    """Concept → its words (lower-cased ASCII)."""
    table: dict[str, tuple[str, ...]] = {}
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, words = line.partition("|")
        table[name.strip()] = tuple(w.lower() for w in words.split())
    return table


@cache
def concepts_of_word() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for name, words in concept_table().items():
        for w in words:
            found.setdefault(w, []).append(name)
    return {w: tuple(names) for w, names in found.items()}


def segment(text: str, *, domain: bool = True) -> list[str]:
    """Words of ``text`` (jieba; with the domain dictionary in search mode, so that 甲烷传感芯片 also yields 甲烷 and
    传感芯片), without stop words, numbers and punctuation; ASCII lower-cased."""
    tok = tokenizer(domain)
    out = []
    for raw in tok.cut_for_search(text) if domain else tok.cut(text):
        word = raw.strip().lower()
        if not word or word in STOPWORDS or _NUMBER.match(word) or (len(word) == 1 and not word.isalpha()):
            continue
        out.append(word)
    return out


@lru_cache(maxsize=8192)  # the same titles and texts come back: in each matcher built and in the queries
def analyze(text: str, *, domain: bool = True) -> Analysis:
    words = segment(text, domain=domain)
    if not domain:
        return Analysis(tuple(words), ())
    table = concepts_of_word()
    concepts: list[str] = []
    for w in words:
        concepts.extend(c for c in table.get(w, ()) if c not in concepts)
    # A concept word that jieba kept inside a longer word (泄漏 in 漏气泄漏) still counts.
    lowered = text.lower()
    for name, members in concept_table().items():
        if name not in concepts and any(len(m) >= 2 and m in lowered for m in members):
            concepts.append(name)
    return Analysis(tuple(words), tuple(concepts))

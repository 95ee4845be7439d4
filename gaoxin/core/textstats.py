"""Keyword statistics of a text (the article counts 高 113 and 新 257 in the 2024 work report).

Characters are counted after normalisation: NFKC (full-width forms to their ordinary width) and traditional →
simplified Chinese (OpenCC t2s), so 高/髙 and 新 count alike however the source was typed. Words are counted on
jieba's segmentation with a user dictionary of the zone's terms, so that 高新区 stays one word; a one-character
term is counted as a character, a longer one as a word (its raw substring count is given too)."""

from __future__ import annotations

import io
import logging
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gaoxin.core.errors import ApplicationError

DEFAULT_TERMS = ("高", "新", "高新区", "创新", "高质量")
USER_WORDS = ("高新区", "年终答卷", "万人助万企", "专精特新", "小巨人", "链主", "城运中心", "微网格", "三级网格",
              "科技型中小企业", "高质量发展", "接诉即办", "企业家接待日", "瞪羚企业", "新型研发机构", "保交楼")

_lock = threading.Lock()
_tokenizer: Any = None
_converter: Any = None


def _opencc() -> Any:
    global _converter
    if _converter is None:
        from opencc import OpenCC

        _converter = OpenCC("t2s")
    return _converter


def tokenizer() -> Any:
    """jieba's tokenizer with the zone's user dictionary (built once per process)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            for word in USER_WORDS:
                tk.add_word(word, freq=100_000)
            _tokenizer = tk
    return _tokenizer


def normalize(text: str) -> str:
    return str(_opencc().convert(unicodedata.normalize("NFKC", text)))


def words(text: str) -> list[str]:
    """The normalised text segmented into words (whitespace and punctuation dropped)."""
    return [w for w in tokenizer().lcut(normalize(text)) if w.strip() and not _is_punct(w)]


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PZS" for ch in word)


@dataclass(frozen=True)
class TermCount:
    term: str
    kind: str  # "char" or "word"
    count: int  # characters for a one-character term, segmented words otherwise
    occurrences: int  # raw substring count in the normalised text

    def as_dict(self) -> dict[str, Any]:
        return {"term": self.term, "kind": self.kind, "count": self.count, "occurrences": self.occurrences}


def term_counts(text: str, terms: tuple[str, ...] | list[str] = DEFAULT_TERMS) -> list[TermCount]:
    norm = normalize(text)
    wanted = [normalize(t.strip()) for t in terms if t.strip()]
    word_counts: Counter[str] = Counter()
    if any(len(t) > 1 for t in wanted):
        for t in wanted:
            if len(t) > 1:
                tokenizer().add_word(t, freq=100_000)  # a term asked for stays whole
        word_counts = Counter(w for w in tokenizer().lcut(norm))
    return [
        TermCount(term=t, kind="char" if len(t) == 1 else "word",
                  count=norm.count(t) if len(t) == 1 else word_counts[t], occurrences=norm.count(t))
        for t in wanted
    ]


def text_summary(text: str, terms: tuple[str, ...] | list[str] = DEFAULT_TERMS) -> dict[str, Any]:
    norm = normalize(text)
    hanzi = sum(1 for ch in norm if "\u4e00" <= ch <= "\u9fff")
    return {"characters": len("".join(norm.split())), "hanzi": hanzi,
            "terms": [c.as_dict() for c in term_counts(text, terms)]}


def extract_text(path: str | Path) -> str:
    """The text of a .txt (UTF-8 or GB 18030), .docx (paragraphs and tables) or .pdf file."""
    p = Path(path)
    if not p.is_file():
        raise ApplicationError(f"文件不存在：{p}", field="file", code="not_found")
    return text_of(p.read_bytes(), p.name)


def text_of(data: bytes, name: str) -> str:
    """The text of an uploaded file's bytes, by the type its ``name`` says (.txt, .docx, .pdf)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".txt", ".md", ".text"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ApplicationError("无法识别文本文件的编码（支持 UTF-8 与 GB 18030）", field="file", code="encoding")
    if suffix == ".docx":
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises several kinds for a broken package
            raise ApplicationError("无法读取该 Word 文件", field="file", code="bad_docx") from exc
        parts = [para.text for para in document.paragraphs]
        for table in document.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    if suffix == ".pdf":
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception as exc:  # pypdf raises several kinds for a broken file
            raise ApplicationError("无法读取该 PDF 文件", field="file", code="bad_pdf") from exc
    raise ApplicationError(f"不支持的文件类型：{suffix or '（无扩展名）'}（支持 .txt、.docx、.pdf）", field="file",
                           code="unsupported_type")

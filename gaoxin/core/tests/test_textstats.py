import json

import docx
import pytest
from django.core.management import CommandError, call_command

from gaoxin.core.errors import ApplicationError
from gaoxin.core.textstats import extract_text, normalize, term_counts, text_summary, words

from .pdfgen import minimal_pdf

SAMPLE = "高新区攀“高”逐“新”。高質量發展，新材料、新能源；ＡＩ高新区"  # traditional and full-width on purpose


def counts(text, terms):
    return {c.term: (c.count, c.occurrences) for c in term_counts(text, terms)}


def test_characters_are_counted_after_width_and_script_normalisation():
    assert normalize("高質量發展ＡＩ１") == "高质量发展AI1"
    got = counts(SAMPLE, ["高", "新", "质"])
    assert got == {"高": (4, 4), "新": (5, 5), "质": (1, 1)}


def test_words_keep_the_zones_terms_whole():
    assert words("高新区坚定不移加强产业高地建设")[:2] == ["高新区", "坚定不移"]
    assert counts(SAMPLE, ["高新区", "新材料"]) == {"高新区": (2, 2), "新材料": (1, 1)}


def test_txt_docx_and_pdf_give_the_same_counts(tmp_path):
    lines = ["高新区攀高逐新", "新材料新能源高新区"]
    txt = tmp_path / "a.txt"
    txt.write_text("\n".join(lines), encoding="gb18030")
    document = docx.Document()
    for line in lines[:1]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = lines[1]
    docx_path = tmp_path / "a.docx"
    document.save(docx_path)
    pdf_path = tmp_path / "a.pdf"
    pdf_path.write_bytes(minimal_pdf(lines))
    expected = {"高": (3, 3), "新": (5, 5), "高新区": (2, 2)}
    for path in (txt, docx_path, pdf_path):
        assert counts(extract_text(path), ["高", "新", "高新区"]) == expected, path.suffix


def test_unsupported_and_missing_files_are_refused(tmp_path):
    other = tmp_path / "a.rtf"
    other.write_text("x")
    with pytest.raises(ApplicationError) as exc:
        extract_text(other)
    assert exc.value.code == "unsupported_type"
    assert exc.value.field == "file"
    with pytest.raises(ApplicationError):
        extract_text(tmp_path / "missing.txt")


def test_text_stats_command(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    call_command("text", "stats", str(path), "--terms", "高,新,高新区", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["terms"] == [
        {"term": "高", "kind": "char", "count": 4, "occurrences": 4},
        {"term": "新", "kind": "char", "count": 5, "occurrences": 5},
        {"term": "高新区", "kind": "word", "count": 2, "occurrences": 2},
    ]
    assert out["hanzi"] == text_summary(SAMPLE)["hanzi"]
    call_command("text", "stats", str(path), "--terms", "高")
    assert "高\t字\t4" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("text", "stats", str(tmp_path / "nope.pdf"))

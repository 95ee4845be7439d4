import csv

from gaoxin.indicators import catalog
from gaoxin.indicators.models import Indicator

COMPUTED = {"F003", "F007", "F009", "F010", "F016", "F018", "F020", "F022", "F023", "F025", "F027", "F029", "F031",
            "F032", "F033", "F035", "F036", "F037", "F038", "F052", "F053", "F054", "F055", "F056", "F111", "F112",
            "F113", "F114",
            "F011", "F012", "F013", "F014", "F015", "F060", "X001"}  # key projects and land (issue 17)
COMPUTED |= {"F039", "F041", "F043", "F044", "F045", "F046", "F047", "F048", "F049", "F050", "F051",
             "F089"}  # innovation and talent (issue 22)
COMPUTED |= {"F057", "F058", "F059"}  # enterprise policies (issue 18)
COMPUTED |= {"F063", "F064", "F065", "F066", "F067", "F068", "F069", "F070", "F071",
             "F092", "F093"}  # finance (issue 19)
DERIVED = {"F002", "F004", "F008", "F017", "F019", "F021", "F024", "F026", "F028", "F030", "F034", "F040",
           "F042", "F061", "F062", "F073", "F079", "F100"}
# The figures kept in ledgers (issue 20) are computed over them, F073 and F079 among them (no longer derived).
COMPUTED |= {*(f"F{n:03d}" for n in (*range(72, 89), 90, 91, *range(94, 100), *range(101, 111)))}
COMPUTED |= {"F001", "F005", "F006", "F115", "F116"}  # the industry ledgers; the work report's counts
DERIVED -= {"F073", "F079"}


def test_every_seed_figure_is_an_indicator_with_its_source(catalog):
    with (catalog_module_data() / "figures.csv").open(encoding="utf-8") as fh:
        seed = {r["id"]: r for r in csv.DictReader(fh)}
    rows = {i.ref: i for i in Indicator.objects.all()}
    assert set(seed) <= set(rows)
    assert set(rows) - set(seed) == {"X001", "X002"}
    assert {r for r, i in rows.items() if i.source == "computed"} == COMPUTED
    assert {r for r, i in rows.items() if i.source == "derived"} == DERIVED
    submitted = {r for r, i in rows.items() if i.source == "submitted"}
    assert submitted == set(rows) - COMPUTED - DERIVED
    for ref, row in seed.items():
        assert rows[ref].unit == row["unit"], ref
        assert rows[ref].name == row["label_zh"], ref
        assert rows[ref].definition, ref
    assert all(rows[r].owner_code for r in submitted)
    assert rows["F113"].display_scale == 10_000
    assert rows["F113"].display_unit == "万件"
    assert rows["F114"].decimals == 1
    assert rows["F025"].decimals == 0


def test_catalog_ensure_is_idempotent_and_repairs_drift(catalog):
    assert catalog.__class__  # the fixture loaded it
    assert catalog_module().catalog_ensure() == 0
    Indicator.objects.filter(ref="F025").update(unit="个")
    assert catalog_module().catalog_ensure() == 1
    assert Indicator.objects.get(ref="F025").unit == "家"


def test_seed_copy_matches_the_shared_seed():
    from pathlib import Path

    import pytest

    # The project's seed lives in ../shared beside the repository (developers and CI); a packaged install has only
    # the copy inside the package.
    shared = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "figures.csv"
    if not shared.exists():
        pytest.skip(f"no shared seed beside the repository ({shared})")
    assert shared.read_text(encoding="utf-8") == (catalog_module_data() / "figures.csv").read_text(encoding="utf-8")


def catalog_module():
    return catalog


def catalog_module_data():
    return catalog.DATA

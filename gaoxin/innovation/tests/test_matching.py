"""Segmentation with the domain dictionary, the BM25 index, the exact ranking on a small hand-labelled set, and
the `gaoxin innovation match` command."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.management import call_command

from gaoxin.innovation.matching.bm25 import Index, top_k
from gaoxin.innovation.matching.engine import Item, Matcher
from gaoxin.innovation.matching.text import analyze, segment


def test_domain_dictionary_keeps_domain_terms_whole():
    assert "催化燃烧" in segment("低功耗MEMS催化燃烧式甲烷传感芯片")
    assert "mems" in segment("低功耗MEMS催化燃烧式甲烷传感芯片")
    assert "质子交换膜" in segment("新型质子交换膜燃料电池")
    assert "催化燃烧" not in segment("低功耗MEMS催化燃烧式甲烷传感芯片", domain=False)


def test_concepts_link_a_problem_to_a_solution():
    problem = analyze("车间可燃气体泄漏，要求响应快")
    solution = analyze("低功耗MEMS催化燃烧式甲烷传感芯片")
    assert set(problem.concepts) & set(solution.concepts) == {"气体检测"}
    assert set(problem.words) & set(solution.words) == set()


def test_bm25_scores_by_hand():
    index = Index.build([["a", "b"], ["a"], ["c", "c", "d"]])
    scores = index.scores({"a": 1.0})
    # idf(a) = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)); average length 6 / 3 = 2; doc 1 is shorter, so it scores higher
    idf = np.log1p(1.5 / 2.5)
    avgdl = 2
    expected = [idf * 2.5 / (1 + 1.5 * (0.25 + 0.75 * n / avgdl)) for n in (2, 1)]
    assert scores[0] == pytest.approx(expected[0], rel=1e-6)
    assert scores[1] == pytest.approx(expected[1], rel=1e-6)
    assert scores[2] == 0
    assert top_k(scores, 5).tolist() == [1, 0]


ACHIEVEMENTS = [
    Item("chip", "低功耗MEMS催化燃烧式甲烷传感芯片", "微热板结构功耗低，T90响应时间小于10秒", "sensor", 7, 60),
    Item("vib", "旋转机械振动监测系统", "三轴加速度采集，识别轴承早期故障", "sensor", 8, 50),
    Item("cf", "高强度碳纤维预浸料", "T800级碳纤维环氧预浸料，比强度高", "new_material", 6, 200),
    Item("pcbn", "聚晶立方氮化硼超硬刀具", "高温高压烧结，适用于淬硬钢切削", "new_material", 9, 80),
    Item("h2", "70MPa IV型储氢瓶", "碳纤维全缠绕塑料内胆，质量储氢密度高", "hydrogen_storage", 7, 300),
]
DEMANDS = [
    (Item("d1", "车间可燃气体泄漏", "车间可燃气体泄漏，要求响应快", "sensor", 6, 80), ["chip"]),
    (Item("d2", "风机异响", "风机轴承经常突然损坏导致停产，想提前预警", "sensor", 6, 80), ["vib"]),
    (Item("d3", "刀具崩刃", "加工淬火钢时刀具很快崩刃，换刀频繁", "new_material", 8, 100), ["pcbn"]),
    # 续航 and 功耗 share the concept 低功耗: the chip comes second, before the hydrogen tank (other field)
    (Item("d4", "机身太重", "无人机机身太重续航短，想减重又不降强度", "new_material", 5, 300), ["cf", "chip", "h2"]),
    (Item("d5", "加氢排队", "氢能重卡加氢排队，站里储氢能力不够", "hydrogen_storage", 6, 500), ["h2"]),
]


def test_exact_ranking_on_a_hand_labelled_set():
    matcher = Matcher(ACHIEVEMENTS)
    ranked = {d.id: [p.id for p in matcher.match(d, top=5)] for d, _ in DEMANDS}
    assert ranked == {d.id: expected for d, expected in DEMANDS}
    baseline = Matcher(ACHIEVEMENTS, domain=False)
    # plain BM25 finds each answer through one shared word only, and nothing through a concept
    assert [(p.id, p.terms) for p in baseline.match(DEMANDS[0][0], top=5)] == [("chip", ("响应",))]
    assert [(p.id, p.terms) for p in baseline.match(DEMANDS[3][0], top=5)] == [("cf", ("强度",))]


def test_readiness_and_budget_rerank():
    twins = [Item("mature", "甲烷传感芯片", "催化燃烧", "sensor", 8, 50),
             Item("young", "甲烷传感芯片", "催化燃烧", "sensor", 3, 50),
             Item("dear", "甲烷传感芯片", "催化燃烧", "sensor", 8, 500)]
    ranked = [p.id for p in Matcher(twins).match(Item("q", "燃气泄漏报警", "燃气泄漏", "sensor", 6, 100))]
    assert ranked == ["mature", "dear", "young"]


def test_match_command_answers_json_lines(tmp_path, capsys):
    demands = tmp_path / "d.jsonl"
    achievements = tmp_path / "a.jsonl"
    demands.write_text("\n".join(json.dumps({"id": d.id, "title": d.title, "text": d.text, "field": d.field},
                                            ensure_ascii=False) for d, _ in DEMANDS), encoding="utf-8")
    achievements.write_text("\n".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "field": a.field},
                                                 ensure_ascii=False) for a in ACHIEVEMENTS), encoding="utf-8")
    call_command("innovation", "match", "--demands", str(demands), "--achievements", str(achievements), "--top", "2")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["d1", "d2", "d3", "d4", "d5"]
    assert [m["id"] for m in lines[2]["matches"]] == ["pcbn"]
    assert "气体检测" in lines[0]["matches"][0]["terms"]

"""Category suggestion benchmark (issue 15, defect 9): top-1 and top-3 accuracy of ``web.suggest`` on held-out
orders written the way citizens say them, with and without the stock phrases of hotline orders, against the scorer
without the boilerplate filter (the baseline, measured in the same run on the same index history).

    .venv/bin/python bench/bench_suggest.py [--scale 0.02] [--seed 7]

Sets Django up on a throw-away SQLite database (GAOXIN_DATA_DIR in a temporary directory) and simulates a year at
``--scale`` so that the scorer has the history it has in production: registered cases whose descriptions carry the
channels' wording (…，市民来电反映). The held-out orders below are not in that history: each is a complaint in
everyday words (no category name copied), labelled with the 小类 an operator would register it under. Each is asked
plain and in four boilerplate wrappings (市民来电反映：…，要求相关部门尽快处理。 …).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# (text, the 小类 an operator registers it under)
ORDERS = (
    ("小区门口那盏路灯晚上一直不亮", "01008"), ("人行道上的雨水井盖破了一个大洞", "01003"),
    ("燃气井盖松动，车压过去有响声", "01006"), ("消防栓一直在漏水", "01007"),
    ("公交站的站亭玻璃碎了一地", "02001"), ("红绿灯坏了，一直闪黄灯", "02003"), ("路边护栏被车撞歪了", "02004"),
    ("天桥台阶破损，老人上下不方便", "02006"), ("路名牌被撞坏倒在地上", "02009"), ("盲道砖松动翘起", "02010"),
    ("公共厕所没有水，又脏又臭", "03001"), ("垃圾桶满了好几天没人清", "03002"), ("公园里的长椅坏了", "03004"),
    ("报刊亭关了很久，里面堆满杂物", "03005"), ("工地围挡被风吹倒了", "04003"), ("古树被人剥了树皮", "05001"),
    ("行道树枯死了没人管", "05002"), ("花坛里的花被踩坏了", "05004"), ("有人在楼下私自搭建彩钢房", "06001"),
    ("路边倒了一大堆建筑垃圾渣土", "06003"), ("马路上很脏，几天没人扫", "06004"), ("河里漂着很多垃圾", "06005"),
    ("有人在空地上烧树叶，烟很大", "06007"), ("饭店油烟直排，熏得没法开窗", "06008"),
    ("晚上广场舞音响太吵，影响休息", "06009"), ("下水道堵了，污水往外冒", "06010"), ("小区里有人养鸡养鸭", "06011"),
    ("电线杆上贴满了小广告", "07001"), ("商店门口的广告牌掉了一半，很危险", "07005"),
    ("楼顶新装了一块大型户外广告，没有审批", "07003"), ("半夜工地还在施工，吵得睡不着", "08001"),
    ("工地扬尘很大，也不洒水", "08002"), ("渣土车沿路撒了一路泥土", "08003"), ("有人挖开马路，没有手续", "08006"),
    ("路边摆摊卖水果，占了人行道", "09001"), ("商铺把货物摆到店门外", "09003"), ("汽车停在人行道上", "09004"),
    ("共享单车乱停，把路都挡住了", "09005"), ("夜市露天烧烤，烟熏火燎", "09006"), ("有人在路口拦车乞讨", "09007"),
    ("小区里流浪狗很多，还咬人", "09008"), ("下雨后路口积水很深，车过不去", "10001"),
    ("路面突然塌陷了一个坑", "10002"), ("大树被风刮倒，挡住了路", "10003"), ("楼道里闻到很浓的煤气味", "10004"),
)
WRAPPINGS = (
    "市民来电反映：{}，要求相关部门尽快处理。",
    "来电人称{}，希望尽快解决。",
    "诉求人表示{}，请相关部门核实处理。",
    "群众网上反映：{}。",
)


def setup_django(data_dir: str) -> None:
    os.environ["GAOXIN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def accuracy(index, questions: list[tuple[str, str]]) -> tuple[float, float]:
    top1 = top3 = 0
    for text, code in questions:
        codes = [s.code for s in index.suggest(text, limit=3)]
        top1 += bool(codes) and codes[0] == code
        top3 += code in codes
    return top1 / len(questions), top3 / len(questions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as data_dir:
        setup_django(data_dir)
        from gaoxin.simulation.services import simulate_year
        from gaoxin.web.suggest import CategoryIndex

        started = time.perf_counter()
        simulate_year(year=2023, seed=args.seed, scale=args.scale)
        print(f"history: simulated year at scale {args.scale} in {time.perf_counter() - started:.1f} s")
        plain = list(ORDERS)
        wrapped = [(w.format(text), code) for text, code in ORDERS for w in WRAPPINGS]
        print(f"held-out orders: {len(plain)} plain, {len(wrapped)} with stock phrases")
        print(f"{'scorer':<28}{'plain top-1':>12}{'top-3':>8}{'phrases top-1':>15}{'top-3':>8}")
        results = {}
        for label, flag in (("without boilerplate filter", False), ("with boilerplate filter", True)):
            index = CategoryIndex.build(boilerplate_filter=flag)
            p1, p3 = accuracy(index, plain)
            w1, w3 = accuracy(index, wrapped)
            results[flag] = (p1, p3, w1, w3)
            print(f"{label:<28}{p1:>12.1%}{p3:>8.1%}{w1:>15.1%}{w3:>8.1%}")
        base, new = results[False], results[True]
        ratio = new[3] / base[3] if base[3] else float("inf")
        print(f"top-3 with phrases: {new[3]:.1%} vs {base[3]:.1%} (×{ratio:.2f})")
        index = CategoryIndex.build()
        shown = index.suggest("市民来电反映：路灯不亮")
        print("市民来电反映：路灯不亮 →", "、".join(f"{s.code} {s.label}" for s in shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

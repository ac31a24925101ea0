#!/usr/bin/env python3
"""Writes weekly reports (创文周报) simulated from known rates, for ccsim calibrate.

    make_reports.py demo > scenarios/reports-demo.csv
    make_reports.py scaled --districts 100 --categories 20 --weeks 52 \\
        --scenario city.cfg > reports.csv

Each district and category follows the model's weekly step (docs/model.md 3.1)
from its open count in week 0:

    R[t] ~ Binomial(O[t-1], r)     fixed
    K[t] ~ Binomial(R[t-1], rho)   rebounded (R[0] = 0)
    A[t] ~ Poisson(lambda)         found
    O[t] = O[t-1] - R[t] + K[t] + A[t]

and one row per week gives found, fixed, rebounded and open. The random
numbers are Python's own generator with a fixed seed, so the same command
writes the same file.

demo: the ten districts and eleven categories of scenarios/demo-city.cfg
over the 12 weeks before today, starting from the demo's `problems`. The
true rates are the demo's, except where TRUTH below says otherwise: what the
office's reports reveal that the planner's guesses did not (README,
"Calibrating from weekly reports").

scaled: a city of D districts (D001, ...) and C categories (c01, ...) over
T weeks, rates drawn at random per cell (rectification 0.05 to 0.35,
rebound 0.02 to 0.15, 0.5 to 20 new problems a week); --scenario also
writes the scenario the reports belong to. For the benchmark of bench/run.sh.
"""
import argparse
import math
import random
import sys

DEMO_CATEGORIES = [
    # name, problems, new_per_week (the demo's defaults)
    ("main_road", 45, 3.0),
    ("back_street", 320, 14.0),
    ("old_compound", 210, 9.0),
    ("farmers_market", 30, 2.5),
    ("park_square", 18, 1.5),
    ("public_toilet", 110, 6.0),
    ("small_restaurant", 420, 25.0),
    ("internet_cafe", 30, 2.0),
    ("business_hall", 20, 1.0),
    ("intersection", 80, 5.0),
    ("construction_site", 40, 2.5),
]

DEMO_DISTRICTS = [
    # name, rectify_rate, rebound, {category: problems}, {category: new_per_week}
    # (the demo's values: scenarios/demo-city.cfg)
    ("Chengguan", 0.15, 0.08, {"back_street": 420, "small_restaurant": 600}, {}),
    ("Dongcheng", 0.14, 0.08, {}, {}),
    ("Xigu", 0.12, 0.08, {"old_compound": 300, "farmers_market": 45}, {}),
    ("Nanhu", 0.16, 0.05, {}, {}),
    ("Beishan", 0.10, 0.12, {"back_street": 380, "public_toilet": 150}, {}),
    ("Gaoxin", 0.12, 0.08, {"construction_site": 110, "old_compound": 60},
     {"construction_site": 6.0}),
    ("Jingkai", 0.12, 0.08, {"construction_site": 90}, {}),
    ("Hexi", 0.12, 0.08, {}, {}),
    ("Qilihe", 0.09, 0.10, {"farmers_market": 50, "small_restaurant": 560}, {}),
    ("Anning", 0.13, 0.08, {}, {}),
]
DEMO_XIGU_OLD_COMPOUND = 0.08  # the demo's rectify_rate = { old_compound = 0.08; }

# What the reports reveal: (district, category or None for all) -> true values.
TRUTH = {
    ("Beishan", None): {"rectify_rate": 0.07, "rebound": 0.15},   # lags more than thought
    ("Chengguan", None): {"rectify_rate": 0.19},                  # better than thought
    ("Xigu", "old_compound"): {"rectify_rate": 0.12},             # the compounds' drive works
    ("Gaoxin", "construction_site"): {"new_per_week": 9.0},       # building faster still
}
# A change in reporting: from week 7 Qilihe's restaurants are counted by a
# new inspection team that finds twice as many problems (the fit check flags it).
CHANGE = ("Qilihe", "small_restaurant", 7, 2.0)


def binomial(rng, n, p):
    """Binomial(n, p) by counting geometric gaps between successes: exact, O(n p)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    log_q = math.log1p(-p)
    k, position = 0, 0
    while True:
        position += int(math.log(1.0 - rng.random()) / log_q) + 1
        if position > n:
            return k
        k += 1


def poisson(rng, mu):
    """Poisson(mu) by counting unit-rate arrivals before mu: exact, O(mu)."""
    k, t = 0, 0.0
    while True:
        t -= math.log(1.0 - rng.random())
        if t > mu:
            return k
        k += 1


def simulate(rng, district, category, open0, r, rho, lam, weeks, change=None):
    """The weekly rows of one district and category."""
    rows, open_, fixed_before = [], open0, 0
    for t in range(1, weeks + 1):
        fixed = binomial(rng, open_, r)
        rebounded = binomial(rng, fixed_before, rho)
        rate = lam * change[1] if change and t >= change[0] else lam
        found = poisson(rng, rate)
        open_ = open_ - fixed + rebounded + found
        fixed_before = fixed
        rows.append((district, category, t, found, fixed, rebounded, open_))
    return rows


def demo_rows():
    rng = random.Random(20261122)
    rows = []
    for name, r0, rho0, problems, arrivals in DEMO_DISTRICTS:
        for category, problems0, lam0 in DEMO_CATEGORIES:
            r = DEMO_XIGU_OLD_COMPOUND if (name, category) == ("Xigu", "old_compound") else r0
            values = {"rectify_rate": r, "rebound": rho0,
                      "new_per_week": arrivals.get(category, lam0)}
            values.update(TRUTH.get((name, None), {}))
            values.update(TRUTH.get((name, category), {}))
            change = CHANGE[2:] if (name, category) == CHANGE[:2] else None
            rows += simulate(rng, name, category, problems.get(category, problems0),
                             values["rectify_rate"], values["rebound"],
                             values["new_per_week"], 12, change)
    return rows


def scaled(args):
    rng = random.Random(args.seed)
    districts = [f"D{d + 1:03d}" for d in range(args.districts)]
    categories = [f"c{c + 1:02d}" for c in range(args.categories)]
    rows = []
    for district in districts:
        for category in categories:
            r = rng.uniform(0.05, 0.35)
            rho = rng.uniform(0.02, 0.15)
            lam = rng.uniform(0.5, 20.0)
            rows += simulate(rng, district, category, rng.randint(20, 300), r, rho, lam,
                             args.weeks)
    if args.scenario:
        with open(args.scenario, "w", encoding="utf-8") as out:
            out.write(scenario_text(districts, categories, args.weeks))
    return rows


def scenario_text(districts, categories, weeks):
    """A valid scenario with these districts and categories (for calibrate)."""
    lines = [f'version = 1;\nname = "Scaled city: {len(districts)} districts, '
             f'{len(categories)} categories";',
             f"campaign: {{ weeks = {weeks}; }};",
             f"inspection: {{ window = [{weeks}, {weeks}]; batches = 1; }};",
             "categories = ("]
    # the field carries 80 points whatever the number of categories, so that
    # the pass threshold of 60 can be reached
    weight = 80.0 / len(categories)
    lines += [f'  {{ name = "{c}"; weight = {weight!r}; deduction = 0.2; lottery = 1; }}'
              + ("," if i < len(categories) - 1 else "") for i, c in enumerate(categories)]
    lines += [");",
              "defaults: { sites = 20; declared = 5; problems = 100; new_per_week = 5.0;",
              "            rectify_rate = 0.15; rebound = 0.05; };",
              "districts = ("]
    lines += [f'  {{ name = "{d}"; population = 100000.0; satisfaction = 0.85; }}'
              + ("," if i < len(districts) - 1 else "") for i, d in enumerate(districts)]
    lines += [");", "survey: { respondents = 1200; weight = 20.0; };",
              'pass: { rule = "threshold"; threshold = 60.0; };', ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("demo", help="the demo city's 12 weeks")
    s = sub.add_parser("scaled", help="a scaled city, for the benchmark")
    s.add_argument("--districts", type=int, default=100)
    s.add_argument("--categories", type=int, default=20)
    s.add_argument("--weeks", type=int, default=52)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--scenario", help="also write the scenario here")
    args = parser.parse_args()
    rows = demo_rows() if args.what == "demo" else scaled(args)
    out = sys.stdout
    out.write("district,category,week,found,fixed,rebounded,open\n")
    for row in rows:
        out.write(",".join(str(v) for v in row) + "\n")


if __name__ == "__main__":
    main()

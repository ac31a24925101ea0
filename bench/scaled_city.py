#!/usr/bin/env python3
"""Writes a scaled city scenario (libconfig) for the benchmarks.

    scaled_city.py [--districts D] [--weeks T] [--respondents N] [--sites S] > city.cfg

The demo's eleven site categories and its kinds of figures, for D districts
(default 10) over T weeks (default 12), with N survey respondents (default
1,200) and S sites per category in the whole city (default: 40 a district),
a tenth of them declared for the lottery. The problems open today and the
weekly rates do not depend on S, so that a larger site universe changes
only the pools the inspectors draw from.
"""
import argparse

CATEGORIES = [
    # name, weight, deduction, lottery, random_view, prepared
    ("main_road", 6.0, 0.25, 3, 1, 0.5),
    ("back_street", 5.0, 0.20, 2, 3, 0.7),
    ("old_compound", 5.0, 0.20, 2, 2, 0.6),
    ("farmers_market", 4.0, 0.30, 2, 1, 0.5),
    ("park_square", 3.0, 0.20, 2, 1, 0.6),
    ("public_toilet", 3.0, 0.25, 2, 2, 0.6),
    ("small_restaurant", 3.0, 0.15, 1, 3, 0.8),
    ("internet_cafe", 2.0, 0.25, 1, 1, 0.7),
    ("business_hall", 2.0, 0.10, 2, 0, 0.6),
    ("intersection", 4.0, 0.20, 3, 1, 0.5),
    ("construction_site", 3.0, 0.30, 1, 2, 0.7),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--respondents", type=int, default=1200)
    parser.add_argument("--sites", type=int, default=0, help="per category, in the whole city")
    a = parser.parse_args()
    D, T = a.districts, a.weeks
    sites_total = a.sites if a.sites > 0 else 40 * D
    out = [f'version = 1;\nname = "Scaled city: {D} districts, {T} weeks";',
           f"campaign:   {{ weeks = {T}; }};",
           f"inspection: {{ window = [{max(1, T - 3)}, {T}]; batches = 2; }};",
           "categories = ("]
    out.append(",\n".join(
        f'  {{ name = "{n}"; weight = {w}; deduction = {d}; lottery = {k}; random_view = {m}; prepared = {p}; }}'
        for n, w, d, k, m, p in CATEGORIES) + " );")
    out.append("defaults:   { rectify_rate = 0.14; rebound = 0.07; new_per_week = 3.0; };")
    out.append("districts = (")
    rows = []
    for i in range(D):
        # every district gets its share of the sites, the first ones the remainder
        share = sites_total // D + (1 if i < sites_total % D else 0)
        sites = max(share, 1)
        declared = max(sites // 10, 1)
        problems = ", ".join(f"{n} = {30 + (37 * (i + 3 * c)) % 250}" for c, (n, *_) in enumerate(CATEGORIES))
        arrivals = ", ".join(f"{n} = {1.0 + (i + 2 * c) % 9}" for c, (n, *_) in enumerate(CATEGORIES))
        # per category, spelled out: a district-level scalar is warned of as
        # multiplying across the categories (which is meant here)
        site_map = "; ".join(f"{n} = {sites}L" for n, *_ in CATEGORIES)
        declared_map = "; ".join(f"{n} = {declared}L" for n, *_ in CATEGORIES)
        rows.append(
            f'  {{ name = "d{i + 1:04d}"; population = {100000.0 + 7919.0 * (i % 53)}; '
            f"satisfaction = {0.83 + 0.01 * (i % 7)}; satisfaction_concentration = 300.0;\n"
            f"    sites = {{ {site_map}; }};\n    declared = {{ {declared_map}; }};\n"
            f"    problems = {{ {problems} }};\n"
            f"    new_per_week = {{ {arrivals} }};\n"
            f"    rectify_rate = {0.10 + 0.01 * (i % 9):.2f}; rebound = {0.04 + 0.01 * (i % 6):.2f}; }}")
    out.append(",\n".join(rows) + " );")
    out.append("materials = ( { name = \"online_reports\"; items = 40; points = 0.5; loss_probability = 0.05; },\n"
               "              { name = \"archives\"; items = 20; points = 1.0; loss_probability = 0.06; } );")
    out.append(f"survey:     {{ respondents = {a.respondents}L; weight = 20.0; veto_below = 80.0; }};")
    out.append("negative_list = ( { name = \"major_accident\"; probability = 0.01; veto = true; },\n"
               "                  { name = \"media_exposure\"; probability = 0.1; deduct = 2.0; } );")
    out.append("bonus:      { cap = 3.0; honors = ( { name = \"health_city\"; probability = 0.9; points = 1.0; } ); };")
    out.append("minors:     { mean = 90.0; sd = 3.0; weight = 0.2; minimum = 85.0; };")
    out.append("pass:       { rule = \"threshold\"; threshold = 80.0; bands = [70.0, 80.0]; };")
    print("\n".join(out))


if __name__ == "__main__":
    main()

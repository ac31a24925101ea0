#!/usr/bin/env python3
"""The ccsim model (docs/model.md section 3) in NumPy, vectorised over replications.

This is what a planner would otherwise write: the same model, every
replication of a batch advanced together as one array operation, drawn with
NumPy's Generator. It reads the resolved scenario that `ccsim check --json`
writes (defaults, overrides and setup-only policies applied; week hooks are
Lua and are not simulated here), so it simulates exactly the numbers ccsim
does, on other random numbers.

    numpy_model.py SCENARIO.json --reps N [--seed S] [--batch B] [--brief]
        prints the seconds per replication and (but with --brief) the statistics
    numpy_model.py SCENARIO.json --reps N --compare RUN.json [--tolerance Z]
        also compares them with ccsim's JSON for the same scenario: every
        statistic must agree within Z (default 4.5) standard errors of the
        difference of two independent estimates; exit 1 otherwise.

The field inspection draws, per category and batch, how many of the
lottery's and the inspectors' sites fall in each district (multivariate
hypergeometric: sites of one district and category are exchangeable), then
one Poisson count per inspected site.
"""
import argparse
import json
import math
import sys
import time

import numpy as np


class Scenario:
    """The resolved scenario as arrays: cells are [district, category]."""

    def __init__(self, doc):
        self.doc = doc
        self.weeks = doc["weeks"]
        self.window = doc["window"]
        self.batches = doc["batches"]
        cats = doc["categories"]
        dists = doc["districts"]
        self.C, self.D = len(cats), len(dists)
        self.weight = np.array([c["weight"] for c in cats])
        self.deduction = np.array([c["deduction"] for c in cats])
        self.lottery = np.array([c["lottery"] for c in cats], dtype=np.int64)
        self.random_view = np.array([c["random_view"] for c in cats], dtype=np.int64)
        self.prepared = np.array([c["prepared"] for c in cats])

        def cell(key, dtype=float):
            return np.array([[k[key] for k in d["cells"]] for d in dists], dtype=dtype)

        self.sites = cell("sites", np.int64)
        self.declared = cell("declared", np.int64)
        self.problems = cell("problems", np.int64)
        self.new_per_week = cell("new_per_week")
        self.rectify_rate = cell("rectify_rate")
        self.rebound = cell("rebound")
        self.respondents = np.array([d["respondents"] for d in dists], dtype=np.int64)
        self.satisfaction = np.array([d["satisfaction"] for d in dists])
        self.concentration = np.array([d["satisfaction_concentration"] for d in dists])


def simulate(sc, reps, rng):
    """One batch of REPS replications: a dict of per-replication arrays."""
    R, D, C, B = reps, sc.D, sc.C, sc.batches
    doc = sc.doc
    out = {}

    # 3.1 weekly dynamics of every cell, keeping O at each batch's week
    tau = rng.integers(sc.window[0], sc.window[1] + 1, size=(R, B))
    open_ = np.broadcast_to(sc.problems, (R, D, C)).copy()
    fixed_last = np.zeros((R, D, C), dtype=np.int64)
    rectified = np.zeros(R, dtype=np.int64)
    arrived = np.zeros(R, dtype=np.int64)
    open_at = np.zeros((B, R, D, C), dtype=np.int64)
    for t in range(1, sc.weeks + 1):
        fixed = rng.binomial(open_, sc.rectify_rate)
        rebounded = rng.binomial(fixed_last, sc.rebound)
        added = rng.poisson(sc.new_per_week, size=(R, D, C))
        open_ = open_ - fixed + rebounded + added
        fixed_last = fixed
        rectified += fixed.sum(axis=(1, 2))
        arrived += added.sum(axis=(1, 2))
        for b in range(B):
            now = tau[:, b] == t
            open_at[b][now] = open_[now]
    denominator = sc.problems.sum() + arrived
    out["rectification"] = np.where(denominator > 0, rectified / np.maximum(denominator, 1), 0.0)

    # 3.2 field inspection
    district_lost = np.zeros((R, D))
    district_sites = np.zeros((R, D))
    category_lost = np.zeros((R, C))
    field = np.zeros(R)
    rows = np.arange(R)[:, None]
    for b in range(B):
        for c in range(C):
            pools = ((sc.declared[:, c], sc.prepared[c], sc.lottery[c]),
                     (sc.sites[:, c] - sc.declared[:, c], 1.0, sc.random_view[c]))
            drawn = [min(int(want), int(pool.sum())) for pool, _, want in pools]
            inspected = sum(drawn)
            if inspected == 0:
                continue
            charge = sc.weight[c] / inspected / B
            kept = np.zeros(R)
            for (pool, factor, _), k in zip(pools, drawn):
                if k == 0:
                    continue
                # how many of the k sites fall in each district
                counts = rng.multivariate_hypergeometric(pool, k, size=R)
                district_sites += counts
                # slot j of a replication belongs to the district where the
                # cumulative count first exceeds j
                ends = np.cumsum(counts, axis=1)
                slot_district = (ends[:, None, :] <= np.arange(k)[None, :, None]).sum(axis=2)
                mu = open_at[b][:, :, c] / sc.sites[:, c] * factor
                problems = rng.poisson(np.take_along_axis(mu, slot_district, axis=1))
                q = np.maximum(0.0, 1.0 - sc.deduction[c] * problems)
                kept += q.sum(axis=1)
                lost = (1.0 - q) * charge
                district_lost += np.bincount((rows * D + slot_district).ravel(), weights=lost.ravel(),
                                             minlength=R * D).reshape(R, D)
                category_lost[:, c] += lost.sum(axis=1)
            field += sc.weight[c] * kept / inspected
    field /= B
    out["field"] = field
    out["district_lost"] = district_lost
    out["district_sites"] = district_sites
    out["category_lost"] = category_lost

    # rank last: 1/k to each of the k districts with the most points lost per site
    with np.errstate(invalid="ignore", divide="ignore"):
        per_site = np.where(district_sites > 0, district_lost / district_sites, -np.inf)
    worst = per_site.max(axis=1, keepdims=True)
    tied = (per_site == worst) & (district_sites > 0)
    ties = tied.sum(axis=1, keepdims=True)
    out["rank_last"] = np.where(ties > 0, tied / np.maximum(ties, 1), 0.0)

    # 3.3 materials
    materials = np.zeros(R)
    for m in doc["materials"]:
        lost = rng.binomial(m["items"], m["loss_probability"], size=R)
        materials += m["points"] * (m["items"] - lost)
    out["materials"] = materials

    # 3.4 survey
    theta = np.broadcast_to(sc.satisfaction, (R, D))
    has_kappa = sc.concentration > 0
    if has_kappa.any():
        a = np.where(has_kappa, sc.satisfaction * sc.concentration, 1.0)
        b_ = np.where(has_kappa, (1 - sc.satisfaction) * sc.concentration, 1.0)
        theta = np.where(has_kappa, rng.beta(a, b_, size=(R, D)), theta)
    satisfied = rng.binomial(sc.respondents, theta).sum(axis=1)
    survey = doc["survey"]
    satisfaction = 100.0 * satisfied / survey["respondents"]
    out["satisfaction"] = satisfaction
    out["survey"] = survey["weight"] * satisfaction / 100.0
    survey_veto = satisfaction < survey["veto_below"]

    # 3.5 overall impression
    overall = doc["overall"]
    out["overall"] = np.zeros(R)
    if overall["weight"] > 0:
        e = rng.normal(overall["mean"], overall["noise_sd"], size=R) if overall["noise_sd"] > 0 else overall["mean"]
        out["overall"] = overall["weight"] * np.clip(field / sc.weight.sum() + e, 0.0, 1.0)

    # 3.6 negative list and bonus
    negative = np.zeros(R)
    negative_veto = np.zeros(R, dtype=bool)
    for ev in doc["negative_list"]:
        happens = rng.random(R) < ev["probability"]
        negative += happens * ev["deduct"]
        if ev["veto"]:
            negative_veto |= happens
    out["negative"] = negative
    honours = np.zeros(R)
    for h in doc["bonus"]["honors"]:
        honours += (rng.random(R) < h["probability"]) * h["points"]
    out["bonus"] = np.minimum(doc["bonus"]["cap"], honours)

    city = field + materials + out["survey"] + out["overall"] + out["bonus"] - negative

    # 3.7 minors' test
    minors_doc = doc["minors"]
    out["minors"] = np.zeros(R)
    minors_veto = np.zeros(R, dtype=bool)
    year = city
    if minors_doc is not None:
        minors = np.clip(rng.normal(minors_doc["mean"], minors_doc["sd"], size=R), 0.0, 100.0)
        out["minors"] = minors
        minors_veto = minors < minors_doc["minimum"]
        year = (1 - minors_doc["weight"]) * city + minors_doc["weight"] * minors
    out["year"] = year

    # 3.8 score and pass
    history = doc["history"]
    total = year
    if history is not None:
        total = np.dot(history["weights"], history["scores"]) + history["current_weight"] * year
    out["total"] = total
    veto = survey_veto | negative_veto | minors_veto
    rule = doc["pass"]
    if rule["rule"] == "threshold":
        passed = ~veto & (total >= rule["threshold"])
    else:
        above = np.zeros(R, dtype=np.int64)
        for rival in rule["competitors"]:
            above += rng.normal(rival["mean"], rival["sd"], size=R) > total
        passed = ~veto & (above < rule["slots"])
    out["pass"] = passed.astype(float)
    out["survey_veto"] = survey_veto.astype(float)
    out["negative_veto"] = negative_veto.astype(float)
    out["minors_veto"] = minors_veto.astype(float)
    return out


def run(sc, reps, seed, batch):
    """Every statistic as (mean, sd) over REPS replications, and the seconds."""
    rng = np.random.default_rng(seed)
    sums, squares, done = {}, {}, 0
    started = time.perf_counter()
    while done < reps:
        n = min(batch, reps - done)
        for key, values in simulate(sc, n, rng).items():
            values = np.asarray(values, dtype=float)
            sums[key] = sums.get(key, 0.0) + values.sum(axis=0)
            squares[key] = squares.get(key, 0.0) + (values ** 2).sum(axis=0)
        done += n
    seconds = time.perf_counter() - started
    stats = {}
    for key in sums:
        mean = sums[key] / reps
        var = np.maximum(squares[key] / reps - mean ** 2, 0.0) * reps / max(reps - 1, 1)
        stats[key] = (mean, np.sqrt(var))
    return stats, seconds


def ccsim_statistics(doc, sc):
    """The same statistics from ccsim's JSON: name -> (mean, sd)."""
    def bernoulli(p):
        return (p, math.sqrt(max(p * (1 - p), 0.0)))

    comp = doc["components"]
    got = {
        "pass": bernoulli(doc["pass_probability"]),
        "survey_veto": bernoulli(doc["survey_veto_probability"]),
        "negative_veto": bernoulli(doc["negative_veto_probability"]),
        "minors_veto": bernoulli(doc["minors_veto_probability"]),
        "total": (doc["total"]["mean"], doc["total"]["sd"]),
        "year": (doc["year"]["mean"], doc["year"]["sd"]),
    }
    for key in ("field", "materials", "survey", "overall", "bonus", "negative", "minors", "satisfaction"):
        got[key] = (comp[key]["mean"], comp[key]["sd"])
    got["rectification"] = (doc["rectification_rate"]["mean"], None)
    for d, row in enumerate(doc["districts"]):
        got[f"district_lost[{row['name']}]"] = (row["points_lost"], None)
        got[f"district_sites[{row['name']}]"] = (row["sites_inspected"], None)
        got[f"rank_last[{row['name']}]"] = (row["rank_last_probability"], None)
    for row in doc["categories"]:
        got[f"category_lost[{row['name']}]"] = (row["points_lost"], None)
    return got


def flatten(stats, sc):
    """Per-district and per-category arrays as named scalars."""
    flat = {}
    names = [d["name"] for d in sc.doc["districts"]]
    categories = [c["name"] for c in sc.doc["categories"]]
    for key, (mean, sd) in stats.items():
        if np.ndim(mean) == 0:
            flat[key] = (float(mean), float(sd))
            continue
        labels = categories if key == "category_lost" else names
        for i, label in enumerate(labels):
            flat[f"{key}[{label}]"] = (float(mean[i]), float(sd[i]))
    return flat


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", help="the JSON of `ccsim check SCENARIO --json FILE`")
    parser.add_argument("--reps", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--batch", type=int, default=10000, help="replications per array batch")
    parser.add_argument("--compare", help="ccsim's JSON for the same scenario")
    parser.add_argument("--tolerance", type=float, default=4.5)
    parser.add_argument("--brief", action="store_true", help="print the timing line only")
    args = parser.parse_args()
    with open(args.scenario) as f:
        sc = Scenario(json.load(f))
    stats, seconds = run(sc, args.reps, args.seed, args.batch)
    flat = flatten(stats, sc)
    print(f"numpy model: {args.reps} replications in {seconds:.2f} s, "
          f"{seconds / args.reps * 1e6:.1f} us a replication, {args.reps / seconds:.0f} reps/s")
    if args.brief and not args.compare:
        return 0
    if not args.compare:
        for key, (mean, sd) in flat.items():
            print(f"  {key:40s} {mean:12.5f} {sd:10.5f}")
        return 0
    with open(args.compare) as f:
        theirs = json.load(f)
    n_theirs = theirs["replications"]
    worst, failures = 0.0, 0
    for key, (their_mean, their_sd) in ccsim_statistics(theirs, sc).items():
        mean, sd = flat[key]
        # ccsim's JSON gives no sd for the tables: NumPy's stands for both
        other_sd = sd if their_sd is None else their_sd
        se = math.sqrt(sd ** 2 / args.reps + other_sd ** 2 / n_theirs)
        z = abs(mean - their_mean) / se if se > 0 else (0.0 if mean == their_mean else math.inf)
        worst = max(worst, z)
        bad = z > args.tolerance
        failures += bad
        print(f"  {key:40s} numpy {mean:12.5f}  ccsim {their_mean:12.5f}  z {z:5.2f}{'  DIFFERS' if bad else ''}")
    print(f"{len(flat)} statistics, largest |z| {worst:.2f}, tolerance {args.tolerance}: "
          f"{'agree' if failures == 0 else f'{failures} differ'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

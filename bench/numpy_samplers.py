#!/usr/bin/env python3
"""NumPy's Generator on the cases of bench_samplers.c: nanoseconds a variate.

    numpy_samplers.py [VARIATES]      (default 4,000,000 a case)

Each case draws VARIATES at once (NumPy at its best: one call, parameters
in arrays where they vary), best of three.
"""
import sys
import time

import numpy as np


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000_000
    g = np.random.default_rng(7)
    cases = [
        ("uniform [0, 1)", lambda: g.random(count)),
        ("normal", lambda: g.standard_normal(count)),
        ("binomial n 20..600, p 0.12", lambda n=g.integers(20, 601, count): g.binomial(n, 0.12)),
        ("binomial n 0..60, p 0.08", lambda n=g.integers(0, 61, count): g.binomial(n, 0.08)),
        ("binomial n 100, p 0.15", lambda: g.binomial(100, 0.15, count)),
        ("binomial n 120, p 0.85", lambda: g.binomial(120, 0.85, count)),
        ("poisson mu 3", lambda: g.poisson(3.0, count)),
        ("poisson mu 9", lambda: g.poisson(9.0, count)),
        ("poisson mu 14", lambda: g.poisson(14.0, count)),
        ("poisson mu 0..2 varied", lambda mu=2.0 * g.random(count): g.poisson(mu)),
        ("beta 258, 42", lambda: g.beta(258.0, 42.0, count)),
    ]
    print(f"{'case':30s} {'ns/variate':>10s}   (NumPy {np.__version__})")
    for name, draw in cases:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            values = draw()
            best = min(best, time.perf_counter() - started)
        print(f"{name:30s} {best / count * 1e9:10.1f}   (mean {values.mean():.4g})")


if __name__ == "__main__":
    main()

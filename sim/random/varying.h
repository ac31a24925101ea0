/*
 * varying: the weekly binomials and Poissons at a rate that holds for one
 * replication only (an uncertain rectification rate, rebound or arrival
 * mean, MODEL.md 7), drawn exactly and without tables.
 *
 * inversion.h keeps, for each rate a run meets, tables of cumulative
 * probabilities searched by a guide: fast when the rates are few and met
 * again and again. A rate drawn anew in every replication is met by one
 * replication's dozen weeks and never again: building its tables costs
 * more than they save, and registering it fills the run's table budget
 * with tables used once (after which every draw builds a table on the
 * stack). These sources hold only what the rate needs (a logarithm or
 * two, set up per replication) and draw each value with the same
 * arithmetic as inversion.h's tables, lazily: the cumulative sum from the
 * table's first entry, stopped at the first entry that reaches the
 * uniform. A draw's value is therefore the one binomial_source_draw and
 * poisson_source_draw give for the same (n, p) or mean and the same
 * stream, to the last bit: a rate that stays certain (or an uncertain
 * input of one value) draws the same values whichever source holds it.
 *
 * The cost of a draw is one exp and a walk of (value - first entry + 1)
 * steps, against a table's one or two comparisons: the walk is short for
 * the small means of the weekly draws (a mean of 14 walks about 15 steps).
 * See bench/bench_varying.c for the measurements and bench/RESULTS.md.
 */
#ifndef CCSIM_VARYING_H
#define CCSIM_VARYING_H

#include <stdint.h>

#include "inversion.h"
#include "rng.h"
#include "sample.h"

/* Means from which a draw is not walked but made by sample.h's transformed
 * rejection (BTRS, PTRS): constant cost, exact, other values than the tables'. */
#ifndef VARYING_WALK_MEAN
#define VARYING_WALK_MEAN 12.0
#endif

/* Binomial(n, p) at one p and varying n, without tables. */
struct varying_binomial {
	double p;
	double log_q;          /* log1p(-p) */
	double log_p;          /* log(p), worked out when a draw first needs it (NAN until) */
	double odds;           /* p / (1 - p) */
	int64_t n_max;         /* inversion up to here, as inversion.h's tables (-1: p is 0 or 1) */
	int rate_ready;        /* RATE set up (the draws past n_max need it) */
	struct binomial_rate rate;
};

void varying_binomial_init(struct varying_binomial *b, double p);
int64_t varying_binomial_draw(struct varying_binomial *b, struct rng *r, int64_t n);

/* Poisson(mu) at one mean, without tables. */
struct varying_poisson {
	double mu;
	double first;          /* the probability of the table's first entry (0 for mu past the tables) */
	int64_t lo, width;     /* the table's span */
	int rate_ready;        /* RATE set up (mu past the tables) */
	struct poisson_rate rate;
};

void varying_poisson_init(struct varying_poisson *s, double mu);
int64_t varying_poisson_draw(struct varying_poisson *s, struct rng *r);

#endif

/*
 * varying: the weekly binomials and Poissons at a rate that holds for one
 * replication only (an uncertain rectification rate, rebound or arrival
 * mean; docs/model.md, uncertain inputs), drawn exactly and without tables.
 *
 * inversion.h keeps, for each rate a run meets, tables of cumulative
 * probabilities searched by a guide: fast when the rates are few and met
 * again and again. A rate drawn anew in every replication is met by one
 * replication's dozen weeks and never again: building its tables costs
 * more than they save, and registering it fills the run's table budget
 * with tables used once (after which every draw builds a table on the
 * stack, five times slower than the tables). These sources hold what the
 * rate needs (a division when set up, a logarithm at the first walk) and
 * draw each value in one of two exact ways:
 *
 * - below a mean of VARYING_WALK_MEAN, with the tables' own arithmetic,
 *   lazily: the cumulative sum from the table's first entry, four entries
 *   a branch, stopped at the first that reaches the uniform. The value is
 *   the one inversion_binomial_draw or inversion_poisson_draw gives for the same
 *   (n, p) or mean and the same stream, to the last bit, and the stream
 *   advances alike (past the tables, n p (1 - p) > 100, both use BTRS);
 * - from that mean on, by sample.h's transformed rejection (BTRS, PTRS),
 *   whose cost does not grow with the mean: exact too, but not the
 *   tables' values (a walk's cost grows with the mean, and passes BTRS's
 *   near 16).
 *
 * A rate that takes few values (a certain one, or a discrete input's)
 * belongs in the tables; only rates drawn from a continuous distribution
 * belong here. bench/bench_varying.c measures the two against each other.
 */
#ifndef CCSIM_VARYING_H
#define CCSIM_VARYING_H

#include <stdint.h>

#include "inversion.h"
#include "rng.h"
#include "sample.h"

/* The mean from which a draw is made by sample.h's transformed rejection
 * (BTRS, PTRS) instead of the tables' walk. */
#ifndef VARYING_WALK_MEAN
#define VARYING_WALK_MEAN 16.0
#endif

/* Binomial(n, p) at one p and varying n, without tables. */
struct varying_binomial {
	double p;
	/* worked out when a draw first needs them (NAN until): */
	double log_q;          /* log1p(-p) */
	double log_p;          /* log(p) */
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

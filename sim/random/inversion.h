/*
 * inversion: the weekly dynamics' binomials and Poissons drawn by inversion
 * from tables of cumulative probabilities, shared by a run's threads and
 * built on first use.
 *
 * A draw's value depends on its uniforms, n and p (or mu) alone: Binomial(n, p)
 * with n p (1 - p) <= INVERSION_VARIANCE and n <= INVERSION_N, and
 * Poisson(mu) with mu <= INVERSION_VARIANCE, are the first x from
 * lo = max(0, floor(mean - 10 sd - 20)) whose cumulative probability, summed
 * from lo, reaches one uniform (a uniform past hi = mean + 10 sd + 20 is
 * drawn again: the two tails left out hold less than 1e-20). Larger draws
 * use sample.h's BTRS and PTRS. Whether a table was kept (the tables share
 * a memory budget), built now or absent (no tables given) changes the speed
 * of a draw, never its value.
 */
#ifndef CCSIM_INVERSION_H
#define CCSIM_INVERSION_H

#include <stdint.h>

#include "rng.h"
#include "sample.h"

#define INVERSION_VARIANCE 100.0
#define INVERSION_N 4096

/* The tables of one run (one per run, shared by its threads). */
struct inversion_tables;

/* NULL when out of memory. */
struct inversion_tables *inversion_tables_new(void);
void inversion_tables_free(struct inversion_tables *tables);
/* Bytes the tables hold now. */
size_t inversion_tables_bytes(const struct inversion_tables *tables);

struct binomial_cdfs;   /* the tables of one p, by n */
struct cdf_table;

/* Binomial(n, p) at one p and varying n (a cell's weekly rectification). */
struct binomial_source {
	struct binomial_rate rate;     /* BTRS or inversion for n past n_max */
	int64_t n_max;                 /* by the tables up to here (-1: p is 0 or 1) */
	struct binomial_cdfs *cdfs;    /* NULL: the tables are built draw by draw */
};

/* TABLES may be NULL (every draw builds its table: the same values, slower). */
void binomial_source_init(struct binomial_source *source, double p,
			  struct inversion_tables *tables);
int64_t binomial_source_draw(const struct binomial_source *source, struct rng *r, int64_t n);
void binomial_source_prefetch(const struct binomial_source *source, int64_t n);

/* Poisson(mu) at one mean (a cell's weekly new problems). */
struct poisson_source {
	struct poisson_rate rate;      /* PTRS for mu past INVERSION_VARIANCE */
	const struct cdf_table *table; /* NULL: built draw by draw (or mu past the tables) */
};

void poisson_source_init(struct poisson_source *source, double mu,
			 struct inversion_tables *tables);
int64_t poisson_source_draw(const struct poisson_source *source, struct rng *r);

#endif

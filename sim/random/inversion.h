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

#include <stdatomic.h>
#include <stdint.h>

#include "rng.h"
#include "sample.h"

#define INVERSION_VARIANCE 100.0
#define INVERSION_N 4096

/* A kept table's search starts where its guide says: one entry for each
 * 1/INVERSION_GUIDE of [0, 1), indexed by a uniform's top bits. */
#define INVERSION_GUIDE_BITS 6
#define INVERSION_GUIDE (1 << INVERSION_GUIDE_BITS)

/* The tables of one run (one per run, shared by its threads). */
struct inversion_tables;

/* NULL when out of memory. */
struct inversion_tables *inversion_tables_new(void);
void inversion_tables_free(struct inversion_tables *tables);
/* Bytes the tables hold now. */
size_t inversion_tables_bytes(const struct inversion_tables *tables);

/*
 * One kept table (read-only once made; its fields are here for the inline
 * draws below, never to be written outside inversion.c).
 *
 * A draw's uniform is u = m 2^-53 for 53 random bits m, and it stops at the
 * first x whose cumulative probability F(x) reaches u. Since F(x) < m 2^-53
 * exactly when floor(F(x) 2^53) < m (m is whole), the table keeps
 * cut = floor(F(x) 2^53) as integers and compares m to them: the same
 * draws without converting m to a double. Only the entries a uniform with
 * m >= 1 can stop at are kept, from the first whose cut reaches 1 to the
 * first whose cut reaches 2^53 - 1 (the largest m); m = 0 stops at the
 * span's first value. A sentinel past the last entry stops every search.
 */
struct cdf_table {
	double rate;            /* p or mu: a Poisson table's key */
	int64_t lo;             /* the span's first value: where m = 0 stops */
	int64_t base;           /* the value of entry 0 */
	int32_t width;          /* entries kept; cut[width] is the sentinel UINT64_MAX */
	int32_t reserved;
	uint8_t guide[INVERSION_GUIDE]; /* where the search for each top 6 bits of m starts */
	uint64_t cut[];         /* [width + 1] */
};

/* The tables of one p, by n, built on first use. */
struct binomial_cdfs {
	double p;                               /* the key, first like a table's */
	int64_t n_max;
	struct inversion_tables *owner;
	_Atomic(struct cdf_table *) by_n[];     /* [n_max + 1] */
};

/* One draw from a kept table: the first value whose cumulative
 * probability reaches a uniform (again when the uniform falls in the tail
 * left out). One step past the guide's entry without a branch: nearly
 * every search ends there. */
static inline int64_t inversion_cdf_draw(const struct cdf_table *t, struct rng *r)
{
	const uint64_t *cut = t->cut;
	for (;;) {
		uint64_t m = rng_next(r) >> 11;
		uint32_t i = t->guide[m >> (53 - INVERSION_GUIDE_BITS)];
		i += cut[i] < m;
		if (__builtin_expect(cut[i] < m, 0))
			do
				i++;
			while (cut[i] < m);
		if (__builtin_expect(m == 0, 0))
			return t->lo;
		if (__builtin_expect(i < (uint32_t)t->width, 1))
			return t->base + i;
		/* u fell in the tail beyond the span (or rounding's last 1e-16): again */
	}
}

/* Binomial(n, p) at one p and varying n (a cell's weekly rectification). */
struct binomial_source {
	struct binomial_rate rate;     /* BTRS or inversion for n past n_max */
	int64_t n_max;                 /* by the tables up to here (-1: p is 0 or 1) */
	struct binomial_cdfs *cdfs;    /* NULL: the tables are built draw by draw */
};

/* TABLES may be NULL (every draw builds its table: the same values, slower). */
void inversion_binomial_init(struct binomial_source *source, double p,
			  struct inversion_tables *tables);
void inversion_binomial_prefetch(const struct binomial_source *source, int64_t n);

/* The draw of inversion_binomial_draw when n's table is not kept yet. */
int64_t inversion_binomial_draw_building(const struct binomial_source *source, struct rng *r,
				      int64_t n);

static inline int64_t inversion_binomial_draw(const struct binomial_source *source, struct rng *r,
					   int64_t n)
{
	if (n > source->n_max)
		return sample_binomial_at(r, n, &source->rate);
	if (n <= 0)
		return 0;
	const struct cdf_table *t =
		source->cdfs != NULL
			? atomic_load_explicit(&source->cdfs->by_n[n], memory_order_acquire)
			: NULL;
	if (__builtin_expect(t != NULL, 1))
		return inversion_cdf_draw(t, r);
	return inversion_binomial_draw_building(source, r, n);
}

/* Poisson(mu) at one mean (a cell's weekly new problems). */
struct poisson_source {
	struct poisson_rate rate;      /* PTRS for mu past INVERSION_VARIANCE */
	const struct cdf_table *table; /* NULL: built draw by draw (or mu past the tables) */
};

void inversion_poisson_init(struct poisson_source *source, double mu,
			 struct inversion_tables *tables);

/* The draw of inversion_poisson_draw without a kept table. */
int64_t inversion_poisson_draw_untabled(const struct poisson_source *source, struct rng *r);

static inline int64_t inversion_poisson_draw(const struct poisson_source *source, struct rng *r)
{
	if (__builtin_expect(source->table != NULL, 1))
		return inversion_cdf_draw(source->table, r);
	return inversion_poisson_draw_untabled(source, r);
}

#endif

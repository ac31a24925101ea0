/*
 * tally: what many replications add up to, in memory that does not grow
 * with their number.
 *
 * Floating-point sums depend on their order, so a tally is filled by one
 * thread over a fixed range of replications and tallies are merged in a
 * fixed order (runner.c). The histogram holds integers only, so its merge
 * order does not matter.
 */
#ifndef CCSIM_TALLY_H
#define CCSIM_TALLY_H

#include <stdint.h>

#include "replication.h"
#include "scenario.h"

/* Welford's running mean and sum of squared deviations. */
struct moments {
	double mean;
	double m2;
};

struct tally {
	int n_districts, n_categories, n_bands;
	int64_t n;
	int64_t passes;
	int64_t survey_vetoes, negative_vetoes, minors_vetoes;
	int64_t fails_below_threshold, fails_outranked; /* among failed replications */
	int64_t fails_survey_veto, fails_negative_veto, fails_minors_veto;
	int64_t *below_band;                  /* [bands]: Total < below */
	struct moments total, year;
	struct moments component[COMPONENT_COUNT];
	double rectification_sum;
	double *district_points_lost_sum;     /* [D] */
	double *district_sites_sum;           /* [D] */
	double *district_rank_last_sum;       /* [D] */
	double *category_points_lost_sum;     /* [C] */
};

/* Fixed-width histogram of Total: bin i holds [(base+i)/100, (base+i+1)/100). */
struct histogram {
	int64_t base;
	int64_t bins;
	uint64_t *counts;
};

/* A zeroed tally for S, or NULL when out of memory. */
struct tally *tally_new(const struct scenario *s);
void tally_free(struct tally *t);
void tally_reset(struct tally *t);

/* A tally as bytes, for another process of the job: exact, bit for bit.
 * tally_unpack fills T, made by tally_new for the same scenario. */
size_t tally_packed_size(const struct tally *t);
void tally_pack(const struct tally *t, unsigned char *out);
void tally_unpack(struct tally *t, const unsigned char *in);

/* Adds one replication's outcome (S gives the bands). */
void tally_add(struct tally *t, const struct scenario *s, const struct outcome *o);

/* Adds FROM into INTO (Chan's parallel update for the moments). */
void tally_merge(struct tally *into, const struct tally *from);

/* Adds X as the N-th observation (N counts X) of M. */
void moments_push(struct moments *m, int64_t n, double x);

/* Adds FROM (N_FROM observations) into INTO (N_INTO), Chan's update. */
void moments_merge(struct moments *into, int64_t n_into, const struct moments *from,
		   int64_t n_from);

/* Sample standard deviation (n - 1); 0 below two observations. */
double moments_sd(const struct moments *m, int64_t n);

struct histogram *histogram_new(const struct scenario *s);
void histogram_free(struct histogram *h);
void histogram_add(struct histogram *h, double total);
void histogram_merge(struct histogram *into, const struct histogram *from);

/* The centre of the bin holding the P-quantile (the smallest bin whose
 * cumulative count reaches ceil(P * n)); 0 for an empty histogram. */
double histogram_quantile(const struct histogram *h, double p);

/* The two-sided 95 % quantile of the standard normal, for every interval ccsim reports. */
#define Z95 1.959963984540054

/* Wilson score interval for SUCCESSES of N at normal quantile Z. */
void wilson_interval(int64_t successes, int64_t n, double z, double *lo, double *hi);

#endif

/*
 * tally: what many replications add up to, in memory that does not grow
 * with their number: counts, moments (moments.h) and sums. The distribution
 * of Total is a histogram (histogram.h), the intervals Wilson's (wilson.h).
 *
 * Floating-point sums depend on their order, so a tally is filled by one
 * thread over a fixed range of replications and tallies are merged in a
 * fixed order (runner.c).
 */
#ifndef CCSIM_TALLY_H
#define CCSIM_TALLY_H

#include <stdint.h>

#include "histogram.h"
#include "moments.h"
#include "replication.h"
#include "scenario.h"
#include "wilson.h"

/* What replications add up to for one uncertain input (docs/model.md 3.12). */
struct tally_input {
	struct moments value;        /* the drawn values (a relative input's multipliers) */
	struct moments u;            /* U_k */
	double co_total;             /* sum of (U_k - its mean) (Total - its mean) */
	int64_t in_third[3];         /* replications with U_k in [0, 1/3), [1/3, 2/3), [2/3, 1] */
	int64_t passes_in_third[3];
};

struct tally {
	int n_districts, n_categories, n_bands;
	int64_t n;
	int64_t passes;
	int64_t survey_vetoes, negative_vetoes, minors_vetoes;
	int64_t fails_below_threshold, fails_outranked; /* among failed replications */
	int64_t fails_survey_veto, fails_negative_veto, fails_minors_veto;
	int64_t *below_band;                  /* [bands]: Year < below (the annual score) */
	struct moments total, year;
	struct moments component[COMPONENT_COUNT];
	double rectification_sum;
	double *district_points_lost_sum;     /* [D] */
	double *district_sites_sum;           /* [D] */
	double *district_rank_last_sum;       /* [D] */
	double *district_rank_bottom_sum;     /* [D] */
	double *category_points_lost_sum;     /* [C] */
	int n_uncertain;
	struct tally_input *uncertain;        /* [n_uncertain]: the scenario's uncertain inputs */
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

/* Uncertain input K's Pearson correlation between U_k and Total (0 when
 * either never varied). */
double tally_input_correlation(const struct tally *t, int k);

/* P(pass) among the replications with U_k in third THIRD (0, 1, 2), or
 * NAN when none fell there. */
double tally_input_pass_share(const struct tally *t, int k, int third);

#endif

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

#endif

/*
 * calibrate: the model's weekly rates estimated from the office's reports
 * (README: "Calibrating from weekly reports"). Per district and category seen in the reports (a cell),
 * over its n weeks:
 *     rectification  r   ~ Beta(a0 + sum fixed, b0 + sum (O_prev - fixed)),
 *     rebound        rho ~ Beta(a0 + sum rebounded, b0 + sum (previous fixed - rebounded))
 *                          over the rows after the first,
 *     new problems   lambda ~ Gamma(0.5 + sum found, n) (shape, rate),
 * with a0 = b0 = 1, or with pooling a Beta fitted per category to all its
 * districts (pooling.h) for each of the two rates.
 *
 * The fit check simulates each cell's reported weeks from its first O_prev,
 * each path with its own posterior draw of (r, rho, lambda), and counts the
 * weeks whose reported open count lies inside the central 90 % predictive
 * band (between the order statistics at 5 % and 95 % of the paths, both
 * included); a cell with fewer than 70 % of its weeks inside is flagged.
 * Each cell draws from its own stream (seed, cell index), so the check is
 * the same whatever the number of threads.
 */
#ifndef CCSIM_CALIBRATE_H
#define CCSIM_CALIBRATE_H

#include <stdint.h>

#include "diag.h"
#include "pooling.h"
#include "reports.h"
#include "scenario.h"

#define CALIBRATE_PRIOR 1.0          /* a0 = b0 without pooling */
#define CALIBRATE_GAMMA_SHAPE 0.5    /* the new problems' prior shape (Jeffreys) */
#define CALIBRATE_INTERVAL 0.95      /* the intervals reported */
#define CALIBRATE_BAND_PERCENT 90    /* the fit check's predictive band */
#define CALIBRATE_FLAG_BELOW 0.70    /* a cell with a smaller share inside is flagged */
#define CALIBRATE_DRAWS 100          /* the fit check's paths per cell */
#define CALIBRATE_MIN_DRAWS 20       /* fewer paths are taken as this many */
#define CALIBRATE_SEED 20261122u     /* when neither the flags nor the scenario give one */

struct calibrate_options {
	int pool;          /* fit each category's priors to its districts */
	uint64_t seed;     /* the fit check's */
	int draws;         /* the fit check's paths per cell; 0: CALIBRATE_DRAWS */
	int threads;       /* 0: OpenMP's default */
};

/* A rate's posterior Beta(alpha, beta) = Beta(prior + successes, prior + failures). */
struct rate_posterior {
	double prior_alpha, prior_beta;
	int64_t successes, trials;
	double alpha, beta;
	double mean, low, high;   /* the mean and the central 95 % interval */
};

/* New problems' posterior Gamma(shape, rate) = Gamma(0.5 + total, weeks). */
struct count_posterior {
	int64_t total;
	double shape, rate;
	double mean, low, high;
};

struct cell_estimate {
	int district, category;
	int first_week, weeks;
	const struct report_row *rows;     /* the cell's rows, borrowed from the reports */
	int64_t open_before;               /* O_prev of the first row */
	int64_t open_last;                 /* the last row's open: the overlay's problems */
	struct cell was;                   /* the scenario's values */
	struct rate_posterior rectify, rebound;
	struct count_posterior arrivals;
	int inside;                        /* weeks inside the band */
	double share;                      /* inside / weeks */
	int flagged;                       /* share < CALIBRATE_FLAG_BELOW */
	int64_t *band;                     /* [3 * weeks]: each week's 5 %, 50 % and 95 % points */
};

struct calibration {
	int pooled;
	struct pooling_fit *rectify_prior;  /* [category], when pooled */
	struct pooling_fit *rebound_prior;
	int n_cells;
	struct cell_estimate *cells;        /* the cells with rows, in the scenario's order */
	int flagged;
	int n_rows, first_week, last_week;
	uint64_t seed;
	int draws;
	int64_t *bands;                     /* the storage of every cell's band */
};

/*
 * Estimates every cell of R (reports read for S) and runs the fit check.
 * Returns 0, or -1 with DIAG_NO_MEMORY in D.
 */
int calibrate_estimate(const struct scenario *s, const struct reports *r,
		       const struct calibrate_options *o, struct calibration *c, struct diag *d);

void calibrate_free(struct calibration *c);

#endif

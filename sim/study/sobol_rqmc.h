/*
 * sobol_rqmc: Sobol' first and total indices by randomized quasi-Monte
 * Carlo. R independent designs, each from its own scrambling of a 2k
 * dimensional Sobol' sequence (sobol_sequence.h): row j of A is the first
 * k coordinates of point j, row j of B the last k; the model runs at A, B
 * and A with column i from B (Saltelli et al. 2010's sampling). Each
 * design gives its own estimates (Saltelli 2010's first-order estimator,
 * Jansen's total); the indices are their mean over the designs and the 95 %
 * intervals Student's t on their spread, so the intervals need no
 * bootstrap and stay honest however smooth the output (test_sobol_rqmc
 * checks their coverage on the Ishigami function).
 */
#ifndef CCSIM_SOBOL_RQMC_H
#define CCSIM_SOBOL_RQMC_H

#include <stdint.h>

#include "sensitivity.h"

struct sobol_rqmc {
	int k;            /* inputs */
	int n;            /* rows of A and B a design, a power of 2 */
	int replicates;   /* independent designs, at least 2 */
	double *a, *b;    /* [replicates][n][k] in [0, 1) */
};

/*
 * Makes REPLICATES designs of N rows (N a power of 2, 2k at most
 * SOBOL_DIMENSIONS) for K inputs, their scramblings drawn from SEED.
 * 0, or -1 when out of memory or the sizes are out of range.
 */
int sobol_rqmc_make(struct sobol_rqmc *d, int k, int n, int replicates, uint64_t seed);
void sobol_rqmc_free(struct sobol_rqmc *d);

/* The model's points: replicates (k + 2) n. */
int sobol_rqmc_points(const struct sobol_rqmc *d);

/* Writes point P to X[k]: design P / ((k + 2) n), then block m (0 is A, 1
 * is B, 2 + i is A with column i from B) and row j, in that order. */
void sobol_rqmc_point(const struct sobol_rqmc *d, int p, double *x);

/*
 * The indices from Y[points] (in sobol_rqmc_point's order) into OUT's
 * arrays (k values each): means over the designs, 95 % Student t
 * intervals; OUT's variance is the mean of the designs' output variances.
 */
void sobol_rqmc_estimate(const struct sobol_rqmc *d, const double *y, struct sobol_indices *out);

/* Student's t quantile at 0.975 for DF >= 1 degrees of freedom (within
 * 1e-4 past 30, from the Cornish-Fisher expansion; tabled below). */
double sobol_rqmc_t975(int df);

#endif

/*
 * sensitivity: designs and estimators for global sensitivity analysis, on
 * inputs scaled to [0, 1]. The caller evaluates the model at the design's
 * points (for ccsim: a run of the scenario with the inputs set by path).
 *
 * Morris (1991) elementary effects on r random trajectories of k + 1 points
 * over a grid of p levels, with mu* (Campolongo et al. 2007); Sobol' first
 * and total indices by Saltelli's sampling with Jansen's estimators
 * (Saltelli et al. 2010, table 2), with bootstrap percentile intervals.
 */
#ifndef CCSIM_SENSITIVITY_H
#define CCSIM_SENSITIVITY_H

#include <stdint.h>

struct morris_design {
	int k, r, levels;
	double delta;          /* the step, levels / (2 (levels - 1)) */
	double *points;        /* [r * (k + 1)][k] */
	int *factor;           /* [r * k]: the factor step j of trajectory t changes */
	double *step;          /* [r * k]: +delta or -delta */
};

/* Draws R trajectories of K factors over LEVELS (even, >= 2) levels. 0 or -1 (memory). */
int sensitivity_morris_design_make(struct morris_design *d, int k, int r, int levels, uint64_t seed);
void sensitivity_morris_design_free(struct morris_design *d);

/* From Y[r * (k + 1)] at the design's points: per factor mu* (mean |EE|),
 * mu (mean EE) and sigma (sd of EE), in output units per unit of scaled input. */
void sensitivity_morris_effects(const struct morris_design *d, const double *y, double *mu_star, double *mu,
		    double *sigma);

struct sobol_design {
	int k, n;
	double *a, *b;         /* [n][k] uniforms on [0, 1) */
};

int sensitivity_sobol_design_make(struct sobol_design *d, int k, int n, uint64_t seed);
void sensitivity_sobol_design_free(struct sobol_design *d);

/* The evaluation blocks: 0 is A, 1 is B, 2 + i is A with column i from B. */
#define SOBOL_BLOCKS(k) ((k) + 2)

/* Writes row J of block M to X[k]. */
void sensitivity_sobol_point(const struct sobol_design *d, int m, int j, double *x);

struct sobol_indices {
	double *first, *first_lo, *first_hi;   /* [k] */
	double *total, *total_lo, *total_hi;   /* [k] */
	double variance;                        /* of the output over A and B */
};

/*
 * Jansen's estimators from Y[block * n + j], with BOOTSTRAP resamples (0:
 * intervals equal to the estimate) for 95 % percentile intervals. Arrays of
 * OUT must hold k values each. Returns 0, or -1 when out of memory.
 */
int sensitivity_sobol_estimate(const struct sobol_design *d, const double *y, int bootstrap, uint64_t seed,
		   struct sobol_indices *out);

#endif

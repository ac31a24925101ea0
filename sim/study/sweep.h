/*
 * sweep: a study's scenario at every point of a 1-D or 2-D grid of
 * parameters, on the same random numbers.
 */
#ifndef CCSIM_SWEEP_H
#define CCSIM_SWEEP_H

#include "design.h"

#define SWEEP_MAX_PARAMETERS 2

struct sweep_point {
	double values[SWEEP_MAX_PARAMETERS];
	struct design_point at;
};

/* The result document of sweep. */
struct sweep_result {
	struct study_header header;
	int n_parameters;
	struct design_input parameters[SWEEP_MAX_PARAMETERS];
	/* 1: the parameter takes whole numbers and some grid values were
	 * rounded (the points show the values really run) */
	int rounded[SWEEP_MAX_PARAMETERS];
	int n_points;                /* rows (first parameter) by columns (second) */
	struct sweep_point *points;
};

/*
 * Checks the N PARAMETERS (1 or 2, each with its steps) and runs every
 * point of their grid; a parameter that takes whole numbers runs its grid
 * values rounded, and a grid whose rounding runs a value twice is refused.
 * 0 with OUT filled (release with sweep_result_free),
 * or -1 with the reasons in D.
 */
int sweep_run(struct study *st, const struct design_input *parameters, int n,
	      struct sweep_result *out, struct diag *d);
void sweep_result_free(struct sweep_result *r);

#endif

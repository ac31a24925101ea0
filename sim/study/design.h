/*
 * design: a study's scenario evaluated at points of its inputs (the
 * parameters a sweep or a sensitivity analysis varies), every point on the
 * same random numbers.
 */
#ifndef CCSIM_DESIGN_H
#define CCSIM_DESIGN_H

#include "study.h"

struct distribution;

/* An input: a parameter path and its range. */
struct design_input {
	const char *path;
	double lo, hi;
	int steps;      /* a sweep's grid */
	int integer;    /* the path takes whole numbers: values are rounded */
	/* An uncertain input (docs/model.md 3.12; NULL: none): the value at unit u
	 * is DIST's quantile at p_lo + u (p_hi - p_lo), so lo and hi are its
	 * quantiles at p_lo and p_hi. */
	const struct distribution *dist;
	double p_lo, p_hi;
};

/* The input's value at UNIT in [0, 1] of its range. */
double design_value(const struct design_input *in, double unit);

/* What a run at one point gave. */
struct design_point {
	double pass, lo, hi;    /* P(pass) and its 95 % Wilson interval */
	double total_mean, total_sd;
};

/*
 * Checks that every input's low and high make a valid variant (before any
 * replication) and learns which take whole numbers. 0, or -1 with the
 * reasons in D.
 */
int design_check_inputs(struct study *st, struct design_input *inputs, int k, struct diag *d);


/* The scenario with SETTINGS[K] run with the study's options (no
 * precision), all its threads on this one point. 0, or -1 with D. */
int design_run_point(struct study *st, struct parameter_setting *settings, int k,
		     struct design_point *out, struct diag *d);

/*
 * The base and N points, point P the scenario with the one setting
 * SETTINGS[P], run in lockstep with the study's options (no precision):
 * one run of N + 1 variants sharing its threads and tables, each variant
 * drawing what it draws alone. 0 with BASE and OUT[N], or -1 with D.
 */
int design_run_base_and_points(struct study *st, struct parameter_setting *settings, int n,
			       struct design_point *base, struct design_point *out, struct diag *d);

/*
 * Runs the scenario at the unit points X[count][k] of INPUTS into
 * PASS[count] and TOTAL[count]. A design has many points of few
 * replications each, so the points, not the replications, are shared among
 * the processes (in blocks) and, within one, among its threads; each
 * point's run is the same whatever process or thread runs it. The points
 * come in groups of GROUP (COUNT a multiple of it; else 1), each prepared
 * and run in lockstep by one thread: the cells a point draws as its
 * group's first point does are drawn once, and the group's tables are
 * shared (a design whose points differ from a group's first in a few
 * inputs draws little more than that first). 0, or -1 with the first
 * failed point's reasons in D, as when each point ran alone.
 */
int design_evaluate(struct study *st, const struct design_input *inputs, int k, const double *x,
		    int count, int group, double *pass, double *total, struct diag *d);

#endif

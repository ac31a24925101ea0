/*
 * solve: the value of one parameter at which P(pass) reaches a target,
 * by bisection on common random numbers (P(pass) taken as monotone in the
 * parameter over the range).
 */
#ifndef CCSIM_SOLVE_H
#define CCSIM_SOLVE_H

#include "design.h"

struct solve_problem {
	const char *path;
	double lo, hi;         /* the range searched */
	double target;         /* the P(pass) sought, in (0, 1) */
	double tolerance;      /* the bracket's width at the end */
};

/* One end of the bracket: the value and what a run there gave. */
struct solve_end {
	double value;
	struct design_point at;
};

/* The result document of solve. */
struct solve_result {
	struct study_header header;
	struct solve_problem problem;
	int integer;               /* the path takes whole numbers */
	int found;                 /* 0: the target lies outside the range */
	/* found: the bracket, REACHED the end where P(pass) >= target and
	 * MISSED the other, |reached - missed| <= tolerance (or 1 for whole
	 * numbers); not found: the range's ends, low and high */
	struct solve_end reached, missed;
	int evaluations;           /* runs, each of the study's replications */
};

/*
 * Checks PROBLEM's path and range (before any replication), runs both ends
 * and, when the target lies between them, bisects. 0 with OUT filled, or -1
 * with the reasons in D.
 */
int solve_run(struct study *st, const struct solve_problem *problem, struct solve_result *out,
	      struct diag *d);

#endif

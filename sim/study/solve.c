#include "solve.h"

#include <math.h>
#include <string.h>

/* A run of the scenario with the path at VALUE (the study's seed: every
 * value on the same random numbers). */
static int run_at(struct study *st, const char *path, double value, struct solve_end *out,
		  struct diag *d)
{
	struct parameter_setting set = {path, value, 0, 0};
	out->value = value;
	return design_run_point(st, &set, 1, &out->at, d);
}

int solve_run(struct study *st, const struct solve_problem *problem, struct solve_result *out,
	      struct diag *d)
{
	memset(out, 0, sizeof *out);
	out->header = study_header(st, "solve");
	out->problem = *problem;
	struct design_input in = {.path = problem->path, .lo = problem->lo, .hi = problem->hi};
	if (design_check_inputs(st, &in, 1, d) != 0)
		return -1;
	out->integer = in.integer;
	double lo = in.integer ? round(problem->lo) : problem->lo;
	double hi = in.integer ? round(problem->hi) : problem->hi;
	double width = in.integer ? fmax(1.0, problem->tolerance) : problem->tolerance;
	struct solve_end a, b;
	if (run_at(st, problem->path, lo, &a, d) != 0 || run_at(st, problem->path, hi, &b, d) != 0)
		return -1;
	out->evaluations = 2;
	int a_reached = a.at.pass >= problem->target, b_reached = b.at.pass >= problem->target;
	if (a_reached == b_reached) {
		out->reached = a; /* not found: the range's ends, low and high */
		out->missed = b;
		return 0;
	}
	out->found = 1;
	while (fabs(b.value - a.value) > width * (1.0 + 1e-12)) {
		double mid = 0.5 * (a.value + b.value);
		if (in.integer)
			mid = floor(mid);
		if (mid == a.value || mid == b.value)
			break;
		struct solve_end m;
		if (run_at(st, problem->path, mid, &m, d) != 0)
			return -1;
		out->evaluations++;
		if ((m.at.pass >= problem->target) == a_reached)
			a = m;
		else
			b = m;
	}
	out->reached = a_reached ? a : b;
	out->missed = a_reached ? b : a;
	return 0;
}

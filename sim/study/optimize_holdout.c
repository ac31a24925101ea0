/*
 * The holdout of optimize (optimize.h): the final plan against the base and
 * the even spread on a stream of its own, replications past every index
 * the search ran (docs/model.md, "Budgets across levers").
 */
#include "optimize.h"
#include "optimize_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "wilson.h"

uint64_t optimize_holdout_seed(uint64_t seed)
{
	uint64_t z = seed + UINT64_C(0x9E3779B97F4A7C15);
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	z ^= z >> 31;
	z &= UINT64_C(0x7FFFFFFFFFFFFFFF); /* a seed a file or --seed may give */
	return z == seed ? (z + 1) & UINT64_C(0x7FFFFFFFFFFFFFFF) : z;
}

static struct optimize_estimate wilson(const struct run_result *r)
{
	struct optimize_estimate e = {study_pass_share(r), 0.0, 0.0};
	wilson_interval(r->tally->passes, r->tally->n, Z95, &e.lo, &e.hi);
	return e;
}

static struct optimize_estimate paired(const struct pairing *p, double sign)
{
	double mean = sign * p->pass_difference.mean + 0.0;  /* never -0 */
	double half = pairing_half_width(&p->pass_difference, p->n);
	struct optimize_estimate e = {mean, mean - half + 0.0, mean + half};
	return e;
}

/*
 * Each lever's steps in the plan dealt out evenly over its districts in
 * whole steps, a step at a time in the districts' order, past any that
 * would go above max: every district gets the same number of steps or
 * one more (the first ones), as a planner spreading the same resources
 * evenly could, spending what the plan spends where max allows.
 */
static void spread_evenly(struct optimize_result *r)
{
	for (int l = 0; l < r->problem.n_levers; l++) {
		struct optimize_lever_plan *p = &r->plans[l];
		const struct optimize_lever *lever = &r->levers[l];
		double units = 0.0;
		for (int t = 0; t < p->n_targets; t++) {
			units += p->amounts[t] - p->start[t];
			p->even[t] = p->start[t];
		}
		int64_t steps = lever->step > 0.0 ? (int64_t)llround(units / lever->step) : 0;
		int t = 0, blocked = 0;
		while (steps > 0 && blocked < p->n_targets) {
			if (p->even[t] + lever->step <= lever->max * (1.0 + 1e-12)) {
				p->even[t] += lever->step;
				steps--;
				blocked = 0;
			} else {
				blocked++;
			}
			t = (t + 1) % p->n_targets;
		}
	}
}

/* optimize_int.h */
int optimize_holdout(struct study *st, struct optimize_result *r, const double *plan,
		     const struct run_options *run, struct diag *d)
{
	struct optimize_holdout *h = &r->holdout;
	h->seed = optimize_holdout_seed(run->seed);
	h->first = (uint64_t)r->problem.max_reps; /* past every index the search ran */
	h->reps = r->problem.holdout_reps;
	int N = r->n_cells;
	spread_evenly(r);
	double *plans = calloc((size_t)N * 3 + 1, sizeof *plans);
	if (plans == NULL) {
		diag_no_memory(d, _("preparing the holdout"));
		return -1;
	}
	memcpy(plans, plan, (size_t)N * sizeof *plans);
	for (int l = 0; l < r->problem.n_levers; l++)
		for (int t = 0; t < r->plans[l].n_targets; t++) {
			plans[N + r->offset[l] + t] = r->plans[l].start[t];
			plans[2 * N + r->offset[l] + t] = r->plans[l].even[t];
		}
	int status = optimize_probe(st, r, &plans[2 * N], run, h->even_reason, sizeof h->even_reason, d);
	if (status < 0) {
		free(plans);
		return -1;
	}
	h->even_available = status == 0;
	int rows = h->even_available ? 3 : 2;
	struct run_options at = *run;
	at.seed = h->seed;
	at.first = h->first;
	at.replications = h->reps;
	struct run_result results[3];
	struct pairing pairings[3];
	status = optimize_evaluate(st, r, plans, rows, &at, results, pairings, d);
	free(plans);
	if (status != 0)
		return -1;
	int complete = results[0].complete;
	if (complete) {
		h->done = 1;
		h->plan = wilson(&results[0]);
		h->base = wilson(&results[1]);
		h->vs_base = paired(&pairings[1], -1.0);  /* pairings hold base - plan */
		if (h->even_available) {
			h->even = wilson(&results[2]);
			h->vs_even = paired(&pairings[2], -1.0);
		}
	}
	for (int v = 0; v < rows; v++)
		run_result_free(&results[v]);
	return complete ? 0 : 1;
}

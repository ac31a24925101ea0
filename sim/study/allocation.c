#include "allocation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct split {
	int policy;
	const char *key;
	const double *amounts;
};

static int split_policy(struct scenario *s, void *context)
{
	const struct split *split = context;
	return scenario_split_policy(s, split->policy, split->key, split->amounts) < 0 ? -1 : 0;
}

int allocation_targets(const struct study *st, const struct allocation_problem *problem,
		       char ***names, struct diag *d)
{
	const struct scenario *s = st->base.scenario;
	*names = NULL;
	if (problem->policy < 0 || problem->policy >= s->n_policies) {
		diag_add_at(d, DIAG_INPUT, "ccsim allocate", 0, "%s has %d polic%s; --policy takes 1 to %d",
			    st->sources[0].file, s->n_policies, s->n_policies == 1 ? "y" : "ies",
			    s->n_policies);
		return -1;
	}
	const struct policy *policy = &s->policies[problem->policy];
	int n = policy->n_targets ? policy->n_targets : s->n_districts;
	*names = calloc((size_t)n, sizeof **names);
	int failed = *names == NULL;
	for (int i = 0; !failed && i < n; i++) {
		(*names)[i] = strdup(policy->n_targets ? policy->targets[i] : s->districts[i].name);
		failed = (*names)[i] == NULL;
	}
	if (failed) {
		for (int i = 0; *names && i < n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		diag_no_memory(d, "listing the policy's targets");
		return -1;
	}
	return n;
}

int allocation_evaluate(struct study *st, const struct allocation_problem *problem, int targets,
			const double *amounts, int n, struct run_result *results,
			struct pairing *pairings, struct diag *d)
{
	struct study_variant *prepared = calloc((size_t)n, sizeof *prepared);
	int status = prepared ? 0 : -1;
	if (prepared == NULL)
		diag_no_memory(d, "preparing the allocations");
	for (int i = 0; i < n && status == 0; i++) {
		struct split split = {problem->policy, problem->key, &amounts[(size_t)i * (size_t)targets]};
		status = study_prepare(st, 0, NULL, 0, split_policy, &split, &prepared[i], d);
	}
	if (status == 0)
		status = study_run_variants(prepared, n, &st->run, results, pairings, d);
	for (int i = 0; prepared && i < n; i++)
		study_variant_free(&prepared[i]);
	free(prepared);
	return status;
}

void allocation_free(struct allocation *a)
{
	for (int i = 0; i < a->n_targets; i++)
		free(a->targets[i]);
	free(a->targets);
	free(a->amounts);
	free(a->steps);
	memset(a, 0, sizeof *a);
}

int allocation_greedy(struct study *st, const struct allocation_problem *problem,
		    struct allocation *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	out->header = study_header(st, "allocate");
	out->problem = *problem;
	int targets = allocation_targets(st, problem, &out->targets, d);
	if (targets < 0)
		return -1;
	out->n_targets = targets;
	int steps = (int)floor(problem->budget / problem->step + 1e-9);
	int n = targets + 1;
	out->amounts = calloc((size_t)targets + 1, sizeof *out->amounts);
	out->steps = calloc((size_t)steps + 1, sizeof *out->steps);
	double *amounts = calloc((size_t)n * (size_t)targets, sizeof *amounts);
	struct run_result *results = calloc((size_t)n, sizeof *results);
	struct pairing *pairings = calloc((size_t)n, sizeof *pairings);
	int status = out->amounts && out->steps && amounts && results && pairings ? 0 : -1;
	if (status != 0)
		diag_no_memory(d, "preparing the allocation");

	for (int k = 0; k < steps && status == 0; k++) {
		/* row 0: the allocation so far; row 1 + d: one more step to district d */
		for (int v = 0; v < n; v++) {
			memcpy(&amounts[(size_t)v * (size_t)targets], out->amounts,
			       (size_t)targets * sizeof *amounts);
			if (v > 0)
				amounts[(size_t)v * (size_t)targets + (size_t)(v - 1)] += problem->step;
		}
		status = allocation_evaluate(st, problem, targets, amounts, n, results, pairings, d);
		if (status != 0)
			break;
		int best = 1;
		for (int v = 2; v < n; v++) {
			double gain = pairings[v].pass_difference.mean;
			double top = pairings[best].pass_difference.mean;
			if (gain > top || (gain == top && pairings[v].total_difference.mean >
							   pairings[best].total_difference.mean))
				best = v;
		}
		struct allocation_step *step = &out->steps[out->n_steps++];
		const struct pairing *p = &pairings[best];
		double half = pairing_half_width(&p->pass_difference, p->n);
		step->district = best - 1;
		out->amounts[best - 1] += problem->step;
		step->amount = out->amounts[best - 1];
		step->gain = p->pass_difference.mean;
		step->gain_lo = step->gain - half;
		step->gain_hi = step->gain + half;
		step->total_gain = p->total_difference.mean;
		const struct tally *t = results[best].tally;
		step->pass = (double)t->passes / (double)t->n;
		wilson_interval(t->passes, t->n, Z95, &step->pass_lo, &step->pass_hi);
		step->total_mean = t->total.mean;
		for (int v = 0; v < n; v++)
			run_result_free(&results[v]);
	}
	free(amounts);
	free(results);
	free(pairings);
	if (status != 0)
		allocation_free(out);
	return status;
}

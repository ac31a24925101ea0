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
	free(a->skipped);
	memset(a, 0, sizeof *a);
}

/*
 * Tries AMOUNTS (one district given its next step) on a single replication:
 * 0 when the policy's plugin takes it, 1 when it refuses the amount (its
 * message in SKIP->reason), -1 on any other failure (in D).
 */
static int probe(struct study *st, const struct allocation_problem *problem, int targets,
		 const double *amounts, struct allocation_skip *skip, struct diag *d)
{
	struct run_options saved = st->run;
	st->run.replications = 1;
	st->run.precision = 0.0;
	struct run_result result;
	struct pairing pairing;
	struct diag probed;
	diag_init(&probed, NULL);
	int status = allocation_evaluate(st, problem, targets, amounts, 1, &result, &pairing, &probed);
	st->run = saved;
	if (status == 0) {
		run_result_free(&result);
		diag_free(&probed);
		return 0;
	}
	enum diag_kind worst = diag_worst(&probed);
	if (probed.count == 0 || (worst != DIAG_INPUT && worst != DIAG_PLUGIN)) {
		diag_move(d, &probed);
		return -1;
	}
	diag_format(&probed, &probed.entries[0], skip->reason, sizeof skip->reason);
	diag_free(&probed);
	return 1;
}

/* The candidates' order of merit: P(pass) gained, ties by mean Total. */
static int better(const struct pairing *a, const struct pairing *b)
{
	double ga = a->pass_difference.mean, gb = b->pass_difference.mean;
	return ga > gb || (ga == gb && a->total_difference.mean > b->total_difference.mean);
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
	out->skipped = calloc((size_t)targets + 1, sizeof *out->skipped);
	double *amounts = calloc((size_t)n * (size_t)targets, sizeof *amounts);
	struct run_result *results = calloc((size_t)n, sizeof *results);
	struct pairing *pairings = calloc((size_t)n, sizeof *pairings);
	int *candidate = calloc((size_t)n, sizeof *candidate);  /* row -> district */
	int *state = calloc((size_t)targets + 1, sizeof *state); /* 0 unknown, 1 takes, 2 refused */
	int status = out->amounts && out->steps && out->skipped && amounts && results && pairings &&
		     candidate && state ? 0 : -1;
	if (status != 0)
		diag_no_memory(d, "preparing the allocation");

	for (int k = 0; k < steps && status == 0; k++) {
		/* each district's next step, tried once: a refused amount is skipped */
		for (int t = 0; t < targets && status == 0; t++) {
			if (state[t] != 0)
				continue;
			memcpy(amounts, out->amounts, (size_t)targets * sizeof *amounts);
			amounts[t] += problem->step;
			struct allocation_skip *skip = &out->skipped[out->n_skipped];
			int refused = probe(st, problem, targets, amounts, skip, d);
			if (refused < 0)
				status = -1;
			else if (refused) {
				skip->district = t;
				skip->amount = amounts[t];
				out->n_skipped++;
			}
			state[t] = refused ? 2 : 1;
		}
		/* row 0: the allocation so far; row 1 + c: one more step to candidate c */
		int rows = 1;
		for (int t = 0; t < targets; t++)
			if (state[t] == 1)
				candidate[rows++] = t;
		if (status != 0 || rows == 1)
			break;
		for (int v = 0; v < rows; v++) {
			memcpy(&amounts[(size_t)v * (size_t)targets], out->amounts,
			       (size_t)targets * sizeof *amounts);
			if (v > 0)
				amounts[(size_t)v * (size_t)targets + (size_t)candidate[v]] += problem->step;
		}
		status = allocation_evaluate(st, problem, targets, amounts, rows, results, pairings, d);
		if (status != 0)
			break;
		int best = 1, second = 0;
		for (int v = 2; v < rows; v++)
			if (better(&pairings[v], &pairings[best])) {
				second = best;
				best = v;
			} else if (second == 0 || better(&pairings[v], &pairings[second])) {
				second = v;
			}
		const struct pairing *p = &pairings[best];
		if (p->pass_difference.mean <= 0.0) {
			out->no_gain = 1;
		} else {
			struct allocation_step *step = &out->steps[out->n_steps++];
			double half = pairing_half_width(&p->pass_difference, p->n);
			step->district = candidate[best];
			out->amounts[candidate[best]] += problem->step;
			state[candidate[best]] = 0;
			step->amount = out->amounts[candidate[best]];
			step->gain = p->pass_difference.mean;
			step->gain_lo = step->gain - half;
			step->gain_hi = step->gain + half;
			step->total_gain = p->total_difference.mean;
			const struct tally *t = results[best].tally;
			step->pass = (double)t->passes / (double)t->n;
			wilson_interval(t->passes, t->n, Z95, &step->pass_lo, &step->pass_hi);
			step->total_mean = t->total.mean;
			step->resolved = 1;
			if (second > 0) {
				const struct pairing *q = &pairings[second];
				double runner_hi = q->pass_difference.mean +
						   pairing_half_width(&q->pass_difference, q->n);
				step->resolved = step->gain_lo > runner_hi;
			}
			out->unresolved += !step->resolved;
		}
		for (int v = 0; v < rows; v++)
			run_result_free(&results[v]);
		if (out->no_gain)
			break;
	}
	out->unspent = problem->budget - problem->step * out->n_steps;
	if (out->unspent < 1e-9 * problem->budget)
		out->unspent = 0.0;
	free(amounts);
	free(results);
	free(pairings);
	free(candidate);
	free(state);
	if (status != 0)
		allocation_free(out);
	return status;
}

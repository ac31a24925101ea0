#include "optimize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"
#include "tally.h"
#include "text.h"
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

int optimize_scenario_levers(const struct study *st, struct optimize_lever *levers)
{
	const struct scenario *s = st->base.scenario;
	int n = s->n_levers < LIMIT_LEVERS ? s->n_levers : LIMIT_LEVERS;
	for (int i = 0; i < n; i++) {
		const struct lever *l = &s->levers[i];
		levers[i] = (struct optimize_lever){l->name, l->policy - 1, l->param, l->unit_cost,
						   l->step, l->max,
						   l->file ? l->file : st->sources[0].file, l->line};
	}
	return n;
}

int optimize_check(const struct study *st, const struct optimize_problem *problem, struct diag *d)
{
	const struct scenario *s = st->base.scenario;
	int before = d->count;
	char command[64];
	snprintf(command, sizeof command, "ccsim %s", problem->command ? problem->command : "optimize");
	for (int i = 0; i < problem->n_levers; i++) {
		const struct optimize_lever *l = &problem->levers[i];
		const char *file = l->file ? l->file : command;
		if (s->n_policies == 0) {
			diag_add_at(d, DIAG_INPUT, file, l->line,
				    "lever '%s': policy %d does not exist: the scenario has no policy (add "
				    "the one to spend to `policies`)", l->name, l->policy + 1);
			continue;
		}
		if (l->policy < 0 || l->policy >= s->n_policies) {
			diag_add_at(d, DIAG_INPUT, file, l->line,
				    "lever '%s': policy %d does not exist: the scenario has %d polic%s (give "
				    "1 to %d)", l->name, l->policy + 1, s->n_policies,
				    s->n_policies == 1 ? "y" : "ies", s->n_policies);
			continue;
		}
		double value;
		int kind = plugin_host_number(st->base.plugins, l->policy, l->param, &value);
		const char *plugin = s->policies[l->policy].plugin;
		if (kind == 0)
			diag_add_at(d, DIAG_INPUT, file, l->line,
				    "lever '%s': policy %d (%s) has no parameter '%s': name one of its "
				    "numeric parameters (ccsim plugins lists them)", l->name, l->policy + 1,
				    plugin, l->param);
		else if (kind < 0)
			diag_add_at(d, DIAG_INPUT, file, l->line,
				    "lever '%s': parameter '%s' of policy %d (%s) is not a number: a lever "
				    "spends a numeric parameter", l->name, l->param, l->policy + 1, plugin);
		if (!(l->unit_cost > 0.0) || !(l->step > 0.0) || !(l->max >= l->step))
			diag_add_at(d, DIAG_INPUT, file, l->line,
				    "lever '%s': unit cost %g and step %g must be positive and max %g at "
				    "least the step", l->name, l->unit_cost, l->step, l->max);
		for (int j = 0; j < i; j++)
			if (strcmp(problem->levers[j].name, l->name) == 0)
				diag_add_at(d, DIAG_INPUT, file, l->line,
					    "lever '%s' is named twice: give each lever its own name", l->name);
	}
	if (problem->n_levers < 1)
		diag_add_at(d, DIAG_INPUT, command, 0,
			    "no lever: give --lever NAME:POLICY:PARAM:UNIT_COST:STEP:MAX or `levers` in "
			    "the scenario");
	if (!(problem->budget > 0.0))
		diag_add_at(d, DIAG_INPUT, command, 0,
			    "no budget: give --budget B or `budget { total = B; }` in the scenario");
	return d->count > before ? -1 : 0;
}

/* ---- plans ------------------------------------------------------------ */

struct plan_context {
	const struct optimize_result *r;
	const double *plan;
};

/* Splits each lever's policy into one copy per target district holding the
 * plan's amount (levers on one policy: the copies get each of them). Policies
 * from the last, so that splitting one leaves the earlier ones' places. */
static int apply_plan(struct scenario *s, void *context)
{
	const struct plan_context *c = context;
	const struct optimize_result *r = c->r;
	for (int policy = s->n_policies - 1; policy >= 0; policy--) {
		int split = 0;
		for (int l = 0; l < r->problem.n_levers; l++) {
			if (r->levers[l].policy != policy)
				continue;
			const double *amounts = &c->plan[r->offset[l]];
			if (!split) {
				if (scenario_split_policy(s, policy, r->levers[l].param, amounts) < 0)
					return -1;
				split = 1;
				continue;
			}
			for (int t = 0; t < r->plans[l].n_targets; t++)
				if (scenario_split_policy(s, policy + t, r->levers[l].param, &amounts[t]) < 0)
					return -1;
		}
	}
	return 0;
}

/* Prepares the N plans as variants; 0, or -1 with the reasons in D. */
static int prepare_plans(struct study *st, const struct optimize_result *r, const double *plans,
			 int n, struct study_variant *variants, struct diag *d)
{
	for (int i = 0; i < n; i++) {
		struct plan_context c = {r, &plans[(size_t)i * (size_t)r->n_cells]};
		if (study_prepare(st, 0, NULL, 0, apply_plan, &c, &variants[i], d) != 0) {
			for (int j = 0; j < i; j++)
				study_variant_free(&variants[j]);
			return -1;
		}
	}
	return 0;
}

static void free_variants(struct study_variant *variants, int n)
{
	for (int i = 0; variants != NULL && i < n; i++)
		study_variant_free(&variants[i]);
}

int optimize_evaluate(struct study *st, const struct optimize_result *r, const double *plans, int n,
		      const struct run_options *run, struct run_result *results,
		      struct pairing *pairings, struct diag *d)
{
	struct study_variant *variants = calloc((size_t)n, sizeof *variants);
	if (variants == NULL) {
		diag_no_memory(d, "preparing the plans");
		return -1;
	}
	int status = prepare_plans(st, r, plans, n, variants, d);
	if (status == 0) {
		status = study_run_variants(variants, n, run, results, pairings, d);
		free_variants(variants, n);
	}
	free(variants);
	return status;
}

/*
 * Tries PLAN on a single replication: 0 when every plugin takes it, 1 when
 * one refuses it (its message in REASON), -1 on any other failure (in D).
 */
static int probe(struct study *st, const struct optimize_result *r, const double *plan,
		 const struct run_options *run, char *reason, size_t size, struct diag *d)
{
	struct run_options one = *run;
	one.replications = 1;
	one.precision = 0.0;
	one.progress = NULL;
	one.stop = NULL;
	struct run_result result;
	struct pairing pairing;
	struct diag probed;
	diag_init(&probed, NULL);
	int status = optimize_evaluate(st, r, plan, 1, &one, &result, &pairing, &probed);
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
	diag_format(&probed, &probed.entries[0], reason, size);
	diag_free(&probed);
	st->failed_file = NULL;
	return 1;
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

/* ---- set-up and release ----------------------------------------------- */

void optimize_free(struct optimize_result *r)
{
	for (int l = 0; r->plans != NULL && l < r->problem.n_levers; l++) {
		struct optimize_lever_plan *p = &r->plans[l];
		for (int t = 0; p->targets != NULL && t < p->n_targets; t++)
			free(p->targets[t]);
		free(p->targets);
		free(p->start);
		free(p->amounts);
		free(p->even);
	}
	for (int l = 0; r->levers != NULL && l < r->problem.n_levers; l++) {
		free((char *)r->levers[l].name);
		free((char *)r->levers[l].param);
		free((char *)r->levers[l].file);
	}
	free((char *)r->problem.unit);
	free(r->levers);
	free(r->plans);
	free(r->offset);
	free(r->steps);
	free(r->skipped);
	memset(r, 0, sizeof *r);
}

/* Copies the levers and finds each one's targets and starting amounts. */
static int set_up(const struct study *st, const struct optimize_problem *problem,
		  struct optimize_result *r, struct diag *d)
{
	const struct scenario *s = st->base.scenario;
	int L = problem->n_levers;
	r->problem.unit = text_copy(problem->unit ? problem->unit : "");
	r->levers = calloc((size_t)L, sizeof *r->levers);
	r->plans = calloc((size_t)L, sizeof *r->plans);
	r->offset = calloc((size_t)L + 1, sizeof *r->offset);
	if (r->problem.unit == NULL || r->levers == NULL || r->plans == NULL || r->offset == NULL)
		return -1;
	for (int l = 0; l < L; l++) {
		const struct optimize_lever *from = &problem->levers[l];
		struct optimize_lever *to = &r->levers[l];
		*to = *from;
		to->name = text_copy(from->name);
		to->param = text_copy(from->param);
		to->file = from->file ? text_copy(from->file) : NULL;
		if (to->name == NULL || to->param == NULL || (from->file && to->file == NULL))
			return -1;
		const struct policy *policy = &s->policies[from->policy];
		struct optimize_lever_plan *p = &r->plans[l];
		int n = policy->n_targets ? policy->n_targets : s->n_districts;
		p->targets = calloc((size_t)n, sizeof *p->targets);
		p->start = calloc((size_t)n, sizeof *p->start);
		p->amounts = calloc((size_t)n, sizeof *p->amounts);
		p->even = calloc((size_t)n, sizeof *p->even);
		if (!p->targets || !p->start || !p->amounts || !p->even)
			return -1;
		p->n_targets = n;
		double start = 0.0;
		if (!problem->from_zero)
			plugin_host_number(st->base.plugins, from->policy, from->param, &start);
		for (int t = 0; t < n; t++) {
			p->targets[t] = text_copy(policy->n_targets ? policy->targets[t] : s->districts[t].name);
			if (p->targets[t] == NULL)
				return -1;
			p->start[t] = p->amounts[t] = p->even[t] = start;
		}
		r->offset[l + 1] = r->offset[l] + n;
	}
	r->n_cells = r->offset[L];
	int most = r->n_cells + 1;
	r->steps = calloc((size_t)LIMIT_OPTIMIZE_STEPS + 1, sizeof *r->steps);
	r->skipped = calloc((size_t)most * 4 + 4, sizeof *r->skipped);
	if (r->steps == NULL || r->skipped == NULL)
		return -1;
	(void)d;
	return 0;
}

/* The lever and district of cell C. */
static void cell_place(const struct optimize_result *r, int c, int *lever, int *district)
{
	int l = 0;
	while (c >= r->offset[l + 1])
		l++;
	*lever = l;
	*district = c - r->offset[l];
}

/* ---- one step --------------------------------------------------------- */

/* What a step's evaluation left: the best candidate and how sure. */
struct choice {
	int best;                /* row, >= 1 */
	double advantage_lo;     /* the least lower bound of its advantage over another */
	int resolved;
};

/* The candidate rows' order of merit: P(pass) gained per cost, ties by mean Total per cost. */
static struct choice choose(const struct pairing *pairings, const double *cost, int rows, double delta)
{
	struct choice c = {1, INFINITY, 1};
	for (int v = 2; v < rows; v++) {
		double a = pairings[v].pass_difference.mean / cost[v];
		double b = pairings[c.best].pass_difference.mean / cost[c.best];
		double ta = pairings[v].total_difference.mean / cost[v];
		double tb = pairings[c.best].total_difference.mean / cost[c.best];
		if (a > b || (a == b && ta > tb))
			c.best = v;
	}
	/* the advantage over v, in P(pass) bought by the best's cost:
	 * g_best - g_v cost_best / cost_v; its spread bounded by
	 * sd(a - b) <= sd(a) + sd(b), the runner pairing each with the plan only */
	const struct pairing *p = &pairings[c.best];
	int64_t n = p->n;
	double sd_best = moments_sd(&p->pass_difference, n);
	for (int v = 1; v < rows; v++) {
		if (v == c.best)
			continue;
		double scale = cost[c.best] / cost[v];
		double advantage = p->pass_difference.mean - scale * pairings[v].pass_difference.mean;
		double sd = sd_best + scale * moments_sd(&pairings[v].pass_difference, n);
		double lo = advantage - (n > 1 ? Z95 * sd / sqrt((double)n) : INFINITY);
		if (lo < c.advantage_lo)
			c.advantage_lo = lo;
	}
	c.resolved = c.advantage_lo > -delta;
	return c;
}

/* The affordable candidates' cells into CELLS, each one's next step tried
 * first (a refused amount or one past max skips the district for good);
 * their number, or -1 on failure (in D). *AFFORDABLE: some step, skipped
 * or not, was affordable. */
static int candidates(struct study *st, struct optimize_result *r, double *plan, int *state,
		      double remaining, const struct run_options *run, int *cells, int *affordable,
		      struct diag *d)
{
	int k = 0;
	*affordable = 0;
	double slack = 1e-9 * r->problem.budget;
	for (int c = 0; c < r->n_cells; c++) {
		int l, t;
		cell_place(r, c, &l, &t);
		const struct optimize_lever *lever = &r->levers[l];
		if (lever->step * lever->unit_cost > remaining + slack)
			continue;
		*affordable = 1;
		if (state[c] == 0) {
			struct optimize_skip *skip = &r->skipped[r->n_skipped];
			double before = plan[c];
			plan[c] += lever->step;
			int refused = 0;
			if (plan[c] > lever->max * (1.0 + 1e-12)) {
				refused = 1;
				snprintf(skip->reason, sizeof skip->reason,
					 "%g would exceed the lever's max %g", plan[c], lever->max);
			} else {
				refused = probe(st, r, plan, run, skip->reason, sizeof skip->reason, d);
			}
			skip->amount = plan[c];
			plan[c] = before;
			if (refused < 0)
				return -1;
			if (refused) {
				skip->lever = l;
				skip->district = t;
				r->n_skipped++;
			}
			state[c] = refused ? 2 : 1;
		}
		if (state[c] == 1)
			cells[k++] = c;
	}
	return k;
}

/* P(pass) of the plan before any step, on the search's stream. */
static int run_base(struct study *st, struct optimize_result *r, const double *plan,
		    const struct run_options *run, struct diag *d)
{
	struct run_options base = *run;
	base.replications = r->problem.reps;
	struct run_result result;
	struct pairing pairing;
	if (optimize_evaluate(st, r, plan, 1, &base, &result, &pairing, d) != 0)
		return -1;
	r->base = wilson(&result);
	r->replications += result.replications;
	int complete = result.complete;
	run_result_free(&result);
	return complete ? 0 : 1;
}

/* Adds MORE (the same variants over the next range of replications) to
 * RESULTS and PAIRINGS, and releases it. */
static void accumulate(struct run_result *results, struct pairing *pairings, struct run_result *more,
		       const struct pairing *more_pairings, int rows)
{
	for (int v = 0; v < rows; v++) {
		tally_merge(results[v].tally, more[v].tally);
		histogram_merge(results[v].histogram, more[v].histogram);
		results[v].replications += more[v].replications;
		results[v].complete &= more[v].complete;
		if (v > 0)
			pairing_merge(&pairings[v], &more_pairings[v]);
		run_result_free(&more[v]);
	}
}

/*
 * One greedy step over the K candidate CELLS: 0 with the step taken (or
 * the stop recorded in R), 1 when interrupted, -1 on failure.
 */
static int step(struct study *st, struct optimize_result *r, double *plan, int *state,
		const int *cells, int K, const struct run_options *run, struct diag *d)
{
	int rows = K + 1;
	int N = r->n_cells;
	double *plans = calloc((size_t)rows * (size_t)N, sizeof *plans);
	double *cost = calloc((size_t)rows, sizeof *cost);
	struct study_variant *variants = calloc((size_t)rows, sizeof *variants);
	struct run_result *results = calloc((size_t)rows, sizeof *results);
	struct pairing *pairings = calloc((size_t)rows, sizeof *pairings);
	struct run_result *more = calloc((size_t)rows, sizeof *more);
	struct pairing *more_pairings = calloc((size_t)rows, sizeof *more_pairings);
	int status = plans && cost && variants && results && pairings && more && more_pairings ? 0 : -1;
	if (status != 0)
		diag_no_memory(d, "preparing a step");
	for (int v = 0; v < rows && status == 0; v++) {
		memcpy(&plans[(size_t)v * (size_t)N], plan, (size_t)N * sizeof *plan);
		if (v > 0) {
			int l, t;
			cell_place(r, cells[v - 1], &l, &t);
			plans[(size_t)v * (size_t)N + (size_t)cells[v - 1]] += r->levers[l].step;
			cost[v] = r->levers[l].step * r->levers[l].unit_cost;
		}
	}
	int prepared = status == 0 && prepare_plans(st, r, plans, rows, variants, d) == 0;
	if (status == 0 && !prepared)
		status = -1;
	struct choice choice = {1, INFINITY, 0};
	int64_t reps = r->problem.reps, done = 0;
	int have_results = 0;
	while (status == 0) {
		/* replications done .. reps - 1, added to those run before */
		struct run_options at = *run;
		at.first = (uint64_t)done;
		at.replications = reps - done;
		struct run_result *into = have_results ? more : results;
		struct pairing *pairs = have_results ? more_pairings : pairings;
		if (study_run_variants(variants, rows, &at, into, pairs, d) != 0) {
			status = -1;
			break;
		}
		r->replications += into[0].replications * rows;
		if (have_results)
			accumulate(results, pairings, more, more_pairings, rows);
		have_results = 1;
		done = reps;
		if (!results[0].complete) {
			status = 1;
			break;
		}
		choice = choose(pairings, cost, rows, r->problem.indifference);
		if (choice.resolved || reps >= r->problem.max_reps)
			break;
		reps = reps * 2 < r->problem.max_reps ? reps * 2 : r->problem.max_reps;
	}
	if (status == 0) {
		for (int v = 1; v < rows; v++) {
			int l, t;
			cell_place(r, cells[v - 1], &l, &t);
			if (pairings[v].only_variant + pairings[v].only_first > 0)
				r->plans[l].ever_changed = 1;
		}
		const struct pairing *p = &pairings[choice.best];
		if (!(p->pass_difference.mean > 0.0)) {
			r->stop = OPTIMIZE_STOP_NO_GAIN;
		} else {
			int c = cells[choice.best - 1];
			struct optimize_step *s = &r->steps[r->n_steps++];
			cell_place(r, c, &s->lever, &s->district);
			plan[c] += r->levers[s->lever].step;
			state[c] = 0;
			s->amount = plan[c];
			s->cost = cost[choice.best];
			r->spent += s->cost;
			s->cumulative = r->spent;
			s->gain = paired(p, 1.0);
			s->total_gain = p->total_difference.mean;
			s->pass = wilson(&results[choice.best]);
			s->reps = reps;
			s->advantage_lo = choice.advantage_lo;
			s->resolved = choice.resolved;
			r->unresolved += !s->resolved;
			r->plans[s->lever].n_steps++;
			r->plans[s->lever].spent += s->cost;
		}
	}
	for (int v = 0; have_results && v < rows; v++)
		run_result_free(&results[v]);
	if (prepared)
		free_variants(variants, rows);
	free(plans);
	free(cost);
	free(variants);
	free(results);
	free(pairings);
	free(more);
	free(more_pairings);
	return status;
}

/* ---- the holdout ------------------------------------------------------ */

/* Each lever's spend in the plan, spread evenly over its districts (capped at max). */
static void spread_evenly(struct optimize_result *r)
{
	for (int l = 0; l < r->problem.n_levers; l++) {
		struct optimize_lever_plan *p = &r->plans[l];
		double units = 0.0;
		for (int t = 0; t < p->n_targets; t++)
			units += p->amounts[t] - p->start[t];
		for (int t = 0; t < p->n_targets; t++) {
			double even = p->start[t] + units / p->n_targets;
			p->even[t] = even > r->levers[l].max && p->start[t] <= r->levers[l].max
					     ? r->levers[l].max : even;
		}
	}
}

/* The plan against the base and the even spread on the holdout's own
 * stream: 0, 1 when interrupted, -1 on failure. */
static int holdout(struct study *st, struct optimize_result *r, const double *plan,
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
		diag_no_memory(d, "preparing the holdout");
		return -1;
	}
	memcpy(plans, plan, (size_t)N * sizeof *plans);
	for (int l = 0; l < r->problem.n_levers; l++)
		for (int t = 0; t < r->plans[l].n_targets; t++) {
			plans[N + r->offset[l] + t] = r->plans[l].start[t];
			plans[2 * N + r->offset[l] + t] = r->plans[l].even[t];
		}
	int status = probe(st, r, &plans[2 * N], run, h->even_reason, sizeof h->even_reason, d);
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

/* ---- the whole ------------------------------------------------------- */

int optimize_run(struct study *st, const struct optimize_problem *problem,
		 const struct run_options *run, struct optimize_result *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	out->header = study_header(st, problem->command ? problem->command : "optimize");
	if (optimize_check(st, problem, d) != 0)
		return -1;
	out->problem = *problem;
	out->problem.unit = NULL;
	if (out->problem.max_reps < out->problem.reps)
		out->problem.max_reps = out->problem.reps;
	if (set_up(st, problem, out, d) != 0) {
		diag_no_memory(d, "preparing the plan");
		optimize_free(out);
		return -1;
	}
	int N = out->n_cells;
	double *plan = calloc((size_t)N + 1, sizeof *plan);
	int *state = calloc((size_t)N + 1, sizeof *state);  /* 0 untried, 1 takes its step, 2 skipped */
	int *cells = calloc((size_t)N + 1, sizeof *cells);
	int status = plan && state && cells ? 0 : -1;
	if (status != 0)
		diag_no_memory(d, "preparing the plan");
	for (int l = 0; status == 0 && l < problem->n_levers; l++)
		memcpy(&plan[out->offset[l]], out->plans[l].start,
		       (size_t)out->plans[l].n_targets * sizeof *plan);
	out->complete = 1;
	if (status == 0)
		status = run_base(st, out, plan, run, d);
	if (status == 0 && problem->target > 0.0 && out->base.value >= problem->target) {
		out->stop = OPTIMIZE_STOP_TARGET;
		out->target_reached = 1;
	} else {
		while (status == 0) {
			if (out->n_steps >= LIMIT_OPTIMIZE_STEPS) {
				out->stop = OPTIMIZE_STOP_BUDGET;
				break;
			}
			int affordable;
			int K = candidates(st, out, plan, state, problem->budget - out->spent, run, cells,
					   &affordable, d);
			if (K < 0) {
				status = -1;
				break;
			}
			if (K == 0) {
				out->stop = affordable ? OPTIMIZE_STOP_NO_CANDIDATE : OPTIMIZE_STOP_BUDGET;
				break;
			}
			int before = out->n_steps;
			status = step(st, out, plan, state, cells, K, run, d);
			if (status != 0 || out->n_steps == before)
				break; /* interrupted, failed or no gain (stop set) */
			const struct optimize_step *s = &out->steps[out->n_steps - 1];
			if (problem->target > 0.0 && s->pass.value >= problem->target) {
				out->stop = OPTIMIZE_STOP_TARGET;
				out->target_reached = 1;
				break;
			}
		}
	}
	if (status == 1) {
		out->stop = OPTIMIZE_STOP_INTERRUPTED;
		out->complete = 0;
		status = 0;
	}
	out->unspent = problem->budget - out->spent;
	if (out->unspent < 1e-9 * problem->budget)
		out->unspent = 0.0;
	for (int l = 0; status == 0 && l < problem->n_levers; l++) {
		struct optimize_lever_plan *p = &out->plans[l];
		memcpy(p->amounts, &plan[out->offset[l]], (size_t)p->n_targets * sizeof *plan);
		p->verdict = OPTIMIZE_LEVER_USED;
		if (p->n_steps > 0)
			continue;
		int skipped = 0;
		for (int t = 0; t < p->n_targets; t++)
			skipped += state[out->offset[l] + t] == 2;
		if (out->levers[l].step * out->levers[l].unit_cost > problem->budget * (1.0 + 1e-9))
			p->verdict = OPTIMIZE_LEVER_UNAFFORDABLE;
		else if (skipped == p->n_targets)
			p->verdict = OPTIMIZE_LEVER_OUT_OF_RANGE;
		else if (!p->ever_changed)
			p->verdict = OPTIMIZE_LEVER_NO_EFFECT;
		else
			p->verdict = OPTIMIZE_LEVER_NO_GAIN;
	}
	if (status == 0 && out->complete && problem->holdout_reps > 0) {
		status = holdout(st, out, plan, run, d);
		if (status == 1) {
			out->complete = 0;
			status = 0;
		}
	}
	out->header.replications = out->replications;
	free(plan);
	free(state);
	free(cells);
	if (status != 0)
		optimize_free(out);
	return status;
}

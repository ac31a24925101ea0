#include "optimize.h"
#include "optimize_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "i18n.h"
#include "text.h"
#include "wilson.h"

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

/* Prepares the N plans as variants, on the study's threads at once; 0, or
 * -1 with the reasons in D. */
static int prepare_plans(struct study *st, const struct optimize_result *r, const double *plans,
			 int n, struct study_variant *variants, struct diag *d)
{
	struct plan_context *c = calloc((size_t)n, sizeof *c);
	void **contexts = calloc((size_t)n, sizeof *contexts);
	if (c == NULL || contexts == NULL) {
		free(c);
		free(contexts);
		diag_no_memory(d, _("preparing the plans"));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		c[i] = (struct plan_context){r, &plans[(size_t)i * (size_t)r->n_cells]};
		contexts[i] = &c[i];
	}
	int status = study_prepare_each(st, 0, apply_plan, contexts, n, variants, d);
	free(c);
	free(contexts);
	return status;
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
		diag_no_memory(d, _("preparing the plans"));
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

/* optimize_int.h */
int optimize_probe(struct study *st, const struct optimize_result *r, const double *plan,
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

/* ---- records: every replication of a variant on the search's stream ---- */

/* A variant's pass (0 or 1) and Total in each of the search's replications
 * 0 .. n - 1: any two variants are then paired exactly, whatever runs they
 * came from, and the plan a step starts from keeps what the step before ran. */
struct record {
	unsigned char *passes;
	double *totals;
	int64_t n, size;
};

static void record_free(struct record *rec)
{
	free(rec->passes);
	free(rec->totals);
	memset(rec, 0, sizeof *rec);
}

static int record_reserve(struct record *rec, int64_t size)
{
	if (size <= rec->size)
		return 0;
	unsigned char *passes = realloc(rec->passes, (size_t)size);
	if (passes != NULL)
		rec->passes = passes;
	double *totals = realloc(rec->totals, (size_t)size * sizeof *totals);
	if (totals != NULL)
		rec->totals = totals;
	if (passes == NULL || totals == NULL)
		return -1;
	rec->size = size;
	return 0;
}

/* One variant of a step: the plan (row 0) or a candidate. */
struct row {
	struct study_variant variant;
	struct record rec;
	int live;                /* still run: not yet separated from the leader */
	int64_t want;            /* the replications it is to have after this round */
};

/*
 * Runs the rows WHICH[K] (each with rec.n == FROM) on replications FROM ..
 * TO - 1 and appends them to their records: 0, 1 when interrupted, -1 on
 * failure (in D).
 */
static int run_rows(struct optimize_result *r, struct row *rows, const int *which, int k, int64_t from,
		    int64_t to, const struct run_options *run, struct diag *d)
{
	int64_t count = to - from;
	struct study_variant *variants = calloc((size_t)k, sizeof *variants);
	struct run_result *results = calloc((size_t)k, sizeof *results);
	struct pairing *pairings = calloc((size_t)k, sizeof *pairings);
	unsigned char *passes = malloc((size_t)k * (size_t)count);
	double *totals = malloc((size_t)k * (size_t)count * sizeof *totals);
	int status = variants && results && pairings && passes && totals ? 0 : -1;
	for (int j = 0; j < k && status == 0; j++) {
		variants[j] = rows[which[j]].variant;
		if (record_reserve(&rows[which[j]].rec, to) != 0)
			status = -1;
	}
	if (status != 0)
		diag_no_memory(d, _("running a step"));
	struct run_options at = *run;
	at.first = (uint64_t)from;
	at.replications = count;
	at.passes = passes;
	at.totals = totals;
	if (status == 0 && study_run_variants(variants, k, &at, results, pairings, d) != 0)
		status = -1;
	if (status == 0) {
		r->replications += results[0].replications * k;
		if (!results[0].complete)
			status = 1;
		for (int j = 0; j < k; j++) {
			struct record *rec = &rows[which[j]].rec;
			memcpy(&rec->passes[from], &passes[(size_t)j * (size_t)count], (size_t)count);
			memcpy(&rec->totals[from], &totals[(size_t)j * (size_t)count],
			       (size_t)count * sizeof *totals);
			rec->n = to;
			run_result_free(&results[j]);
		}
	}
	free(variants);
	free(results);
	free(pairings);
	free(passes);
	free(totals);
	return status;
}

/*
 * The mean and standard deviation of A x_a + B x_b + C x_c over the
 * replications 0 .. M - 1 (x a row's pass, 0 or 1), from the counts of
 * the eight patterns: exact pairing of three variants.
 */
static void combine(const struct row *a, const struct row *b, const struct row *c, double A, double B,
		    double C, int64_t m, double *mean, double *sd)
{
	int64_t count[8] = {0};
	for (int64_t i = 0; i < m; i++)
		count[a->rec.passes[i] * 4 + b->rec.passes[i] * 2 + c->rec.passes[i]]++;
	double x[8], sum = 0.0;
	for (int k = 0; k < 8; k++) {
		x[k] = A * (k >> 2 & 1) + B * (k >> 1 & 1) + C * (k & 1);
		sum += (double)count[k] * x[k];
	}
	*mean = m > 0 ? sum / (double)m : 0.0;
	double squares = 0.0;
	for (int k = 0; k < 8; k++)
		squares += (double)count[k] * (x[k] - *mean) * (x[k] - *mean);
	*sd = m > 1 ? sqrt(squares / (double)(m - 1)) : 0.0;
}

/* ROW's paired gain in P(pass) over the plan PLAN, on its replications. */
static struct optimize_estimate gain_of(const struct row *row, const struct row *plan)
{
	double mean, sd;
	int64_t m = row->rec.n;
	combine(row, plan, plan, 1.0, -1.0, 0.0, m, &mean, &sd);
	double half = m > 1 ? Z95 * sd / sqrt((double)m) : INFINITY;
	struct optimize_estimate e = {mean + 0.0, mean - half + 0.0, mean + half};
	return e;
}

/* ROW's mean Total over the plan's, paired on ROW's replications. */
static double total_gain_of(const struct row *row, const struct row *plan)
{
	double sum = 0.0;
	for (int64_t i = 0; i < row->rec.n; i++)
		sum += row->rec.totals[i] - plan->rec.totals[i];
	return row->rec.n > 0 ? sum / (double)row->rec.n : 0.0;
}

/*
 * B's advantage over C in P(pass) bought by B's cost, g_B - g_C cost_B /
 * cost_C (g the paired gain over the plan P), on the replications both
 * ran: the mean and standard deviation of x_B - s x_C - (1 - s) x_P per
 * replication, s = cost_B / cost_C, paired exactly. Returns their number.
 */
static int64_t advantage(const struct row *b, const struct row *c, const struct row *p,
			 double cost_b, double cost_c, double *mean, double *sd)
{
	int64_t m = b->rec.n < c->rec.n ? b->rec.n : c->rec.n;
	double s = cost_b / cost_c;
	combine(b, c, p, 1.0, -s, s - 1.0, m, mean, sd);
	return m;
}

/* The lower end of the 95 % interval of a mean over M replications. */
static double lower_bound(double mean, double sd, int64_t m)
{
	return m > 1 ? mean - Z95 * sd / sqrt((double)m) : -INFINITY;
}

/* ---- one step --------------------------------------------------------- */

/*
 * The live candidate with the most P(pass) gained per cost (ties by mean
 * Total gained per cost, then the first); 0 when none is live.
 */
static int leader(const struct row *rows, const double *cost, int n_rows)
{
	int best = 0;
	double merit = 0.0, tie = 0.0;
	for (int v = 1; v < n_rows; v++) {
		if (!rows[v].live)
			continue;
		double a = gain_of(&rows[v], &rows[0]).value / cost[v];
		double t = total_gain_of(&rows[v], &rows[0]) / cost[v];
		if (best == 0 || a > merit || (a == merit && t > tie)) {
			best = v;
			merit = a;
			tie = t;
		}
	}
	return best;
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
				refused = optimize_probe(st, r, plan, run, skip->reason, sizeof skip->reason, d);
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

/* P(pass) of the plan before any step, on the search's stream, its
 * record kept in PLAN_RECORD for the first step. */
static int run_base(struct study *st, struct optimize_result *r, const double *plan,
		    const struct run_options *run, struct record *plan_record, struct diag *d)
{
	struct row row = {.live = 1};
	if (prepare_plans(st, r, plan, 1, &row.variant, d) != 0)
		return -1;
	int zero = 0;
	int status = run_rows(r, &row, &zero, 1, 0, r->problem.reps, run, d);
	study_variant_free(&row.variant);
	if (status == 0) {
		int64_t passes = 0;
		for (int64_t i = 0; i < row.rec.n; i++)
			passes += row.rec.passes[i];
		r->base.value = (double)passes / (double)row.rec.n;
		wilson_interval(passes, row.rec.n, Z95, &r->base.lo, &r->base.hi);
		*plan_record = row.rec;
	} else {
		record_free(&row.rec);
	}
	return status;
}

/*
 * Runs every live row on to its WANT (those that start at the same
 * replication together, in lockstep) and the plan as far as the furthest:
 * 0, 1 when interrupted, -1 on failure.
 */
static int run_wanted(struct optimize_result *r, struct row *rows, int n_rows, int *which,
		      const struct run_options *run, struct diag *d)
{
	rows[0].want = 0;
	for (int v = 1; v < n_rows; v++)
		if (rows[v].live && rows[v].want > rows[0].want)
			rows[0].want = rows[v].want;
	for (;;) {
		/* the earliest replication some row still needs, and how far all
		 * those starting there can go before another row joins or one stops */
		int64_t from = INT64_MAX;
		for (int v = 0; v < n_rows; v++)
			if ((v == 0 || rows[v].live) && rows[v].rec.n < rows[v].want && rows[v].rec.n < from)
				from = rows[v].rec.n;
		if (from == INT64_MAX)
			return 0;
		int64_t to = INT64_MAX;
		int k = 0;
		for (int v = 0; v < n_rows; v++) {
			if (!(v == 0 || rows[v].live) || rows[v].rec.n >= rows[v].want)
				continue;
			if (rows[v].rec.n == from) {
				which[k++] = v;
				if (rows[v].want < to)
					to = rows[v].want;
			} else if (rows[v].rec.n < to) {
				to = rows[v].rec.n;
			}
		}
		int status = run_rows(r, rows, which, k, from, to, run, d);
		if (status != 0)
			return status;
	}
}

/*
 * How far a rival not yet separated from the leader runs next: the
 * replications at which the half-width 1.96 SD / sqrt(n) of its advantage
 * MEAN would reach MEAN + delta, at least a quarter and at most half of
 * the M it has more, in whole chunks, at most max_reps.
 */
static int64_t next_want(const struct optimize_result *r, double mean, double sd, int64_t m)
{
	double most = (double)r->problem.max_reps;
	double want = mean + r->problem.indifference > 0.0
			      ? pow(Z95 * sd / (mean + r->problem.indifference), 2.0) : most;
	want = fmin(fmax(want, 1.25 * (double)m), fmin(1.5 * (double)m, most));
	int64_t n = ((int64_t)ceil(want) + RUNNER_CHUNK - 1) / RUNNER_CHUNK * RUNNER_CHUNK;
	return n < r->problem.max_reps ? n : r->problem.max_reps;
}

/*
 * One greedy step over the K candidate CELLS, the plan's record in
 * PLAN_RECORD (the chosen candidate's when the step is taken): 0 with the
 * step taken (or the stop recorded in R), 1 when interrupted, -1 on
 * failure. The rule (docs/model.md 7.6, and optimize.h):
 *
 * Every candidate is live and runs --reps replications at first. Each
 * round, the leader b is the live candidate with the most gain per cost;
 * every other candidate c whose advantage_lo(b, c) is above -delta is
 * separated from b and runs no more (one separated from an earlier leader
 * but not from b is live again); with no live candidate but b the step is
 * resolved. Otherwise each live c runs on to next_want, b as far as the
 * furthest of them and the plan as far as b; when none can run further
 * (max_reps), the step is taken unresolved.
 */
static int step(struct study *st, struct optimize_result *r, double *plan, int *state,
		const int *cells, int K, struct record *plan_record, const struct run_options *run,
		struct diag *d)
{
	int n_rows = K + 1;
	int N = r->n_cells;
	double delta = r->problem.indifference;
	double *plans = calloc((size_t)n_rows * (size_t)N, sizeof *plans);
	double *cost = calloc((size_t)n_rows, sizeof *cost);
	struct row *rows = calloc((size_t)n_rows, sizeof *rows);
	struct study_variant *variants = calloc((size_t)n_rows, sizeof *variants);
	int *which = calloc((size_t)n_rows, sizeof *which);
	int status = plans && cost && rows && variants && which ? 0 : -1;
	if (status != 0)
		diag_no_memory(d, _("preparing a step"));
	for (int v = 0; v < n_rows && status == 0; v++) {
		memcpy(&plans[(size_t)v * (size_t)N], plan, (size_t)N * sizeof *plan);
		if (v > 0) {
			int l, t;
			cell_place(r, cells[v - 1], &l, &t);
			plans[(size_t)v * (size_t)N + (size_t)cells[v - 1]] += r->levers[l].step;
			cost[v] = r->levers[l].step * r->levers[l].unit_cost;
		}
	}
	int prepared = status == 0 && prepare_plans(st, r, plans, n_rows, variants, d) == 0;
	if (status == 0 && !prepared)
		status = -1;
	for (int v = 0; prepared && v < n_rows; v++) {
		rows[v].variant = variants[v];
		rows[v].live = v > 0;
		rows[v].want = r->problem.reps;
	}
	if (status == 0) {
		rows[0].rec = *plan_record;  /* the plan's replications run before */
		memset(plan_record, 0, sizeof *plan_record);
	}
	int best = 0, resolved = 0;
	while (status == 0) {
		status = run_wanted(r, rows, n_rows, which, run, d);
		if (status != 0)
			break;
		best = leader(rows, cost, n_rows);
		int rivals = 0, further = 0;
		int64_t best_want = rows[best].rec.n;
		for (int v = 1; v < n_rows; v++) {
			if (v == best)
				continue;
			double mean, sd;
			int64_t m = advantage(&rows[best], &rows[v], &rows[0], cost[best], cost[v], &mean, &sd);
			rows[v].live = !(lower_bound(mean, sd, m) > -delta);
			if (!rows[v].live)
				continue;
			rivals++;
			int64_t want = next_want(r, mean, sd, m);
			rows[v].want = want > rows[v].rec.n ? want : rows[v].rec.n;
			if (want > best_want)
				best_want = want;
			further |= rows[v].want > rows[v].rec.n;
		}
		rows[best].want = best_want;
		further |= best_want > rows[best].rec.n;
		if (rivals == 0) {
			resolved = 1;
			break;
		}
		if (!further)
			break;
	}
	if (status == 0) {
		double least = INFINITY;
		for (int v = 1; v < n_rows; v++) {
			int l, t;
			cell_place(r, cells[v - 1], &l, &t);
			for (int64_t i = 0; i < rows[v].rec.n && !r->plans[l].ever_changed; i++)
				r->plans[l].ever_changed = rows[v].rec.passes[i] != rows[0].rec.passes[i];
			if (v != best) {
				double mean, sd;
				int64_t m = advantage(&rows[best], &rows[v], &rows[0], cost[best], cost[v], &mean, &sd);
				double lo = lower_bound(mean, sd, m);
				if (lo < least)
					least = lo;
			}
		}
		struct optimize_estimate gain = gain_of(&rows[best], &rows[0]);
		if (!(gain.value > 0.0)) {
			r->stop = OPTIMIZE_STOP_NO_GAIN;
		} else {
			int c = cells[best - 1];
			struct optimize_step *s = &r->steps[r->n_steps++];
			cell_place(r, c, &s->lever, &s->district);
			plan[c] += r->levers[s->lever].step;
			state[c] = 0;
			s->amount = plan[c];
			s->cost = cost[best];
			r->spent += s->cost;
			s->cumulative = r->spent;
			s->gain = gain;
			s->total_gain = total_gain_of(&rows[best], &rows[0]);
			int64_t passes = 0, m = rows[best].rec.n;
			for (int64_t i = 0; i < m; i++)
				passes += rows[best].rec.passes[i];
			s->pass.value = (double)passes / (double)m;
			wilson_interval(passes, m, Z95, &s->pass.lo, &s->pass.hi);
			s->reps = m;
			s->advantage_lo = least;
			s->resolved = resolved;
			r->unresolved += !s->resolved;
			r->plans[s->lever].n_steps++;
			r->plans[s->lever].spent += s->cost;
			/* the plan of the next step is this candidate: its replications stay */
			*plan_record = rows[best].rec;
			memset(&rows[best].rec, 0, sizeof rows[best].rec);
		}
	}
	if (status == 0 && r->stop == OPTIMIZE_STOP_NO_GAIN && rows != NULL) {
		*plan_record = rows[0].rec;  /* the plan stays */
		memset(&rows[0].rec, 0, sizeof rows[0].rec);
	}
	for (int v = 0; rows != NULL && v < n_rows; v++)
		record_free(&rows[v].rec);
	if (prepared)
		free_variants(variants, n_rows);
	free(plans);
	free(cost);
	free(rows);
	free(variants);
	free(which);
	return status;
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
		diag_no_memory(d, _("preparing the plan"));
		optimize_free(out);
		return -1;
	}
	int N = out->n_cells;
	double *plan = calloc((size_t)N + 1, sizeof *plan);
	int *state = calloc((size_t)N + 1, sizeof *state);  /* 0 untried, 1 takes its step, 2 skipped */
	int *cells = calloc((size_t)N + 1, sizeof *cells);
	int status = plan && state && cells ? 0 : -1;
	if (status != 0)
		diag_no_memory(d, _("preparing the plan"));
	for (int l = 0; status == 0 && l < problem->n_levers; l++)
		memcpy(&plan[out->offset[l]], out->plans[l].start,
		       (size_t)out->plans[l].n_targets * sizeof *plan);
	out->complete = 1;
	struct record plan_record = {0};
	if (status == 0)
		status = run_base(st, out, plan, run, &plan_record, d);
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
			status = step(st, out, plan, state, cells, K, &plan_record, run, d);
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
		status = optimize_holdout(st, out, plan, run, d);
		if (status == 1) {
			out->complete = 0;
			status = 0;
		}
	}
	out->header.replications = out->replications;
	record_free(&plan_record);
	free(plan);
	free(state);
	free(cells);
	if (status != 0)
		optimize_free(out);
	return status;
}

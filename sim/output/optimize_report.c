#include "optimize_report.h"

#include <jansson.h>
#include <math.h>

#include "decision_json.h"
#include "i18n.h"
#include "report.h"
#include "table.h"
#include "text_buffer.h"

const char *optimize_report_verdict(enum optimize_lever_verdict v)
{
	switch (v) {
	case OPTIMIZE_LEVER_USED: return "used";
	case OPTIMIZE_LEVER_NO_GAIN: return "no_gain";
	case OPTIMIZE_LEVER_NO_EFFECT: return "no_effect";
	case OPTIMIZE_LEVER_OUT_OF_RANGE: return "out_of_range";
	default: return "unaffordable";
	}
}

const char *optimize_report_stop(enum optimize_stop s)
{
	switch (s) {
	case OPTIMIZE_STOP_BUDGET: return "budget";
	case OPTIMIZE_STOP_NO_GAIN: return "no_gain";
	case OPTIMIZE_STOP_NO_CANDIDATE: return "no_candidate";
	case OPTIMIZE_STOP_TARGET: return "target";
	default: return "interrupted";
	}
}

/* ---- JSON ------------------------------------------------------------- */

static json_t *interval(double lo, double hi)
{
	return json_pack("[f, f]", lo, hi);
}

static json_t *estimate(const char *key, const struct optimize_estimate *e)
{
	return json_pack("{s:f, s:o}", key, e->value, "ci95", interval(e->lo, e->hi));
}

static const char *district(const struct optimize_result *r, int lever, int d)
{
	return r->plans[lever].targets[d];
}

static json_t *holdout_json(const struct optimize_result *r)
{
	const struct optimize_holdout *h = &r->holdout;
	if (!h->done)
		return json_null();
	json_t *o = json_pack("{s:I, s:I, s:I, s:f, s:o, s:o, s:o}", "seed", (json_int_t)h->seed,
			      "first_replication", (json_int_t)h->first, "replications", (json_int_t)h->reps, "pass_probability", h->plan.value,
			      "pass_ci95", interval(h->plan.lo, h->plan.hi), "base",
			      estimate("pass_probability", &h->base), "vs_base",
			      estimate("difference", &h->vs_base));
	json_object_set_new(o, "even", h->even_available ? estimate("pass_probability", &h->even)
							 : json_null());
	json_object_set_new(o, "vs_even", h->even_available ? estimate("difference", &h->vs_even)
							    : json_null());
	if (!h->even_available)
		json_object_set_new(o, "even_refused", json_string(h->even_reason));
	return o;
}

char *optimize_report_json(const struct optimize_result *r)
{
	const struct optimize_problem *p = &r->problem;
	json_t *root = decision_json_header(&r->header);
	if (root == NULL)
		return NULL;
	json_object_set_new(root, "budget", json_real(p->budget));
	json_object_set_new(root, "unit", json_string(p->unit ? p->unit : ""));
	json_object_set_new(root, "reps", json_integer((json_int_t)p->reps));
	json_object_set_new(root, "max_reps", json_integer((json_int_t)p->max_reps));
	json_object_set_new(root, "indifference", json_real(p->indifference));
	json_object_set_new(root, "target", p->target > 0.0 ? json_real(p->target) : json_null());
	json_t *levers = json_array(), *plan = json_array(), *steps = json_array();
	json_t *frontier = json_array(), *skipped = json_array();
	for (int l = 0; l < p->n_levers; l++) {
		const struct optimize_lever *v = &r->levers[l];
		const struct optimize_lever_plan *q = &r->plans[l];
		json_array_append_new(levers, json_pack("{s:s, s:i, s:s, s:f, s:f, s:f, s:f, s:i, s:s}",
			"name", v->name, "policy", v->policy + 1, "param", v->param, "unit_cost",
			v->unit_cost, "step", v->step, "max", v->max, "spent", q->spent, "steps",
			q->n_steps, "verdict", optimize_report_verdict(q->verdict)));
		for (int t = 0; t < q->n_targets; t++)
			json_array_append_new(plan, json_pack("{s:s, s:s, s:f, s:f, s:f}", "lever", v->name,
				"district", q->targets[t], "start", q->start[t], "amount", q->amounts[t],
				"even", q->even[t]));
	}
	json_array_append_new(frontier, json_pack("{s:i, s:f, s:f, s:o}", "step", 0, "cost", 0.0,
						  "pass_probability", r->base.value, "pass_ci95",
						  interval(r->base.lo, r->base.hi)));
	for (int i = 0; i < r->n_steps; i++) {
		const struct optimize_step *s = &r->steps[i];
		json_t *item = json_pack("{s:i, s:s, s:s, s:f, s:f, s:f, s:f, s:o, s:f, s:f, s:o, s:I, s:b}",
			"step", i + 1, "lever", r->levers[s->lever].name, "district",
			district(r, s->lever, s->district), "amount", s->amount, "cost", s->cost,
			"cumulative_cost", s->cumulative, "gain", s->gain.value, "gain_ci95",
			interval(s->gain.lo, s->gain.hi), "total_gain", s->total_gain,
			"pass_probability", s->pass.value, "pass_ci95", interval(s->pass.lo, s->pass.hi),
			"replications", (json_int_t)s->reps, "resolved", s->resolved);
		/* no other candidate: no advantage to bound */
		json_object_set_new(item, "advantage_lo", isfinite(s->advantage_lo)
							  ? json_real(s->advantage_lo) : json_null());
		json_array_append_new(steps, item);
		json_array_append_new(frontier, json_pack("{s:i, s:f, s:f, s:o}", "step", i + 1, "cost",
			s->cumulative, "pass_probability", s->pass.value, "pass_ci95",
			interval(s->pass.lo, s->pass.hi)));
	}
	for (int i = 0; i < r->n_skipped; i++) {
		const struct optimize_skip *k = &r->skipped[i];
		json_array_append_new(skipped, json_pack("{s:s, s:s, s:f, s:s}", "lever",
			r->levers[k->lever].name, "district", district(r, k->lever, k->district),
			"amount", k->amount, "reason", k->reason));
	}
	json_object_set_new(root, "levers", levers);
	json_object_set_new(root, "base", json_pack("{s:f, s:o}", "pass_probability", r->base.value,
						    "pass_ci95", interval(r->base.lo, r->base.hi)));
	json_object_set_new(root, "steps", steps);
	json_object_set_new(root, "frontier", frontier);
	json_object_set_new(root, "plan", plan);
	json_object_set_new(root, "skipped", skipped);
	json_object_set_new(root, "stop", json_string(optimize_report_stop(r->stop)));
	json_object_set_new(root, "resolved", json_boolean(r->unresolved == 0));
	json_object_set_new(root, "unresolved", json_integer(r->unresolved));
	json_object_set_new(root, "spent", json_real(r->spent));
	json_object_set_new(root, "unspent", json_real(r->unspent));
	if (p->target > 0.0) {
		json_object_set_new(root, "target_reached", json_boolean(r->target_reached));
		json_object_set_new(root, "budget_needed",
				    r->target_reached ? json_real(r->spent) : json_null());
	}
	json_object_set_new(root, "holdout", holdout_json(r));
	json_object_set_new(root, "complete", json_boolean(r->complete));
	return report_json_text(root);
}

/* ---- CSV -------------------------------------------------------------- */

char *optimize_report_csv(const struct optimize_result *r)
{
	struct text_buffer csv = {0};
	text_buffer_printf(&csv, "%s\n",
			   _("step,lever,district,amount,cost,cumulative_cost,gain,gain_ci95_lo,"
			     "gain_ci95_hi,pass_probability,pass_ci95_lo,pass_ci95_hi,replications,"
			     "resolved"));
	text_buffer_printf(&csv, "0,,,,0,0,,,,%.10g,%.10g,%.10g,%lld,\n", r->base.value, r->base.lo,
			   r->base.hi, (long long)r->problem.reps);
	for (int i = 0; i < r->n_steps; i++) {
		const struct optimize_step *s = &r->steps[i];
		text_buffer_printf(&csv, "%d,", i + 1);
		text_buffer_csv_field(&csv, r->levers[s->lever].name);
		text_buffer_printf(&csv, ",");
		text_buffer_csv_field(&csv, district(r, s->lever, s->district));
		text_buffer_printf(&csv, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%lld,%d\n",
				   s->amount, s->cost, s->cumulative, s->gain.value, s->gain.lo, s->gain.hi,
				   s->pass.value, s->pass.lo, s->pass.hi, (long long)s->reps, s->resolved);
	}
	return text_buffer_take(&csv);
}

/* ---- the terminal ----------------------------------------------------- */

static void print_table(struct table *t, FILE *out)
{
	if (t == NULL || table_print(t, out, 2) != 0)
		fprintf(out, _("(out of memory: the table could not be made)\n"));
	table_free(t);
}

static struct table *new_table(const char *const *headers, int n)
{
	struct table *t = table_new(n);
	for (int c = 0; t != NULL && c < n; c++)
		table_column(t, c, headers[c], c <= 2 ? TABLE_LEFT : TABLE_RIGHT, c <= 2 ? 24 : 0);
	return t;
}

static void print_steps(FILE *out, const struct optimize_result *r)
{
	const char *headers[] = {_("step"), _("lever"), _("district"), _("amount"), _("spent"),
				 _("gain in P(pass) [95 %]"), _("P(pass) after [95 %]"),
				 _("replications"), ""};
	struct table *t = new_table(headers, 9);
	if (t != NULL) {
		table_column(t, 8, "", TABLE_LEFT, 0);
		table_rowf(t, "0\t\t\t\t0\t\t%.2f%% [%.2f%%, %.2f%%]\t%lld\t", 100 * r->base.value,
			   100 * r->base.lo, 100 * r->base.hi, (long long)r->problem.reps);
	}
	for (int i = 0; t != NULL && i < r->n_steps; i++) {
		const struct optimize_step *s = &r->steps[i];
		table_rowf(t, "%d\t%s\t%s\t%g\t%g\t%+.2f%% [%+.2f%%, %+.2f%%]\t%.2f%% [%.2f%%, %.2f%%]\t%lld\t%s",
			   i + 1, r->levers[s->lever].name, district(r, s->lever, s->district), s->amount,
			   s->cumulative, 100 * s->gain.value, 100 * s->gain.lo, 100 * s->gain.hi,
			   100 * s->pass.value, 100 * s->pass.lo, 100 * s->pass.hi, (long long)s->reps,
			   s->resolved ? "" : _("unresolved"));
	}
	print_table(t, out);
}

static void print_plan(FILE *out, const struct optimize_result *r)
{
	const char *headers[] = {_("lever"), _("district"), _("start"), _("plan"), _("even spread")};
	struct table *t = table_new(5);
	for (int c = 0; t != NULL && c < 5; c++)
		table_column(t, c, headers[c], c <= 1 ? TABLE_LEFT : TABLE_RIGHT, c <= 1 ? 24 : 0);
	for (int l = 0; t != NULL && l < r->problem.n_levers; l++) {
		const struct optimize_lever_plan *q = &r->plans[l];
		for (int d = 0; d < q->n_targets; d++)
			table_rowf(t, "%s\t%s\t%g\t%g\t%.4g", r->levers[l].name, q->targets[d], q->start[d],
				   q->amounts[d], q->even[d]);
	}
	print_table(t, out);
}

/* Why a lever got nothing, in words. */
static void print_verdicts(FILE *out, const struct optimize_result *r)
{
	for (int l = 0; l < r->problem.n_levers; l++) {
		const struct optimize_lever_plan *q = &r->plans[l];
		const char *name = r->levers[l].name;
		switch (q->verdict) {
		case OPTIMIZE_LEVER_USED:
			fprintf(out, _("%s: %d step(s), %g spent\n"), name, q->n_steps, q->spent);
			break;
		case OPTIMIZE_LEVER_NO_EFFECT:
			fprintf(out, _("%s: no effect: its steps changed no replication's pass, so nothing "
				       "was allocated to it\n"), name);
			break;
		case OPTIMIZE_LEVER_NO_GAIN:
			fprintf(out, _("%s: nothing allocated: another lever always bought more P(pass) per "
				       "unit of cost\n"), name);
			break;
		case OPTIMIZE_LEVER_OUT_OF_RANGE:
			fprintf(out, _("%s: nothing allocated: every district's step left the parameter's "
				       "range\n"), name);
			break;
		default:
			fprintf(out, _("%s: nothing allocated: one step costs more than the budget\n"), name);
		}
	}
	for (int i = 0; i < r->n_skipped; i++) {
		const struct optimize_skip *k = &r->skipped[i];
		fprintf(out, _("skipped: %s in %s at %g (%s)\n"), r->levers[k->lever].name,
			district(r, k->lever, k->district), k->amount, k->reason);
	}
}

/* " UNIT" after an amount, or nothing when the budget has no unit. */
static const char *unit_of(const struct optimize_result *r, char *out, size_t size)
{
	const char *unit = r->problem.unit ? r->problem.unit : "";
	snprintf(out, size, "%s%.100s", unit[0] ? " " : "", unit);
	return out;
}

static void print_stop(FILE *out, const struct optimize_result *r)
{
	char buffer[128];
	const char *unit = unit_of(r, buffer, sizeof buffer);
	switch (r->stop) {
	case OPTIMIZE_STOP_BUDGET:
		fprintf(out, _("stopped: the budget affords no further step"));
		break;
	case OPTIMIZE_STOP_NO_GAIN:
		fprintf(out, _("stopped: no step gains anything more in P(pass)"));
		break;
	case OPTIMIZE_STOP_NO_CANDIDATE:
		fprintf(out, _("stopped: every affordable step leaves its parameter's range"));
		break;
	case OPTIMIZE_STOP_TARGET:
		fprintf(out, _("stopped: P(pass) reached the target %.2f%% with a budget of %g%s"),
			100 * r->problem.target, r->spent, unit);
		break;
	default:
		fprintf(out, _("stopped: interrupted"));
	}
	fprintf(out, _("; spent %g of %g%s, %g unspent\n"), r->spent, r->problem.budget, unit,
		r->unspent);
	if (r->problem.target > 0.0 && !r->target_reached && r->stop != OPTIMIZE_STOP_INTERRUPTED)
		fprintf(out, _("the target %.2f%% was not reached within the budget\n"),
			100 * r->problem.target);
	if (r->unresolved > 0)
		fprintf(out, _("unresolved: %d of %d steps chose within the noise at --max-reps %lld "
			       "(raise --max-reps or --indifference)\n"),
			r->unresolved, r->n_steps, (long long)r->problem.max_reps);
}

static void print_holdout(FILE *out, const struct optimize_result *r)
{
	const struct optimize_holdout *h = &r->holdout;
	if (!h->done)
		return;
	fprintf(out, _("\nHoldout: %lld fresh replications (seed %llu, none shared with the search)\n"),
		(long long)h->reps, (unsigned long long)h->seed);
	const char *headers[] = {"", _("P(pass)"), _("95 % interval"), _("plan minus it [95 %]")};
	struct table *t = table_new(4);
	for (int c = 0; t != NULL && c < 4; c++)
		table_column(t, c, headers[c], c == 0 ? TABLE_LEFT : TABLE_RIGHT, 0);
	if (t != NULL) {
		table_rowf(t, "%s\t%.2f%%\t[%.2f%%, %.2f%%]\t", _("plan"), 100 * h->plan.value,
			   100 * h->plan.lo, 100 * h->plan.hi);
		table_rowf(t, "%s\t%.2f%%\t[%.2f%%, %.2f%%]\t%+.2f%% [%+.2f%%, %+.2f%%]", _("base"),
			   100 * h->base.value, 100 * h->base.lo, 100 * h->base.hi,
			   100 * h->vs_base.value, 100 * h->vs_base.lo, 100 * h->vs_base.hi);
		if (h->even_available)
			table_rowf(t, "%s\t%.2f%%\t[%.2f%%, %.2f%%]\t%+.2f%% [%+.2f%%, %+.2f%%]",
				   _("even spread"), 100 * h->even.value, 100 * h->even.lo,
				   100 * h->even.hi, 100 * h->vs_even.value, 100 * h->vs_even.lo,
				   100 * h->vs_even.hi);
	}
	print_table(t, out);
	if (!h->even_available)
		fprintf(out, _("the even spread was refused (%s)\n"), h->even_reason);
	/* the search's replications chose the steps: the target is judged again here */
	if (r->target_reached && h->plan.value < r->problem.target)
		fprintf(out, _("On fresh replications the plan's P(pass) %.2f%% is below the target "
			       "%.2f%% the search reached: its last steps may have been chosen on noise; "
			       "raise --reps and --max-reps, or aim higher\n"),
			100 * h->plan.value, 100 * r->problem.target);
}

void optimize_report_text(FILE *out, const struct optimize_result *r)
{
	const struct optimize_problem *p = &r->problem;
	char buffer[128];
	fprintf(out, _("%s: budget %g%s over %d lever(s), %lld to %lld replications a step, "
		       "indifference %.2f%%, seed %llu, %lld replications in all\n\n"),
		r->header.command, p->budget, unit_of(r, buffer, sizeof buffer), p->n_levers, (long long)p->reps,
		(long long)p->max_reps, 100 * p->indifference, (unsigned long long)r->header.seed,
		(long long)r->replications);
	print_steps(out, r);
	fprintf(out, "\n");
	print_plan(out, r);
	fprintf(out, "\n");
	print_verdicts(out, r);
	print_stop(out, r);
	print_holdout(out, r);
}

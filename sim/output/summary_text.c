#include "summary_text.h"

#include <math.h>
#include <string.h>

#include "i18n.h"
#include "table.h"

/* Display columns of a name (variant, district) and of an input's path
 * before they are cut with an ellipsis. */
#define SUMMARY_NAME_WIDTH 26
#define SUMMARY_INPUT_WIDTH 48

void summary_text_check(FILE *out, const char *file, const struct scenario *s,
			const struct policy_summary *policies)
{
	scenario_print(s, out);
	for (int i = 0; policies != NULL && i < s->n_policies; i++)
		fprintf(out, _("policy %d   %s (%s) applied; cost %g\n"), i + 1, policies[i].name,
			policies[i].plugin, policies[i].cost);
	fprintf(out, _("\n%s is valid.\n"), file);
}

/* A variant's policies' total cost (in their plugins' units, summed). */
static double variant_cost(const struct compare_variant *c)
{
	double cost = 0.0;
	for (int i = 0; c->policies && c->scenario && i < c->scenario->n_policies; i++)
		cost += c->policies[i].cost;
	return cost;
}

/* A table of COLUMNS columns with HEADERS (the first left-aligned, cut at
 * FIRST_WIDTH display columns; the others right-aligned), or NULL after
 * saying that memory ran out. */
static struct table *new_table(FILE *out, int columns, const char *const *headers, int first_width)
{
	struct table *t = table_new(columns);
	if (t == NULL) {
		fprintf(out, _("(out of memory: the table could not be made)\n"));
		return NULL;
	}
	for (int c = 0; c < columns; c++)
		table_column(t, c, headers[c], c == 0 ? TABLE_LEFT : TABLE_RIGHT,
			     c == 0 ? first_width : 0);
	return t;
}

/* Prints T (may be NULL) and frees it. */
static void print_table(struct table *t, FILE *out)
{
	if (t != NULL)
		table_print(t, out, 0);
	table_free(t);
}

/* Variant V's name as the summary prints it: the first variant of one
 * scenario is `base` in the JSON and the CSV, which a reader of another
 * language reads in hers (a scenario file's variant is named by its file,
 * SOMETHING.cfg, never `base`). */
static const char *variant_label(const struct compare_result *r, int v)
{
	const char *name = r->variants[v].name;
	return v == 0 && strcmp(name, "base") == 0 ? _("base") : name;
}

/* Each variant's policies' total cost and, against the first, the P(pass)
 * gained per unit of cost more (when the costs differ). */
static void compare_costs_text(FILE *out, const struct compare_result *r)
{
	int any = 0;
	for (int v = 0; v < r->n; v++)
		any |= variant_cost(&r->variants[v]) != 0.0;
	if (!any)
		return;
	const char *headers[] = {_("variant"), _("policy cost"), _("dCost"), _("dP(pass) / dCost")};
	fprintf(out, "\n");
	struct table *t = new_table(out, 4, headers, SUMMARY_NAME_WIDTH);
	double first = variant_cost(&r->variants[0]);
	for (int v = 0; t != NULL && v < r->n; v++) {
		const struct compare_variant *c = &r->variants[v];
		double cost = variant_cost(c), more = cost - first;
		double gain = 100 * c->pairing.pass_difference.mean;
		if (v > 0 && more > 0.0 && gain >= 0.0)
			table_rowf(t, _("%s\t%g\t%+g\t%+.4g points / unit"), c->name, cost, more,
				   gain / more);
		else if (v > 0 && more < 0.0 && gain <= 0.0)
			/* cheaper and worse: what each unit saved gives up, not a
			 * positive "gain" per unit */
			table_rowf(t, _("%s\t%g\t%+g\tgives up %.4g points / unit saved"), c->name, cost, more,
				   gain == 0.0 ? 0.0 : -gain / -more); /* not "-0": the same passes */
		else if (v > 0 && more != 0.0)
			table_rowf(t, "%s\t%g\t%+g\t%s", c->name, cost, more,
				   more > 0.0 ? _("dearer and worse") : _("cheaper and better"));
		else
			table_rowf(t, "%s\t%g\t\t%s", variant_label(r, v), cost,
				   v > 0 ? _("(same cost as the first)") : "");
	}
	print_table(t, out);
	fprintf(out, _("(costs in each plugin's own unit, summed over the variant's policies)\n"));
}

void summary_text_compare(FILE *out, const struct compare_result *r)
{
	fprintf(out, _("%lld replications a variant, seed %llu; differences against %s, paired "
		       "on the same random numbers\n\n"),
		(long long)r->variants[0].result.replications, (unsigned long long)r->header.seed,
		variant_label(r, 0));
	const char *headers[] = {_("variant"), "P(pass)", _("95 % interval"), _("Total"),
				 _("dP(pass) [95 %]"), _("only var"), _("only 1st"), _("dTotal")};
	struct table *table = new_table(out, 8, headers, SUMMARY_NAME_WIDTH);
	for (int v = 0; table != NULL && v < r->n; v++) {
		const struct compare_variant *c = &r->variants[v];
		const struct tally *t = c->result.tally;
		double lo, hi;
		wilson_interval(t->passes, t->n, Z95, &lo, &hi);
		if (v == 0) {
			table_rowf(table, "%s\t%.2f%%\t[%.2f%%, %.2f%%]\t%.2f", variant_label(r, 0),
				   100 * study_pass_share(&c->result), 100 * lo, 100 * hi, t->total.mean);
			continue;
		}
		const struct pairing *q = &c->pairing;
		table_rowf(table, "%s\t%.2f%%\t[%.2f%%, %.2f%%]\t%.2f\t%+.2f%% \xc2\xb1%.2f%%\t%.2f%%\t%.2f%%\t%+.3f",
			   c->name, 100 * study_pass_share(&c->result), 100 * lo, 100 * hi, t->total.mean,
			   100 * q->pass_difference.mean,
			   100 * pairing_half_width(&q->pass_difference, q->n),
			   100 * (double)q->only_variant / (double)q->n,
			   100 * (double)q->only_first / (double)q->n, q->total_difference.mean);
	}
	print_table(table, out);
	compare_costs_text(out, r);
	const struct run_result *first = &r->variants[0].result;
	if (first->precision > 0.0 && !first->precision_reached)
		fprintf(out, _("\nPrecision ±%.2f %% not reached: the widest difference in P(pass) is "
			       "±%.2f %% after %lld replications; raise --max-reps (or --reps)\n"),
			100 * first->precision, 100 * first->half_width, (long long)first->replications);
}

void summary_text_sweep(FILE *out, const struct sweep_result *r)
{
	fprintf(out, _("%lld replications a point, seed %llu, the same random numbers at every point\n\n"),
		(long long)r->header.replications, (unsigned long long)r->header.seed);
	int two = r->n_parameters == 2;
	const char *headers[] = {r->parameters[0].path, two ? r->parameters[1].path : "P(pass)",
				 two ? "P(pass)" : _("95 % interval"), two ? _("95 % interval") : _("Total"),
				 _("Total")};
	struct table *table = new_table(out, two ? 5 : 4, headers, 0);
	for (int p = 0; table != NULL && p < r->n_points; p++) {
		const struct sweep_point *point = &r->points[p];
		char first[32] = "";
		snprintf(first, sizeof first, "%g", point->values[0]);
		if (two)
			table_rowf(table, "%s\t%g\t%.2f%%\t[%.2f%%, %.2f%%]\t%.3f", first, point->values[1],
				   100 * point->at.pass, 100 * point->at.lo, 100 * point->at.hi,
				   point->at.total_mean);
		else
			table_rowf(table, "%s\t%.2f%%\t[%.2f%%, %.2f%%]\t%.3f", first, 100 * point->at.pass,
				   100 * point->at.lo, 100 * point->at.hi, point->at.total_mean);
	}
	print_table(table, out);
	for (int i = 0; i < r->n_parameters; i++)
		if (r->rounded[i])
			fprintf(out, _("\nnote: %s takes whole numbers: the grid %g:%g:%d ran the rounded "
				       "values above\n"), r->parameters[i].path, r->parameters[i].lo,
				r->parameters[i].hi, r->parameters[i].steps);
}

/* 1 when P(pass) is the same at every point the analysis ran (tornado:
 * every input's low and high; Morris: no elementary effect): its indices
 * would read as certainty about nothing. */
static int pass_constant(const struct analysis_result *a)
{
	return !a->pass_varies;
}

static void tornado_text(FILE *out, const struct analysis_result *a)
{
	fprintf(out, _("base: P(pass) %.2f%%, Total %.3f\n\n"), 100 * a->base.pass, a->base.total_mean);
	const char *headers[] = {_("input"), _("low .. high"), _("P at low"), _("P at high"),
				 _("T at low"), _("T at high"), _("P swing")};
	struct table *table = new_table(out, 7, headers, SUMMARY_INPUT_WIDTH);
	for (int r = 0; table != NULL && r < a->k; r++) {
		int i = a->order[r];
		const struct design_input *in = &a->inputs[i];
		const struct design_point *low = &a->low[i], *high = &a->high[i];
		table_rowf(table, "%s\t%g .. %g\t%.2f%%\t%.2f%%\t%.3f\t%.3f\t%+.2f%%", in->path,
			   design_value(in, 0.0), design_value(in, 1.0), 100 * low->pass,
			   100 * high->pass, low->total_mean, high->total_mean,
			   100 * (high->pass - low->pass));
	}
	print_table(table, out);
	if (pass_constant(a))
		fprintf(out, _("\nP(pass) does not vary over these ranges (%.2f%% at every point): no "
			       "P(pass) swing to rank by\n"), 100 * a->low[0].pass);
}

static void morris_text(FILE *out, const struct analysis_result *a)
{
	const struct analysis_morris *t = &a->morris_total, *p = &a->morris_pass;
	fprintf(out, _("%d trajectories over %d levels, %d points; effects per full range of an input\n\n"),
		a->trajectories, a->levels, a->points);
	const char *headers[] = {_("input"), _("Total mu*"), _("Total sigma"), _("P mu*"), _("P sigma")};
	struct table *table = new_table(out, 5, headers, SUMMARY_INPUT_WIDTH);
	for (int i = 0; table != NULL && i < a->k; i++)
		table_rowf(table, "%s\t%.4f\t%.4f\t%.4f\t%.4f", a->inputs[i].path, t->mu_star[i],
			   t->sigma[i], p->mu_star[i], p->sigma[i]);
	print_table(table, out);
	if (pass_constant(a))
		fprintf(out, _("\nP(pass) does not vary over these ranges: its columns are no index "
			       "(null in the JSON)\n"));
	if (!a->total_varies)
		fprintf(out, _("\nThe Total does not vary over these ranges: its columns are no index "
			       "(null in the JSON)\n"));
}

static void sobol_text(FILE *out, const struct analysis_result *a)
{
	if (a->replicates > 0)
		fprintf(out, _("%d base samples in %d scrambled Sobol' designs, %d points; Sobol' "
			       "indices with t 95 %% intervals\n\n"), a->samples, a->replicates, a->points);
	else
		fprintf(out, _("%d base samples, %d points; Sobol' indices with bootstrap 95 %% "
			       "intervals\n\n"), a->samples, a->points);
	const char *headers[] = {_("input"), _("Total: first"), _("Total: total"),
				 _("P(pass): first"), _("P(pass): total")};
	struct table *table = new_table(out, 5, headers, SUMMARY_INPUT_WIDTH);
	const struct analysis_sobol *both[2] = {&a->sobol_total, &a->sobol_pass};
	const int varied[2] = {a->total_varies, a->pass_varies};
	for (int i = 0; table != NULL && i < a->k; i++) {
		char cells[4][96];
		for (int b = 0; b < 2; b++) {
			snprintf(cells[2 * b], sizeof cells[0], "%.3f [%.3f, %.3f]", both[b]->first[i],
				 both[b]->first_lo[i], both[b]->first_hi[i]);
			snprintf(cells[2 * b + 1], sizeof cells[0], "%.3f [%.3f, %.3f]", both[b]->total[i],
				 both[b]->total_lo[i], both[b]->total_hi[i]);
			if (!varied[b]) /* no index of an output that did not vary */
				snprintf(cells[2 * b], sizeof cells[0], "-");
			if (!varied[b])
				snprintf(cells[2 * b + 1], sizeof cells[0], "-");
		}
		table_rowf(table, "%s\t%s\t%s\t%s\t%s", a->inputs[i].path, cells[0], cells[1], cells[2],
			   cells[3]);
	}
	print_table(table, out);
	if (!a->total_varies)
		fprintf(out, _("\nThe Total does not vary over these ranges (%.3f at every point): no "
			       "index (null in the JSON)\n"), a->total_value);
	if (!a->pass_varies)
		fprintf(out, _("\nP(pass) does not vary over these ranges (%.2f%% at every point): no "
			       "index (null in the JSON)\n"), 100 * a->pass_value);
	for (int b = 0; b < 2; b++)
		for (int i = 0; i < a->k; i++)
			if (a->first_above_total[b][i]) {
				char text[512];
				analysis_first_above_total_text(a, b, i, text, sizeof text);
				fprintf(out, _("\nwarning: %s\n"), text);
			}
}

/* The method's name as the summary says it (the JSON keeps analysis_method_name's). */
static const char *method_title(enum analysis_method method)
{
	return method == ANALYSIS_TORNADO  ? _("tornado")
	       : method == ANALYSIS_MORRIS ? _("morris")
					   : _("sobol");
}

void summary_text_analysis(FILE *out, const struct analysis_result *a)
{
	fprintf(out, ngettext("%s of %d input, %lld replications a point, seed %llu\n",
			      "%s of %d inputs, %lld replications a point, seed %llu\n", (unsigned long)a->k),
		method_title(a->method), a->k,
		(long long)a->header.replications, (unsigned long long)a->header.seed);
	if (a->method == ANALYSIS_TORNADO)
		tornado_text(out, a);
	else if (a->method == ANALYSIS_MORRIS)
		morris_text(out, a);
	else
		sobol_text(out, a);
}

/* One end of the bracket as a row of T: its LABEL, value, P(pass) and Total. */
static void solve_end_row(struct table *t, const char *label, const struct solve_end *e)
{
	if (t != NULL)
		table_rowf(t, "%s\t%g\t%.2f%%\t[%.2f%%, %.2f%%]\t%.3f", label, e->value, 100 * e->at.pass,
			   100 * e->at.lo, 100 * e->at.hi, e->at.total_mean);
}

/* The table of the bracket's two ends (indented under what was found). */
static void solve_ends_text(FILE *out, const struct solve_result *r, const char *low_label,
			    const char *high_label)
{
	const char *headers[] = {"", r->problem.path, "P(pass)", _("95 % interval"), _("Total")};
	struct table *t = table_new(5);
	if (t == NULL) {
		fprintf(out, _("(out of memory: the table could not be made)\n"));
		return;
	}
	for (int c = 0; c < 5; c++)
		table_column(t, c, headers[c], c == 0 ? TABLE_LEFT : TABLE_RIGHT, 0);
	solve_end_row(t, low_label, &r->reached);
	solve_end_row(t, high_label, &r->missed);
	table_print(t, out, 2);
	table_free(t);
}

void summary_text_solve(FILE *out, const struct solve_result *r)
{
	fprintf(out, _("%s for P(pass) %.2f%% over %g..%g, %lld replications a value, seed %llu, the "
		       "same random numbers at every value (%d values run)\n\n"), r->problem.path,
		100 * r->problem.target, r->problem.lo, r->problem.hi,
		(long long)r->header.replications, (unsigned long long)r->header.seed, r->evaluations);
	if (!r->found) {
		int above = r->reached.at.pass >= r->problem.target;
		fprintf(out, above ? _("the target lies outside the range: P(pass) is at least %.2f%% at "
				       "both ends\n")
				   : _("the target lies outside the range: P(pass) is below %.2f%% at both "
				       "ends\n"), 100 * r->problem.target);
		solve_ends_text(out, r, _("low end"), _("high end"));
		fprintf(out, _("\nwiden --range (P(pass) is taken as monotone in %s)\n"), r->problem.path);
		return;
	}
	if (r->integer)
		fprintf(out, _("%s = %g reaches the target (within %g, whole numbers)\n\n"),
			r->problem.path, r->reached.value, fabs(r->reached.value - r->missed.value));
	else
		fprintf(out, _("%s = %g reaches the target (within %g)\n\n"), r->problem.path,
			r->reached.value, fabs(r->reached.value - r->missed.value));
	solve_ends_text(out, r, _("reaches the target at"), _("misses it at"));
	double lo = r->reached.at.lo, hi = r->missed.at.hi;
	if (lo < r->problem.target || hi >= r->problem.target)
		fprintf(out, _("\nthe intervals at the ends include the target: more --reps make the "
			       "value surer\n"));
}

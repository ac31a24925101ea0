#include "summary_text.h"

#include <math.h>

#include "i18n.h"

void summary_text_check(FILE *out, const char *file, const struct scenario *s,
			const struct policy_summary *policies)
{
	scenario_print(s, out);
	for (int i = 0; policies != NULL && i < s->n_policies; i++)
		fprintf(out, "policy %d   %s (%s) applied; cost %g\n", i + 1, policies[i].name,
			policies[i].plugin, policies[i].cost);
	fprintf(out, "\n%s is valid.\n", file);
}

/* A variant's policies' total cost (in their plugins' units, summed). */
static double variant_cost(const struct compare_variant *c)
{
	double cost = 0.0;
	for (int i = 0; c->policies && c->scenario && i < c->scenario->n_policies; i++)
		cost += c->policies[i].cost;
	return cost;
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
	fprintf(out, "\n%-26s %12s %12s %26s\n", "variant", "policy cost", "dCost", "dP(pass) / dCost");
	double first = variant_cost(&r->variants[0]);
	for (int v = 0; v < r->n; v++) {
		const struct compare_variant *c = &r->variants[v];
		double cost = variant_cost(c), more = cost - first;
		fprintf(out, "%-26.26s %12g", c->name, cost);
		if (v > 0 && more != 0.0)
			fprintf(out, " %+12g %+13.4g points / unit\n", more,
				100 * c->pairing.pass_difference.mean / more);
		else
			fprintf(out, "%s\n", v > 0 ? "  (same cost as the first)" : "");
	}
	fprintf(out, "(costs in each plugin's own unit, summed over the variant's policies)\n");
}

void summary_text_compare(FILE *out, const struct compare_result *r)
{
	fprintf(out, "%lld replications a variant, seed %llu; differences against %s, paired "
		     "on the same random numbers\n\n%-26s %9s %19s %8s %20s %8s %8s %9s\n",
		(long long)r->variants[0].result.replications, (unsigned long long)r->header.seed,
		r->variants[0].name, "variant", "P(pass)", "95 % interval", "Total",
		"dP(pass) [95 %]", "only var", "only 1st", "dTotal");
	for (int v = 0; v < r->n; v++) {
		const struct compare_variant *c = &r->variants[v];
		const struct tally *t = c->result.tally;
		double lo, hi;
		wilson_interval(t->passes, t->n, Z95, &lo, &hi);
		fprintf(out, "%-26.26s %8.2f%% [%6.2f%%, %6.2f%%] %8.2f", c->name,
			100 * study_pass_share(&c->result), 100 * lo, 100 * hi, t->total.mean);
		if (v == 0) {
			fprintf(out, "\n");
			continue;
		}
		const struct pairing *q = &c->pairing;
		fprintf(out, " %+7.2f%% \xc2\xb1%5.2f%% %7.2f%% %7.2f%% %+9.3f\n",
			100 * q->pass_difference.mean,
			100 * pairing_half_width(&q->pass_difference, q->n),
			100 * (double)q->only_variant / (double)q->n,
			100 * (double)q->only_first / (double)q->n, q->total_difference.mean);
	}
	compare_costs_text(out, r);
	const struct run_result *first = &r->variants[0].result;
	if (first->precision > 0.0 && !first->precision_reached)
		fprintf(out, _("\nPrecision ±%.2f %% not reached: the widest difference in P(pass) is "
			       "±%.2f %% after %lld replications; raise --max-reps (or --reps)\n"),
			100 * first->precision, 100 * first->half_width, (long long)first->replications);
}

void summary_text_sweep(FILE *out, const struct sweep_result *r)
{
	fprintf(out, "%lld replications a point, seed %llu, the same random numbers at every point\n\n"
		     "%-28s %-28s %9s %19s %9s\n", (long long)r->header.replications,
		(unsigned long long)r->header.seed, r->parameters[0].path,
		r->n_parameters == 2 ? r->parameters[1].path : "", "P(pass)", "95 % interval", "Total");
	for (int p = 0; p < r->n_points; p++) {
		const struct sweep_point *point = &r->points[p];
		char second[32] = "";
		if (r->n_parameters == 2)
			snprintf(second, sizeof second, "%g", point->values[1]);
		fprintf(out, "%-28g %-28s %8.2f%% [%6.2f%%, %6.2f%%] %9.3f\n", point->values[0], second,
			100 * point->at.pass, 100 * point->at.lo, 100 * point->at.hi, point->at.total_mean);
	}
	for (int i = 0; i < r->n_parameters; i++)
		if (r->rounded[i])
			fprintf(out, "\nnote: %s takes whole numbers: the grid %g:%g:%d ran the rounded "
				     "values above\n", r->parameters[i].path, r->parameters[i].lo,
				r->parameters[i].hi, r->parameters[i].steps);
}

/* 1 when P(pass) is the same at every point the analysis ran (tornado:
 * every input's low and high; Morris: no elementary effect): its indices
 * would read as certainty about nothing. */
static int pass_constant(const struct analysis_result *a)
{
	for (int i = 0; i < a->k; i++) {
		if (a->method == ANALYSIS_TORNADO &&
		    (a->low[i].pass != a->low[0].pass || a->high[i].pass != a->low[0].pass))
			return 0;
		if (a->method == ANALYSIS_MORRIS &&
		    (a->morris_pass.mu_star[i] != 0.0 || a->morris_pass.sigma[i] != 0.0))
			return 0;
	}
	return a->method == ANALYSIS_TORNADO || a->method == ANALYSIS_MORRIS;
}

static void tornado_text(FILE *out, const struct analysis_result *a)
{
	fprintf(out, "base: P(pass) %.2f%%, Total %.3f\n\n%-40s %10s %10s %10s %10s %9s\n",
		100 * a->base.pass, a->base.total_mean, "input (low .. high)", "P at low", "P at high",
		"T at low", "T at high", "P swing");
	for (int r = 0; r < a->k; r++) {
		int i = a->order[r];
		const struct design_input *in = &a->inputs[i];
		const struct design_point *low = &a->low[i], *high = &a->high[i];
		char label[128];
		snprintf(label, sizeof label, "%s (%g .. %g)", in->path, design_value(in, 0.0),
			 design_value(in, 1.0));
		fprintf(out, "%-40.40s %9.2f%% %9.2f%% %10.3f %10.3f %+8.2f%%\n", label, 100 * low->pass,
			100 * high->pass, low->total_mean, high->total_mean,
			100 * (high->pass - low->pass));
	}
	if (pass_constant(a))
		fprintf(out, "\nP(pass) does not vary over these ranges (%.2f%% at every point): no "
			     "P(pass) swing to rank by\n", 100 * a->low[0].pass);
}

static void morris_text(FILE *out, const struct analysis_result *a)
{
	const struct analysis_morris *t = &a->morris_total, *p = &a->morris_pass;
	fprintf(out, "%d trajectories over %d levels, %d points; effects per full range of an input\n\n"
		     "%-40s %11s %11s %11s %11s\n", a->trajectories, a->levels, a->points, "input",
		"Total mu*", "Total sigma", "P mu*", "P sigma");
	for (int i = 0; i < a->k; i++)
		fprintf(out, "%-40.40s %11.4f %11.4f %11.4f %11.4f\n", a->inputs[i].path, t->mu_star[i],
			t->sigma[i], p->mu_star[i], p->sigma[i]);
	if (pass_constant(a))
		fprintf(out, "\nP(pass) does not vary over these ranges: its columns are no index "
			     "(null in the JSON)\n");
}

static void sobol_text(FILE *out, const struct analysis_result *a)
{
	if (a->replicates > 0)
		fprintf(out, "%d base samples in %d scrambled Sobol' designs, %d points; Sobol' "
			     "indices with t 95 %% intervals\n\n", a->samples, a->replicates, a->points);
	else
		fprintf(out, "%d base samples, %d points; Sobol' indices with bootstrap 95 %% "
			     "intervals\n\n", a->samples, a->points);
	fprintf(out, "%-34s %22s %22s %22s %22s\n", "input", "Total: first",
		"Total: total", "P(pass): first", "P(pass): total");
	const struct analysis_sobol *both[2] = {&a->sobol_total, &a->sobol_pass};
	for (int i = 0; i < a->k; i++) {
		fprintf(out, "%-34.34s", a->inputs[i].path);
		for (int b = 0; b < 2; b++)
			fprintf(out, " %6.3f [%6.3f,%6.3f] %6.3f [%6.3f,%6.3f]", both[b]->first[i],
				both[b]->first_lo[i], both[b]->first_hi[i], both[b]->total[i],
				both[b]->total_lo[i], both[b]->total_hi[i]);
		fprintf(out, "\n");
	}
}

void summary_text_analysis(FILE *out, const struct analysis_result *a)
{
	fprintf(out, "%s of %d input%s, %lld replications a point, seed %llu\n",
		analysis_method_name(a->method), a->k, a->k == 1 ? "" : "s",
		(long long)a->header.replications, (unsigned long long)a->header.seed);
	if (a->method == ANALYSIS_TORNADO)
		tornado_text(out, a);
	else if (a->method == ANALYSIS_MORRIS)
		morris_text(out, a);
	else
		sobol_text(out, a);
}

void summary_text_allocation(FILE *out, const struct allocation *a)
{
	fprintf(out, "%s of policy %d, budget %g in steps of %g, %lld replications a variant\n\n"
		     "%5s %-20s %9s %26s %19s %9s\n", a->problem.key, a->problem.policy + 1,
		a->problem.budget, a->problem.step, (long long)a->header.replications, "step",
		"district", "amount", "gain in P(pass) [95 %]", "P(pass) after", "Total");
	for (int i = 0; i < a->n_steps; i++) {
		const struct allocation_step *s = &a->steps[i];
		fprintf(out, "%5d %-20.20s %9g %+9.2f%% [%+6.2f%%, %+6.2f%%] %7.2f%% \u00b1%5.2f%% %9.3f%s\n",
			i + 1, a->targets[s->district], s->amount, 100 * s->gain, 100 * s->gain_lo,
			100 * s->gain_hi, 100 * s->pass, 100 * (s->pass_hi - s->pass_lo) / 2,
			s->total_mean, s->resolved ? "" : "  unresolved");
	}
	for (int i = 0; i < a->n_skipped; i++)
		fprintf(out, "\nskipped: %s at %g, outside the parameter's range (%s)",
			a->targets[a->skipped[i].district], a->skipped[i].amount, a->skipped[i].reason);
	if (a->no_gain && a->n_steps == 0)
		fprintf(out, "\nno district gains anything in P(pass) from %s: nothing allocated",
			a->problem.key);
	else if (a->no_gain)
		fprintf(out, "\nafter step %d no district gains anything more in P(pass)", a->n_steps);
	if (a->unspent > 0.0)
		fprintf(out, "\nleft unspent: %g of %g%s", a->unspent, a->problem.budget,
			a->no_gain || a->n_skipped ? "" : " (the budget is not a multiple of the step)");
	if (a->n_skipped || a->no_gain || a->unspent > 0.0)
		fprintf(out, "\n");
	if (a->unresolved) {
		fprintf(out, "\nunresolved: add --reps (%d of %d steps chose between candidates whose "
			     "gain intervals overlap)\ntentative ", a->unresolved, a->n_steps);
	} else {
		fprintf(out, "\n");
	}
	fprintf(out, "allocation:");
	for (int d = 0; d < a->n_targets; d++)
		fprintf(out, " %s %g%s", a->targets[d], a->amounts[d], d + 1 < a->n_targets ? "," : "\n");
}

static void solve_end_text(FILE *out, const char *label, const struct solve_end *e)
{
	fprintf(out, "  %-24s %12g   P(pass) %6.2f%% [%6.2f%%, %6.2f%%]   Total %.3f\n", label,
		e->value, 100 * e->at.pass, 100 * e->at.lo, 100 * e->at.hi, e->at.total_mean);
}

void summary_text_solve(FILE *out, const struct solve_result *r)
{
	fprintf(out, "%s for P(pass) %.2f%% over %g..%g, %lld replications a value, seed %llu, the "
		     "same random numbers at every value (%d values run)\n\n", r->problem.path,
		100 * r->problem.target, r->problem.lo, r->problem.hi,
		(long long)r->header.replications, (unsigned long long)r->header.seed, r->evaluations);
	if (!r->found) {
		const struct solve_end *low = &r->reached, *high = &r->missed;
		int above = low->at.pass >= r->problem.target;
		fprintf(out, "the target lies outside the range: P(pass) is %s %.2f%% at both ends\n",
			above ? "at least" : "below", 100 * r->problem.target);
		solve_end_text(out, "low end", low);
		solve_end_text(out, "high end", high);
		fprintf(out, "\nwiden --range (P(pass) is taken as monotone in %s)\n", r->problem.path);
		return;
	}
	fprintf(out, "%s = %g reaches the target (within %g%s)\n\n", r->problem.path,
		r->reached.value, fabs(r->reached.value - r->missed.value),
		r->integer ? ", whole numbers" : "");
	solve_end_text(out, "reaches the target at", &r->reached);
	solve_end_text(out, "misses it at", &r->missed);
	double lo = r->reached.at.lo, hi = r->missed.at.hi;
	if (lo < r->problem.target || hi >= r->problem.target)
		fprintf(out, "\nthe intervals at the ends include the target: more --reps make the "
			     "value surer\n");
}

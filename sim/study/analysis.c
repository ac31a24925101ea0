#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "sensitivity.h"
#include "sobol_rqmc.h"

const char *analysis_method_name(enum analysis_method method)
{
	return method == ANALYSIS_TORNADO ? "tornado" : method == ANALYSIS_MORRIS ? "morris" : "sobol";
}

/* Whether Y[n] holds more than one value; *ONE receives the first. */
static int varies(const double *y, int n, double *one)
{
	*one = n > 0 ? y[0] : 0.0;
	for (int j = 1; j < n; j++)
		if (y[j] != y[0])
			return 1;
	return 0;
}

/* Whether the points run (P(pass) in PASS[n], the mean Total in TOTAL[n])
 * moved each output. */
static void note_variation(struct analysis_result *a, const double *pass, const double *total, int n)
{
	a->pass_varies = varies(pass, n, &a->pass_value);
	a->total_varies = varies(total, n, &a->total_value);
}

void analysis_first_above_total_text(const struct analysis_result *a, int output, int i,
				     char *text, size_t size)
{
	const struct analysis_sobol *x = output == 0 ? &a->sobol_total : &a->sobol_pass;
	snprintf(text, size,
		 _("%s: the first-order index of %s, %.3f [%.3f, %.3f], lies above its total index, "
		   "%.3f [%.3f, %.3f], by more than their intervals allow (a first-order index is at "
		   "most the total): these indices are mostly noise; raise --samples or --reps"),
		 a->inputs[i].path, output == 0 ? _("the Total") : "P(pass)", x->first[i],
		 x->first_lo[i], x->first_hi[i], x->total[i], x->total_lo[i], x->total_hi[i]);
}

void analysis_check_indices(struct analysis_result *a, struct diag *d)
{
	const struct analysis_sobol *both[2] = {&a->sobol_total, &a->sobol_pass};
	const int varied[2] = {a->total_varies, a->pass_varies};
	for (int o = 0; o < 2; o++)
		for (int i = 0; i < a->k && varied[o]; i++) {
			a->first_above_total[o][i] = both[o]->first_lo[i] > both[o]->total_hi[i];
			if (a->first_above_total[o][i]) {
				char text[512];
				analysis_first_above_total_text(a, o, i, text, sizeof text);
				diag_add_at(d, DIAG_WARNING, NULL, 0, "%s", text);
			}
		}
}

/* Each input at its low and high; ordered by swing. */
static int tornado(struct study *st, struct analysis_result *a, struct diag *d)
{
	int k = a->k;
	/* the base and every input's ends in one run, in lockstep */
	struct parameter_setting ends[2 * LIMIT_INPUTS];
	struct design_point at[2 * LIMIT_INPUTS];
	for (int i = 0; i < k; i++) {
		for (int end = 0; end < 2; end++)
			ends[2 * i + end] = (struct parameter_setting){
				a->inputs[i].path, design_value(&a->inputs[i], end), 0, 0};
		a->order[i] = i;
	}
	if (design_run_base_and_points(st, ends, 2 * k, &a->base, at, d) != 0)
		return -1;
	for (int i = 0; i < k; i++) {
		a->low[i] = at[2 * i];
		a->high[i] = at[2 * i + 1];
	}
	/* the inputs' ends (not the base, which may lie outside their ranges) */
	double passes[2 * LIMIT_INPUTS] = {0}, totals[2 * LIMIT_INPUTS] = {0};
	for (int i = 0; i < k; i++) {
		passes[2 * i] = a->low[i].pass;
		passes[2 * i + 1] = a->high[i].pass;
		totals[2 * i] = a->low[i].total_mean;
		totals[2 * i + 1] = a->high[i].total_mean;
	}
	note_variation(a, passes, totals, 2 * k);
	const struct design_point *low = a->low, *high = a->high;
	int *order = a->order;
	for (int i = 1; i < k; i++) { /* by swing in P(pass), then in Total; stable */
		int j = i, moving = order[i];
		double swing = fabs(high[moving].pass - low[moving].pass);
		double total = fabs(high[moving].total_mean - low[moving].total_mean);
		while (j > 0) {
			int before = order[j - 1];
			double s2 = fabs(high[before].pass - low[before].pass);
			double t2 = fabs(high[before].total_mean - low[before].total_mean);
			if (s2 > swing || (s2 == swing && t2 >= total))
				break;
			order[j] = before;
			j--;
		}
		order[j] = moving;
	}
	return 0;
}

static int morris(struct study *st, struct analysis_result *a, struct diag *d)
{
	struct morris_design design;
	int k = a->k;
	if (sensitivity_morris_design_make(&design, k, a->trajectories, a->levels, st->run.seed) != 0) {
		diag_no_memory(d, _("making the Morris design"));
		return -1;
	}
	int count = design.r * (k + 1);
	double *pass = calloc((size_t)count, sizeof *pass), *total = calloc((size_t)count, sizeof *total);
	int status = 0;
	if (pass == NULL || total == NULL) {
		diag_no_memory(d, _("making the Morris design"));
		status = -1;
	}
	if (status == 0)
		status = design_evaluate(st, a->inputs, k, design.points, count, k + 1, pass, total, d);
	if (status == 0) {
		sensitivity_morris_effects(&design, total, a->morris_total.mu_star, a->morris_total.mu,
			       a->morris_total.sigma);
		sensitivity_morris_effects(&design, pass, a->morris_pass.mu_star, a->morris_pass.mu,
			       a->morris_pass.sigma);
		a->trajectories = design.r;
		a->levels = design.levels;
		a->points = count;
		note_variation(a, pass, total, count);
	}
	free(pass);
	free(total);
	sensitivity_morris_design_free(&design);
	return status;
}

/*
 * A Sobol' design's points by row: point I of the row-major order (the
 * rows of the designs in turn, each row's k + 2 blocks one after another)
 * is point sobol_row_major(I) of the block-major order the estimators read
 * (each design's blocks of N rows in turn).
 */
static int sobol_row_major(int i, int k, int n)
{
	int blocks = SOBOL_BLOCKS(k);
	int row = i / blocks, m = i % blocks;
	return (row / n * blocks + m) * n + row % n;
}

/* Y[count], evaluated in row-major order, put in block-major order. 0, or -1 (memory). */
static int unscramble(double *y, int count, int k, int n)
{
	double *copy = malloc((size_t)count * sizeof *copy);
	if (copy == NULL)
		return -1;
	for (int i = 0; i < count; i++)
		copy[sobol_row_major(i, k, n)] = y[i];
	memcpy(y, copy, (size_t)count * sizeof *y);
	free(copy);
	return 0;
}

/* Sobol' indices from REPLICATES scrambled Sobol' designs of at least
 * SAMPLES / REPLICATES rows each (the next power of 2), t intervals. */
static int sobol_rqmc(struct study *st, struct analysis_result *a, struct diag *d)
{
	struct sobol_rqmc design;
	int k = a->k, n = 1;
	while ((int64_t)n * a->replicates < a->samples)
		n *= 2;
	if (sobol_rqmc_make(&design, k, n, a->replicates, st->run.seed) != 0) {
		diag_no_memory(d, _("making the Sobol' design"));
		return -1;
	}
	int count = sobol_rqmc_points(&design);
	double *x = calloc((size_t)count * (size_t)k, sizeof *x);
	double *pass = calloc((size_t)count, sizeof *pass), *total = calloc((size_t)count, sizeof *total);
	struct analysis_sobol *t = &a->sobol_total, *p = &a->sobol_pass;
	struct sobol_indices of_total = {t->first, t->first_lo, t->first_hi, t->total, t->total_lo, t->total_hi, 0};
	struct sobol_indices of_pass = {p->first, p->first_lo, p->first_hi, p->total, p->total_lo, p->total_hi, 0};
	int status = 0;
	if (x == NULL || pass == NULL || total == NULL) {
		diag_no_memory(d, _("making the Sobol' design"));
		status = -1;
	}
	/* a row's k + 2 points one after another: they run in lockstep */
	for (int i = 0; i < count && status == 0; i++)
		sobol_rqmc_point(&design, sobol_row_major(i, k, n), &x[(size_t)i * (size_t)k]);
	if (status == 0)
		status = design_evaluate(st, a->inputs, k, x, count, SOBOL_BLOCKS(k), pass, total, d);
	if (status == 0 && (unscramble(pass, count, k, n) != 0 || unscramble(total, count, k, n) != 0)) {
		diag_no_memory(d, _("estimating the Sobol' indices"));
		status = -1;
	}
	if (status == 0) {
		sobol_rqmc_estimate(&design, total, &of_total);
		sobol_rqmc_estimate(&design, pass, &of_pass);
		a->samples = n * a->replicates;
		a->bootstrap = 0;
		a->points = count;
		note_variation(a, pass, total, count);
		analysis_check_indices(a, d);
	}
	free(x);
	free(pass);
	free(total);
	sobol_rqmc_free(&design);
	return status;
}

static int sobol(struct study *st, struct analysis_result *a, struct diag *d)
{
	if (a->replicates >= 2)
		return sobol_rqmc(st, a, d);
	struct sobol_design design;
	int k = a->k;
	if (sensitivity_sobol_design_make(&design, k, a->samples, st->run.seed) != 0) {
		diag_no_memory(d, _("making the Sobol' design"));
		return -1;
	}
	int count = SOBOL_BLOCKS(k) * design.n;
	double *x = calloc((size_t)count * (size_t)k, sizeof *x);
	double *pass = calloc((size_t)count, sizeof *pass), *total = calloc((size_t)count, sizeof *total);
	struct analysis_sobol *t = &a->sobol_total, *p = &a->sobol_pass;
	struct sobol_indices of_total = {t->first, t->first_lo, t->first_hi, t->total, t->total_lo, t->total_hi, 0};
	struct sobol_indices of_pass = {p->first, p->first_lo, p->first_hi, p->total, p->total_lo, p->total_hi, 0};
	int status = 0;
	if (x == NULL || pass == NULL || total == NULL) {
		diag_no_memory(d, _("making the Sobol' design"));
		status = -1;
	}
	/* a row's k + 2 points one after another: they run in lockstep */
	for (int m = 0; m < SOBOL_BLOCKS(k) && status == 0; m++)
		for (int j = 0; j < design.n; j++)
			sensitivity_sobol_point(&design, m, j,
						&x[((size_t)j * SOBOL_BLOCKS(k) + (size_t)m) * (size_t)k]);
	if (status == 0)
		status = design_evaluate(st, a->inputs, k, x, count, SOBOL_BLOCKS(k), pass, total, d);
	if (status == 0 && (unscramble(pass, count, k, design.n) != 0 ||
			    unscramble(total, count, k, design.n) != 0)) {
		diag_no_memory(d, _("estimating the Sobol' indices"));
		status = -1;
	}
	if (status == 0 && (sensitivity_sobol_estimate(&design, total, a->bootstrap, st->run.seed, &of_total) != 0 ||
			    sensitivity_sobol_estimate(&design, pass, a->bootstrap, st->run.seed, &of_pass) != 0)) {
		diag_no_memory(d, _("estimating the Sobol' indices"));
		status = -1;
	}
	if (status == 0) {
		a->samples = design.n;
		a->points = count;
		note_variation(a, pass, total, count);
		analysis_check_indices(a, d);
	}
	free(x);
	free(pass);
	free(total);
	sensitivity_sobol_design_free(&design);
	return status;
}

int analysis_run(struct study *st, const struct analysis_request *request,
		 struct analysis_result *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	if (request->k < 1 || request->k > LIMIT_INPUTS) {
		diag_add_at(d, DIAG_INPUT, NULL, 0, _("an analysis takes 1 to %d inputs"), LIMIT_INPUTS);
		return -1;
	}
	out->header = study_header(st, "sensitivity");
	out->method = request->method;
	out->k = request->k;
	memcpy(out->inputs, request->inputs, (size_t)request->k * sizeof *out->inputs);
	out->trajectories = request->trajectories;
	out->levels = request->levels;
	out->samples = request->samples;
	out->bootstrap = request->bootstrap;
	out->replicates = request->replicates;
	if (design_check_inputs(st, out->inputs, out->k, d) != 0)
		return -1;
	switch (request->method) {
	case ANALYSIS_TORNADO:
		return tornado(st, out, d);
	case ANALYSIS_MORRIS:
		return morris(st, out, d);
	default:
		return sobol(st, out, d);
	}
}

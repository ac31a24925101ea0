/*
 * sensitivity: the estimators against functions whose indices are known in
 * closed form, with fixed seeds; a design's points run in lockstep groups
 * give what each gives alone, and fail as one after another would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "design.h"
#include "sensitivity.h"

#define PI 3.14159265358979324

/* Ishigami with a = 7, b = 0.1 on x in [-pi, pi]^3. */
static double ishigami(const double *u)
{
	double x1 = -PI + 2.0 * PI * u[0], x2 = -PI + 2.0 * PI * u[1], x3 = -PI + 2.0 * PI * u[2];
	return sin(x1) + 7.0 * sin(x2) * sin(x2) + 0.1 * pow(x3, 4) * sin(x1);
}

/*
 * The closed-form indices (Ishigami and Homma 1990; Sobol' and Levitan 1999):
 * S = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244. Tolerance 0.02, as the
 * issue asks; with n = 50000 the estimators' standard errors are below 0.006.
 */
static void sobol_jansen_recovers_the_ishigami_indices(void **state)
{
	(void)state;
	const int k = 3, n = 50000;
	struct sobol_design d;
	assert_int_equal(sensitivity_sobol_design_make(&d, k, n, 20261122), 0);
	double *y = malloc((size_t)SOBOL_BLOCKS(k) * n * sizeof *y);
	double x[3];
	for (int m = 0; m < SOBOL_BLOCKS(k); m++)
		for (int j = 0; j < n; j++) {
			sensitivity_sobol_point(&d, m, j, x);
			y[(size_t)m * n + j] = ishigami(x);
		}
	double first[3], first_lo[3], first_hi[3], total[3], total_lo[3], total_hi[3];
	struct sobol_indices out = {first, first_lo, first_hi, total, total_lo, total_hi, 0.0};
	assert_int_equal(sensitivity_sobol_estimate(&d, y, 200, 7, &out), 0);
	const double s[3] = {0.3139, 0.4424, 0.0}, st[3] = {0.5576, 0.4424, 0.2437};
	for (int i = 0; i < k; i++) {
		assert_close(first[i], s[i], 0.02);
		assert_close(total[i], st[i], 0.02);
		/* the bootstrap intervals hold the estimate and are narrow */
		assert_true(first_lo[i] <= first[i] && first[i] <= first_hi[i]);
		assert_true(total_lo[i] <= total[i] && total[i] <= total_hi[i]);
		assert_true(first_hi[i] - first_lo[i] < 0.05);
		assert_true(total_hi[i] - total_lo[i] < 0.05);
	}
	/* the output variance: a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.845 */
	assert_close(out.variance, 13.8446, 0.3);
	free(y);
	sensitivity_sobol_design_free(&d);
}

/* A linear model: every elementary effect of x_i is exactly c_i. */
static void morris_effects_of_a_linear_model_are_its_coefficients(void **state)
{
	(void)state;
	const int k = 4, r = 12, levels = 4;
	const double c[4] = {3.0, -2.0, 0.5, 0.0};
	struct morris_design d;
	assert_int_equal(sensitivity_morris_design_make(&d, k, r, levels, 99), 0);
	assert_close(d.delta, 4.0 / 6.0, 1e-15);
	double *y = malloc((size_t)r * (k + 1) * sizeof *y);
	for (int p = 0; p < r * (k + 1); p++) {
		const double *x = &d.points[(size_t)p * k];
		y[p] = 1.0;
		for (int i = 0; i < k; i++) {
			assert_true(x[i] >= -1e-12 && x[i] <= 1.0 + 1e-12); /* on the grid, in [0, 1] */
			y[p] += c[i] * x[i];
		}
	}
	double mu_star[4], mu[4], sigma[4];
	sensitivity_morris_effects(&d, y, mu_star, mu, sigma);
	for (int i = 0; i < k; i++) {
		assert_close(mu[i], c[i], 1e-9);
		assert_close(mu_star[i], fabs(c[i]), 1e-9);
		assert_close(sigma[i], 0.0, 1e-9);
	}
	free(y);
	sensitivity_morris_design_free(&d);
}

/* y = x1 * x2: the effects of x1 vary with x2, so sigma is positive. */
static void morris_sigma_reveals_interaction(void **state)
{
	(void)state;
	const int k = 3, r = 20;
	struct morris_design d;
	assert_int_equal(sensitivity_morris_design_make(&d, k, r, 4, 5), 0);
	double *y = malloc((size_t)r * (k + 1) * sizeof *y);
	for (int p = 0; p < r * (k + 1); p++) {
		const double *x = &d.points[(size_t)p * k];
		y[p] = x[0] * x[1];
	}
	double mu_star[3], mu[3], sigma[3];
	sensitivity_morris_effects(&d, y, mu_star, mu, sigma);
	assert_true(sigma[0] > 0.1 && sigma[1] > 0.1);
	assert_close(mu_star[2], 0.0, 1e-12);
	free(y);
	sensitivity_morris_design_free(&d);
}

/* A city of two districts whose policy's week hook fails in a replication
 * with probability params.fail (the replication's own stream: where a
 * point first fails depends on its value). */
static const char design_scenario[] =
	"version = 1;\n"
	"campaign:   { weeks = 3; };\n"
	"inspection: { window = [2, 3]; batches = 1; };\n"
	"categories = ( { name = \"main_road\"; weight = 40.0; deduction = 0.25; lottery = 2; },\n"
	"               { name = \"market\"; weight = 30.0; deduction = 0.5; lottery = 2; } );\n"
	"defaults = { sites = 10; declared = 5; problems = 12; new_per_week = 1.5;\n"
	"             rectify_rate = 0.2; rebound = 0.05; };\n"
	"districts = ( { name = \"A\"; population = 100000.0; satisfaction = 0.9; },\n"
	"              { name = \"B\"; population = 50000.0; satisfaction = 0.85; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"pass:   { rule = \"threshold\"; threshold = 55.0; };\n"
	"policies = ( { plugin = \"failing\"; params = { fail = 0.0; }; } );\n";

static const char failing_plugin[] =
	"local p = { name = \"failing\", description = \"fails now and then\", params = { fail = 0 } }\n"
	"function p.week(state, params, targets)\n"
	"  if state.week == 1 and state.random() < params.fail then\n"
	"    error(string.format('failed at %g', params.fail))\n"
	"  end\n"
	"end\n"
	"return p\n";

static void write_text(const char *path, const char *text)
{
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

/* The first error of D as printed, into OUT. */
static void first_error(const struct diag *d, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < d->count; i++)
		if (d->entries[i].kind != DIAG_WARNING) {
			diag_format(d, &d->entries[i], out, size);
			return;
		}
}

/* Each point alone (design_run_point): 0 with its P(pass) and mean Total,
 * or -1 with its first error in WHY. */
static int point_alone(struct study *st, const struct design_input *inputs, int k, const double *x,
		       double *pass, double *total, char *why, size_t size)
{
	struct parameter_setting settings[4];
	for (int i = 0; i < k; i++)
		settings[i] = (struct parameter_setting){inputs[i].path, design_value(&inputs[i], x[i]), 0, 0};
	struct run_options saved = st->run;
	st->run.threads = 1;
	struct design_point out;
	struct diag d;
	diag_init(&d, NULL);
	int status = design_run_point(st, settings, k, &out, &d);
	st->run = saved;
	first_error(&d, why, size);
	diag_free(&d);
	*pass = out.pass;
	*total = out.total_mean;
	return status;
}

/*
 * Points in groups of 3 run in lockstep on 1 and 3 threads give, to the
 * bit, what each point gives alone; when points fail, the first failing
 * point's error is the one reported, as point by point (a later point of a
 * group may fail in an earlier replication), and a preparation's failure
 * names the file while a run's does not.
 */
static void design_groups_run_as_points_alone(void **state)
{
	(void)state;
	char dir[64] = "/tmp/ccsim-design-XXXXXX", file[128], plugin[128];
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/city.cfg", dir);
	snprintf(plugin, sizeof plugin, "%s/failing.lua", dir);
	write_text(file, design_scenario);
	write_text(plugin, failing_plugin);
	const char *files[1] = {file};
	enum { K = 3, POINTS = 9, GROUP = 3 };
	struct design_input inputs[K] = {
		{.path = "defaults.rectify_rate", .lo = 0.1, .hi = 1.5},
		{.path = "districts.B.rebound", .lo = 0.0, .hi = 0.2},
		{.path = "policies.1.params.fail", .lo = 0.0, .hi = 0.2},
	};
	/* rectification above 1 past u = 0.643: such a point cannot be prepared */
	const double fine[POINTS][K] = {
		{0.2, 0.5, 0}, {0.2, 0.9, 0}, {0.6, 0.5, 0}, {0.3, 0.1, 0}, {0.1, 0.1, 0},
		{0.3, 0.7, 0}, {0.5, 0.2, 0}, {0.5, 0.6, 0}, {0.05, 0.3, 0}};
	/* group 1: point 4 fails late, point 5 early; group 2: point 7 cannot be prepared */
	const double failing[POINTS][K] = {
		{0.2, 0.5, 0}, {0.2, 0.9, 0}, {0.6, 0.5, 0}, {0.3, 0.1, 0}, {0.3, 0.1, 0.05},
		{0.3, 0.1, 1.0}, {0.5, 0.2, 0}, {0.9, 0.6, 0}, {0.05, 0.3, 0.5}};
	const double unpreparable[POINTS][K] = {
		{0.2, 0.5, 0}, {0.2, 0.9, 0}, {0.6, 0.5, 0}, {0.3, 0.1, 0}, {0.3, 0.1, 0},
		{0.3, 0.1, 0}, {0.5, 0.2, 0}, {0.9, 0.6, 0}, {0.05, 0.3, 0.5}};
	for (int threads = 1; threads <= 3; threads += 2) {
		struct study st;
		struct diag d;
		diag_init(&d, NULL);
		struct study_request request = {.have_reps = 1, .reps = 300, .have_seed = 1, .seed = 11,
						 .threads = threads};
		assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
		double pass[POINTS], total[POINTS], alone_pass, alone_total;
		char why[2048], alone[2048];
		double one_pass[POINTS], one_total[POINTS];
		assert_int_equal(design_evaluate(&st, inputs, K, &fine[0][0], POINTS, GROUP, pass, total, &d), 0);
		assert_int_equal(design_evaluate(&st, inputs, K, &fine[0][0], POINTS, 1, one_pass, one_total, &d),
				 0);
		for (int p = 0; p < POINTS; p++) {
			assert_int_equal(point_alone(&st, inputs, K, fine[p], &alone_pass, &alone_total,
						     alone, sizeof alone), 0);
			assert_true(pass[p] == alone_pass && total[p] == alone_total);
			assert_true(one_pass[p] == alone_pass && one_total[p] == alone_total);
		}
		assert_int_equal(d.count, 0);

		/* point 4 is the first to fail alone; point 5 fails in an earlier replication */
		char four[2048], five[2048];
		assert_int_equal(point_alone(&st, inputs, K, failing[4], &alone_pass, &alone_total, four,
					     sizeof four), -1);
		assert_int_equal(point_alone(&st, inputs, K, failing[5], &alone_pass, &alone_total, five,
					     sizeof five), -1);
		assert_non_null(strstr(four, "failed at 0.01"));
		const char *at_four = strstr(four, "(replication "), *at_five = strstr(five, "(replication ");
		assert_true(at_four != NULL && at_five != NULL);
		assert_true(atoi(at_five + 13) < atoi(at_four + 13));
		assert_int_equal(design_evaluate(&st, inputs, K, &failing[0][0], POINTS, GROUP, pass, total, &d),
				 -1);
		first_error(&d, why, sizeof why);
		if (strcmp(why, four) != 0)
			print_error("reported '%s', point by point '%s'\n", why, four);
		assert_string_equal(why, four);
		assert_null(st.failed_file);
		diag_free(&d);

		/* point 7 cannot be prepared: its reason, and the file named */
		diag_init(&d, NULL);
		assert_int_equal(design_evaluate(&st, inputs, K, &unpreparable[0][0], POINTS, GROUP, pass,
						 total, &d), -1);
		first_error(&d, why, sizeof why);
		assert_non_null(strstr(why, "rectify_rate"));
		assert_string_equal(st.failed_file, file);
		diag_free(&d);
		study_close(&st);
	}
	unlink(file);
	unlink(plugin);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sobol_jansen_recovers_the_ishigami_indices),
		cmocka_unit_test(morris_effects_of_a_linear_model_are_its_coefficients),
		cmocka_unit_test(morris_sigma_reveals_interaction),
		cmocka_unit_test(design_groups_run_as_points_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

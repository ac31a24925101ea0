/*
 * solve: bisection on common random numbers finds a known root. In the
 * survey-only scenario of test_model.c, Total = 40 + Y / 10 with Y ~
 * Binomial(200, 0.82) respondents satisfied (vetoed under Y = 160), so
 * P(pass) at threshold t is P(Y >= 10 (t - 40)) for t >= 56: a target
 * between P(Y >= 165) and P(Y >= 166) is reached up to t = 56.5 exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "solve.h"
#include "stats.h"
#include "temp_file.h"

static const char survey_only[] =
	"version = 1;\n"
	"campaign: { weeks = 2; };\n"
	"inspection: { window = [1, 2]; batches = 2; };\n"
	"categories = ( { name = \"c\"; weight = 40.0; deduction = 0.0; lottery = 1; } );\n"
	"defaults: { sites = 3; declared = 2; problems = 5; new_per_week = 1.0; rectify_rate = 0.5; rebound = 0.1; };\n"
	"districts = ( { name = \"a\"; population = 3.0; satisfaction = 0.82; },\n"
	"              { name = \"b\"; population = 1.0; satisfaction = 0.82; } );\n"
	"survey: { respondents = 200; weight = 20.0; veto_below = 80.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 56.45; };\n";

static double at_least(int k)
{
	double p = 0.0;
	for (int y = k; y <= 200; y++)
		p += stats_binomial_pmf(y, 200, 0.82);
	return p;
}

static void open_survey_only(struct study *st, char *path)
{
	write_temp_file(path, survey_only);
	const char *files[1] = {path};
	struct study_request request = {.have_seed = 1, .seed = 3, .have_reps = 1, .reps = 20000,
					.threads = 2};
	struct diag d;
	diag_init(&d, NULL);
	int opened = study_open(st, files, 1, &request, &d);
	diag_print(&d, stderr);
	assert_int_equal(opened, 0);
	diag_free(&d);
}

static void finds_the_threshold_of_the_binomial(void **state)
{
	(void)state;
	char path[64];
	struct study st;
	open_survey_only(&st, path);
	/* halfway between the two steps, about 0.035 from either: ten standard errors */
	double target = 0.5 * (at_least(165) + at_least(166));
	struct solve_problem problem = {"pass.threshold", 55.9, 58.1, target, 0.02};
	struct solve_result r;
	struct diag d;
	diag_init(&d, NULL);
	int solved = solve_run(&st, &problem, &r, &d);
	diag_print(&d, stderr);
	assert_int_equal(solved, 0);
	assert_true(r.found);
	/* the exact boundary 56.5 lies in the bracket, no wider than the tolerance */
	print_message("reached %.4f (P %.4f), missed %.4f (P %.4f), target %.4f\n", r.reached.value,
		      r.reached.at.pass, r.missed.value, r.missed.at.pass, target);
	assert_true(r.reached.value <= 56.5 + 1e-9 && r.missed.value > 56.5 - 1e-9);
	assert_true(r.missed.value - r.reached.value <= 0.02 + 1e-9);
	assert_true(fabs(r.reached.value - 56.5) <= 0.02 + 1e-9);
	assert_true(r.reached.at.pass >= target && r.missed.at.pass < target);
	assert_true(r.evaluations <= 2 + 8);
	study_close(&st);
	diag_free(&d);
	unlink(path);
}

/* P(pass) is P(Y >= 160), about 0.78, at most anywhere: 0.95 is out of reach. */
static void says_when_the_target_lies_outside(void **state)
{
	(void)state;
	char path[64];
	struct study st;
	open_survey_only(&st, path);
	struct solve_problem problem = {"pass.threshold", 55.9, 58.1, 0.95, 0.02};
	struct solve_result r;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(solve_run(&st, &problem, &r, &d), 0);
	assert_false(r.found);
	assert_int_equal(r.evaluations, 2);
	assert_true(r.reached.value == 55.9 && r.missed.value == 58.1);
	assert_true(r.reached.at.pass < 0.95 && r.missed.at.pass < 0.95);
	assert_true(fabs(r.reached.at.pass - at_least(160)) < 0.02);
	study_close(&st);
	diag_free(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_threshold_of_the_binomial),
		cmocka_unit_test(says_when_the_target_lies_outside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

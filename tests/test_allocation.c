/*
 * allocation: the greedy allocation against exhaustive search over every
 * allocation of a small budget, all on common random numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocation.h"
#include "temp_file.h"

/* Three districts whose intersections carry the field score; officers cut
 * new problems with diminishing returns (plugins/extra_enforcement.lua). */
static const char scenario_text[] =
	"version = 1;\n"
	"campaign: { weeks = 8; };\n"
	"inspection: { window = [6, 8]; batches = 2; };\n"
	"categories = ( { name = \"intersection\"; weight = 40.0; deduction = 0.3; lottery = 3; random_view = 3; prepared = 0.8; } );\n"
	"defaults: { sites = 10; declared = 4; rectify_rate = 0.2; rebound = 0.05; };\n"
	"districts = (\n"
	"  { name = \"Busy\"; population = 1.0; satisfaction = 0.9; problems = 40; new_per_week = 9.0; },\n"
	"  { name = \"Middling\"; population = 1.0; satisfaction = 0.9; problems = 25; new_per_week = 5.0; },\n"
	"  { name = \"Calm\"; population = 1.0; satisfaction = 0.9; problems = 10; new_per_week = 2.0; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 37.0; };\n"
	"policies = ( { plugin = \"extra_enforcement\"; params = { officers = 0; efficiency = 0.3; }; } );\n";

static void greedy_matches_exhaustive_search(void **state)
{
	(void)state;
	char path[64];
	write_temp_file(path, scenario_text);

	const char *files[1] = {path};
	struct study_request request = {.have_seed = 1, .seed = 11, .have_reps = 1,
					.reps = 6000, .threads = 2};
	struct study st;
	struct diag diags;
	diag_init(&diags, NULL);
	int opened = study_open(&st, files, 1, &request, &diags);
	diag_print(&diags, stderr);
	assert_int_equal(opened, 0);
	struct allocation_problem problem = {0, "officers", 30.0, 10.0};
	struct allocation greedy;
	assert_int_equal(allocation_greedy(&st, &problem, &greedy, &diags), 0);
	assert_int_equal(greedy.n_targets, 3);
	assert_int_equal(greedy.n_steps, 3);
	double spent = 0.0;
	for (int d = 0; d < 3; d++)
		spent += greedy.amounts[d];
	assert_true(spent == 30.0);

	/* every way to give 3 steps of 10 to 3 districts, and the greedy's own,
	 * evaluated together on the same random numbers */
	double amounts[11][3];
	int n = 0;
	for (int a = 0; a <= 3; a++)
		for (int b = 0; a + b <= 3; b++) {
			amounts[n][0] = 10.0 * a;
			amounts[n][1] = 10.0 * b;
			amounts[n][2] = 10.0 * (3 - a - b);
			n++;
		}
	memcpy(amounts[n], greedy.amounts, sizeof amounts[n]);
	n++;
	struct run_result results[11];
	struct pairing pairings[11];
	assert_int_equal(allocation_evaluate(&st, &problem, 3, &amounts[0][0], n, results, pairings, &diags), 0);
	int best = 0;
	for (int i = 1; i < n - 1; i++)
		if (results[i].tally->passes > results[best].tally->passes)
			best = i;
	int64_t greedy_passes = results[n - 1].tally->passes;
	/* the greedy allocation is the best one, or passes as often */
	if (greedy_passes != results[best].tally->passes)
		print_error("greedy %g/%g/%g passes %lld times, the best %g/%g/%g %lld times\n",
			    greedy.amounts[0], greedy.amounts[1], greedy.amounts[2], (long long)greedy_passes,
			    amounts[best][0], amounts[best][1], amounts[best][2],
			    (long long)results[best].tally->passes);
	assert_int_equal(greedy_passes, results[best].tally->passes);
	/* and the busy district, where officers prevent the most, gets the most */
	assert_true(greedy.amounts[0] >= greedy.amounts[1] && greedy.amounts[1] >= greedy.amounts[2]);
	/* the officers matter: the best beats none at all clearly */
	assert_true(results[best].tally->passes > results[0].tally->passes + 100);
	for (int i = 0; i < n; i++)
		run_result_free(&results[i]);
	allocation_free(&greedy);
	study_close(&st);
	assert_int_equal(diags.count, 0);
	diag_free(&diags);
	unlink(path);
}

/* The scenario of the exhaustive test with its policy replaced by POLICY. */
static struct study open_with(char *path, const char *policy, int64_t reps)
{
	char text[4096];
	const char *cut = strstr(scenario_text, "policies = (");
	snprintf(text, sizeof text, "%.*s%s", (int)(cut - scenario_text), scenario_text, policy);
	write_temp_file(path, text);
	const char *files[1] = {path};
	struct study_request request = {.have_seed = 1, .seed = 5, .have_reps = 1, .reps = reps,
					.threads = 2};
	struct study st;
	struct diag diags;
	diag_init(&diags, NULL);
	int opened = study_open(&st, files, 1, &request, &diags);
	diag_print(&diags, stderr);
	assert_int_equal(opened, 0);
	diag_free(&diags);
	return st;
}

/* Officers with no effect: nothing gains, nothing is allocated, it says so. */
static void no_effect_allocates_nothing(void **state)
{
	(void)state;
	char path[64];
	struct study st = open_with(path, "policies = ( { plugin = \"extra_enforcement\"; "
				    "params = { officers = 0; efficiency = 0.0; }; } );\n", 500);
	struct allocation_problem problem = {0, "officers", 30.0, 10.0};
	struct allocation a;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(allocation_greedy(&st, &problem, &a, &d), 0);
	assert_int_equal(a.n_steps, 0);
	assert_true(a.no_gain);
	assert_true(a.unspent == 30.0);
	for (int t = 0; t < a.n_targets; t++)
		assert_true(a.amounts[t] == 0.0);
	allocation_free(&a);
	study_close(&st);
	diag_free(&d);
	unlink(path);
}

/* rebound_cut is a share within [0, 1]: a district's second step of 0.6 is
 * refused by the plugin and skipped with its message, the others go on. */
static void step_out_of_range_is_skipped(void **state)
{
	(void)state;
	char path[64];
	struct study st = open_with(path, "policies = ( { plugin = \"road_chief\"; params = { "
				    "rebound_cut = 0.0; categories = [\"intersection\"]; }; } );\n", 500);
	struct allocation_problem problem = {0, "rebound_cut", 2.4, 0.6};
	struct allocation a;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(allocation_greedy(&st, &problem, &a, &d), 0);
	assert_int_equal(a.n_steps, 3);
	assert_int_equal(a.n_skipped, 3);
	for (int t = 0; t < a.n_targets; t++)
		assert_true(fabs(a.amounts[t] - 0.6) < 1e-12);
	for (int i = 0; i < a.n_skipped; i++) {
		assert_true(fabs(a.skipped[i].amount - 1.2) < 1e-12);
		assert_non_null(strstr(a.skipped[i].reason, "within [0, 1]"));
	}
	assert_true(fabs(a.unspent - 0.6) < 1e-9);
	allocation_free(&a);
	study_close(&st);
	assert_int_equal(d.count, 0);
	diag_free(&d);
	unlink(path);
}

/* Two identical districts: which one gets the step is a coin toss, and the
 * step says so; a budget of 25 in steps of 10 leaves 5. */
static void coin_toss_is_unresolved(void **state)
{
	(void)state;
	char path[64];
	char text[4096];
	snprintf(text, sizeof text, "%s", scenario_text);
	/* Calm made a copy of Middling */
	char *calm = strstr(text, "{ name = \"Calm\"; population = 1.0; satisfaction = 0.9; problems = 10; new_per_week = 2.0; }");
	assert_non_null(calm);
	const char twin[] = "{ name = \"Twin\"; population = 1.0; satisfaction = 0.9; problems = 25; new_per_week = 5.0; }";
	memcpy(calm, twin, strlen(twin));
	write_temp_file(path, text);
	const char *files[1] = {path};
	struct study_request request = {.have_seed = 1, .seed = 5, .have_reps = 1, .reps = 400,
					.threads = 2};
	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(study_open(&st, files, 1, &request, &d), 0);
	/* Busy is far ahead at first; the twins only compete later */
	struct allocation_problem problem = {0, "officers", 25.0, 10.0};
	struct allocation a;
	assert_int_equal(allocation_greedy(&st, &problem, &a, &d), 0);
	assert_int_equal(a.n_steps, 2);
	assert_true(fabs(a.unspent - 5.0) < 1e-9);
	assert_true(a.unresolved >= 1);
	int unresolved = 0;
	for (int i = 0; i < a.n_steps; i++)
		unresolved += !a.steps[i].resolved;
	assert_int_equal(unresolved, a.unresolved);
	allocation_free(&a);
	study_close(&st);
	diag_free(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(greedy_matches_exhaustive_search),
		cmocka_unit_test(no_effect_allocates_nothing),
		cmocka_unit_test(step_out_of_range_is_skipped),
		cmocka_unit_test(coin_toss_is_unresolved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * optimize (docs/model.md 9): the greedy plan against every split of the
 * budget evaluated on common random numbers, the holdout's own streams,
 * --target, a lever with no effect, a step out of the parameter's range,
 * the step's decision rule (identical candidates resolved at once, a
 * clearly worse one dropped after the first round, the same at any thread
 * count).
 * The scenario and its test plugins: tests/data/optimize/.
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

#include "optimize.h"
#include "rng.h"

#define SMALL CCSIM_SOURCE_DIR "/tests/data/optimize/small.cfg"
#define TWINS CCSIM_SOURCE_DIR "/tests/data/optimize/twins.cfg"

static struct study open_file(const char *file)
{
	const char *files[1] = {file};
	struct study_request request = {.have_seed = 1, .seed = 7, .have_reps = 1, .reps = 1000,
					.threads = 2};
	struct study st;
	struct diag d;
	diag_init(&d, NULL);
	int opened = study_open(&st, files, 1, &request, &d);
	diag_print(&d, stderr);
	assert_int_equal(opened, 0);
	diag_free(&d);
	return st;
}

static struct study open_small(void)
{
	return open_file(SMALL);
}

/* Runs PROBLEM (levers, budget and reps set by the caller) on ST. */
static void run(struct study *st, struct optimize_problem *problem, struct optimize_result *r)
{
	struct diag d;
	diag_init(&d, NULL);
	int status = optimize_run(st, problem, &st->run, r, &d);
	diag_print(&d, stderr);
	assert_int_equal(status, 0);
	diag_free(&d);
	assert_true(r->complete);
}

static const struct optimize_lever crews = {"crews", 0, "staff", 1.0, 2.0, 20.0, NULL, 0};
static const struct optimize_lever helpers = {"helpers", 1, "staff", 1.0, 2.0, 10.0, NULL, 0};
static const struct optimize_lever clerks = {"clerks", 2, "clerks", 1.0, 2.0, 20.0, NULL, 0};

static struct optimize_problem problem_of(const struct optimize_lever *levers, int n, double budget)
{
	struct optimize_problem p = {.n_levers = n, .levers = levers, .budget = budget, .unit = "staff",
				     .reps = 2000, .max_reps = 16000, .indifference = 0.001,
				     .holdout_reps = 0, .target = 0.0};
	return p;
}

/* The scenario's levers read from the file are those of the tests. */
static void scenario_levers_are_read(void **state)
{
	(void)state;
	struct study st = open_small();
	struct optimize_lever levers[LIMIT_LEVERS];
	assert_int_equal(optimize_scenario_levers(&st, levers), 2);
	assert_string_equal(levers[1].name, "helpers");
	assert_int_equal(levers[1].policy, 1);
	assert_true(levers[1].unit_cost == 0.5 && levers[1].step == 2.0 && levers[1].max == 10.0);
	assert_true(st.base.scenario->budget.present && st.base.scenario->budget.total == 12.0);
	assert_int_equal(levers[0].line, 21);
	study_close(&st);
}

/* A bad lever is refused when the file is read, each problem at its line. */
static void bad_levers_are_refused_at_their_lines(void **state)
{
	(void)state;
	static const char text[] =
		"version = 2;\n"
		"campaign: { weeks = 2; };\n"
		"inspection: { window = [1, 2]; batches = 1; };\n"
		"categories = ( { name = \"street\"; weight = 40.0; deduction = 0.3; lottery = 2; } );\n"
		"defaults: { sites = 10; declared = 4; rectify_rate = 0.1; rebound = 0.05; problems = 5; new_per_week = 1.0; };\n"
		"districts = ( { name = \"A\"; population = 1.0; satisfaction = 0.9; } );\n"
		"survey: { respondents = 100; weight = 20.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 37.0; };\n"
		"policies = ( { plugin = \"crew\"; params = { staff = 0; gain = 0.2; tag = \"x\"; }; } );\n"
		"budget: { total = 0.0; };\n"
		"levers = (\n"
		"  { name = \"a\"; policy = 2; param = \"staff\"; unit_cost = 1.0; step = 2; max = 4; },\n"
		"  { name = \"b\"; policy = 1; param = \"tag\"; unit_cost = 0.0; step = 2; max = 4; },\n"
		"  { name = \"c\"; policy = 1; param = \"staff\"; unit_cost = 1.0; step = 4; max = 2; } );\n";
	struct diag d;
	diag_init(&d, NULL);
	struct scenario *s = scenario_load_string(text, &d);
	assert_null(s);
	/* budget, policy 2 of 1, a string parameter, unit_cost 0, max below step */
	static const struct {
		int line;
		const char *words;
	} expected[] = {{10, "'total' is 0"}, {12, "'policy' is 2 but the scenario has 1 policy"},
			{13, "not a number"}, {13, "'unit_cost' is 0"}, {14, "'max' (2) is below 'step' (4)"}};
	for (size_t k = 0; k < sizeof expected / sizeof *expected; k++) {
		int found = 0;
		for (int i = 0; i < d.count && !found; i++)
			found = d.entries[i].line == expected[k].line &&
				strstr(d.entries[i].message, expected[k].words) != NULL;
		if (!found) {
			diag_print(&d, stderr);
			print_error("no message at line %d saying %s\n", expected[k].line, expected[k].words);
		}
		assert_true(found);
	}
	assert_int_equal(d.count, 5);
	diag_free(&d);
}

/*
 * 2 levers, 3 districts, a budget of 6 steps of equal cost: every split of
 * the 6 steps (each district at most 2 steps of each lever) and the
 * greedy's plan on the same random numbers at 20000 replications; the
 * greedy's plan passes within the indifference zone, widened by the 95 %
 * interval of the paired difference, of the best split.
 */
static void plan_matches_exhaustive_best(void **state)
{
	(void)state;
	struct study st = open_small();
	struct optimize_lever levers[2] = {crews, helpers};
	levers[0].max = 4.0;
	struct optimize_problem problem = problem_of(levers, 2, 12.0);
	problem.max_reps = 8000;
	struct optimize_result r;
	run(&st, &problem, &r);
	assert_int_equal(r.n_steps, 6);
	assert_true(r.spent == 12.0);

	/* every split: x crews' steps and y helpers' steps per district (141) */
	enum { MOST = 200 };
	double *plans = calloc((size_t)MOST * 6, sizeof *plans);
	assert_non_null(plans);
	int n = 1;  /* plan 0: the greedy's */
	for (int c = 0; c < 3; c++) {
		plans[c] = r.plans[0].amounts[c];
		plans[3 + c] = r.plans[1].amounts[c];
	}
	for (int code = 0; code < 3 * 3 * 3 * 3 * 3 * 3; code++) {
		int k = code, steps[6], sum = 0;
		for (int i = 0; i < 6; i++) {
			int base = 3;
			steps[i] = k % base;
			k /= base;
			sum += steps[i];
		}
		if (sum != 6)
			continue;
		assert_true(n < MOST);
		for (int i = 0; i < 6; i++)
			plans[(size_t)n * 6 + (size_t)i] = 2.0 * steps[i];
		n++;
	}
	struct run_options at = st.run;
	at.replications = 5000;
	struct run_result *results = calloc((size_t)n, sizeof *results);
	struct pairing *pairings = calloc((size_t)n, sizeof *pairings);
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(optimize_evaluate(&st, &r, plans, n, &at, results, pairings, &d), 0);
	int best = 1;
	for (int i = 2; i < n; i++)
		if (results[i].tally->passes > results[best].tally->passes)
			best = i;
	/* pairings[best] holds best - greedy */
	double gap = pairings[best].pass_difference.mean;
	double half = pairing_half_width(&pairings[best].pass_difference, pairings[best].n);
	int worst = 1;
	for (int i = 2; i < n; i++)
		if (results[i].tally->passes < results[worst].tally->passes)
			worst = i;
	if (getenv("TEST_VERBOSE"))
		print_message("greedy %g %g %g | %g %g %g: %.4f; best %.4f, worst %.4f, gap %.4f +- %.4f\n",
			      plans[0], plans[1], plans[2], plans[3], plans[4], plans[5],
			      study_pass_share(&results[0]), study_pass_share(&results[best]),
			      study_pass_share(&results[worst]), gap, half);
	if (gap > problem.indifference + half)
		print_error("greedy passes %.4f, the best split %.4f (+-%.4f)\n",
			    study_pass_share(&results[0]), study_pass_share(&results[best]), half);
	assert_true(gap <= problem.indifference + half);
	/* the budget matters: the best beats the base clearly */
	assert_true(study_pass_share(&results[best]) > r.base.value + 0.1);
	for (int i = 0; i < n; i++)
		run_result_free(&results[i]);
	free(results);
	free(pairings);
	free(plans);
	optimize_free(&r);
	study_close(&st);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * The holdout runs under its own seed and on replication indices past
 * every one the search ran: no (seed, replication) pair of the search is
 * one of the holdout's, and the first draws of every stream the holdout
 * reads differ from every one the search read.
 */
static void holdout_shares_no_stream_with_the_search(void **state)
{
	(void)state;
	struct study st = open_small();
	struct optimize_lever levers[1] = {crews};
	struct optimize_problem problem = problem_of(levers, 1, 6.0);
	problem.max_reps = 4000;
	problem.holdout_reps = 3000;
	struct optimize_result r;
	run(&st, &problem, &r);
	assert_true(r.holdout.done);
	assert_true(r.holdout.seed != st.run.seed);
	assert_true(r.holdout.seed == optimize_holdout_seed(st.run.seed));
	assert_true(r.holdout.reps == 3000);
	/* nor any replication index: the holdout's come after every one the search ran */
	assert_true(r.holdout.first == (uint64_t)problem.max_reps);
	for (int i = 0; i < r.n_steps; i++)
		assert_true(r.steps[i].reps <= problem.max_reps);
	/* every substream of a replication starts from its Philox block: the
	 * search's replications 0 .. max_reps - 1 against the holdout's */
	int64_t searched = problem.max_reps;
	uint64_t *seen = calloc((size_t)searched * 3, sizeof *seen);
	assert_non_null(seen);
	static const uint64_t substreams[3] = {RNG_SUBSTREAM_INSPECTION, RNG_SUBSTREAM_SURVEY,
					       RNG_SUBSTREAM_CELLS};
	for (int64_t i = 0; i < searched; i++)
		for (int k = 0; k < 3; k++) {
			struct rng g;
			rng_init(&g, st.run.seed, (uint64_t)i, substreams[k]);
			seen[i * 3 + k] = rng_next(&g);
		}
	qsort(seen, (size_t)searched * 3, sizeof *seen, compare_u64);
	for (int64_t i = 0; i < r.holdout.reps; i++)
		for (int k = 0; k < 3; k++) {
			struct rng g;
			rng_init(&g, r.holdout.seed, r.holdout.first + (uint64_t)i, substreams[k]);
			uint64_t first = rng_next(&g);
			assert_null(bsearch(&first, seen, (size_t)searched * 3, sizeof *seen, compare_u64));
		}
	free(seen);
	/* the holdout's own estimates: the plan beats the base it was built on */
	assert_true(r.holdout.vs_base.lo > 0.0);
	assert_true(r.holdout.plan.lo <= r.holdout.plan.value && r.holdout.plan.value <= r.holdout.plan.hi);
	assert_true(r.holdout.even_available);
	optimize_free(&r);
	study_close(&st);
}

/* --target: the plan stops at the first step whose P(pass) reaches it, the
 * same steps as without a target up to there. */
static void target_stops_at_the_right_step(void **state)
{
	(void)state;
	struct study st = open_small();
	struct optimize_lever levers[2] = {crews, helpers};
	struct optimize_problem problem = problem_of(levers, 2, 12.0);
	problem.max_reps = 4000;
	struct optimize_result all;
	run(&st, &problem, &all);
	assert_true(all.n_steps >= 4);
	/* the first step clearly above every earlier point of the frontier */
	int k = -1;
	double before = all.base.value;
	for (int i = 0; i < all.n_steps && k < 0; i++) {
		if (i >= 1 && all.steps[i].pass.value > before + 0.01)
			k = i;
		before = fmax(before, all.steps[i].pass.value);
	}
	assert_true(k >= 1);
	problem.target = 0.5 * (before + all.steps[k].pass.value);
	struct optimize_result hit;
	run(&st, &problem, &hit);
	assert_int_equal(hit.stop, OPTIMIZE_STOP_TARGET);
	assert_true(hit.target_reached);
	assert_int_equal(hit.n_steps, k + 1);
	for (int i = 0; i <= k; i++) {
		assert_int_equal(hit.steps[i].lever, all.steps[i].lever);
		assert_int_equal(hit.steps[i].district, all.steps[i].district);
	}
	assert_true(hit.spent == all.steps[k].cumulative);
	/* a target above anything the budget buys is not reached */
	problem.target = 0.999;
	struct optimize_result miss;
	run(&st, &problem, &miss);
	assert_false(miss.target_reached);
	optimize_free(&all);
	optimize_free(&hit);
	optimize_free(&miss);
	study_close(&st);
}

/* Clerks change nothing: their lever gets no step and says why. */
static void no_effect_lever_allocates_nothing(void **state)
{
	(void)state;
	struct study st = open_small();
	struct optimize_lever levers[2] = {clerks, crews};
	struct optimize_problem problem = problem_of(levers, 2, 8.0);
	problem.max_reps = 2000;
	struct optimize_result r;
	run(&st, &problem, &r);
	assert_int_equal(r.plans[0].n_steps, 0);
	assert_true(r.plans[0].spent == 0.0);
	assert_int_equal(r.plans[0].verdict, OPTIMIZE_LEVER_NO_EFFECT);
	for (int t = 0; t < 3; t++)
		assert_true(r.plans[0].amounts[t] == 0.0);
	assert_int_equal(r.plans[1].verdict, OPTIMIZE_LEVER_USED);
	assert_int_equal(r.n_steps, 4);
	optimize_free(&r);

	/* alone, it stops at once: no candidate gains */
	struct optimize_problem alone = problem_of(levers, 1, 8.0);
	run(&st, &alone, &r);
	assert_int_equal(r.n_steps, 0);
	assert_int_equal(r.stop, OPTIMIZE_STOP_NO_GAIN);
	assert_int_equal(r.plans[0].verdict, OPTIMIZE_LEVER_NO_EFFECT);
	assert_true(r.unspent == 8.0);
	optimize_free(&r);
	study_close(&st);
}

/*
 * Helpers' plugin refuses more than 4 staff (its limit): a third step of 2
 * in a district is skipped with the plugin's message, and so is a step past
 * the lever's own max; no district ever holds more.
 */
static void step_out_of_range_skips_the_district(void **state)
{
	(void)state;
	struct study st = open_small();
	struct optimize_lever levers[1] = {helpers};
	struct optimize_problem problem = problem_of(levers, 1, 16.0);
	problem.max_reps = 2000;
	struct optimize_result r;
	run(&st, &problem, &r);
	assert_int_equal(r.n_steps, 6);  /* 3 districts, 2 steps each */
	assert_int_equal(r.stop, OPTIMIZE_STOP_NO_CANDIDATE);
	assert_int_equal(r.n_skipped, 3);
	for (int i = 0; i < r.n_skipped; i++) {
		assert_true(r.skipped[i].amount == 6.0);
		assert_non_null(strstr(r.skipped[i].reason, "staff must lie in [0, 4]"));
	}
	for (int t = 0; t < 3; t++)
		assert_true(r.plans[0].amounts[t] == 4.0);
	optimize_free(&r);

	/* the lever's max: 2, one step a district */
	levers[0].max = 2.0;
	run(&st, &problem, &r);
	assert_int_equal(r.n_steps, 3);
	assert_int_equal(r.n_skipped, 3);
	assert_non_null(strstr(r.skipped[0].reason, "max"));
	optimize_free(&r);
	study_close(&st);
}

/*
 * The decision rule (docs/model.md 7.6): in one district, a step of
 * "crews" and one of "twins" are the same crew, so the two candidates pass
 * in the same replications; their advantage is 0 with no spread, inside
 * the indifference zone: the step is resolved in its first round, and the
 * search ran the base and the two candidates --reps replications each
 * (the plan keeps the base's).
 */
static void identical_candidates_are_resolved_at_once(void **state)
{
	(void)state;
	struct study st = open_file(TWINS);
	struct optimize_lever levers[2] = {crews, crews};
	levers[1].name = "twins";
	levers[1].policy = 1;
	struct optimize_problem problem = problem_of(levers, 2, 2.0);
	struct optimize_result r;
	run(&st, &problem, &r);
	assert_int_equal(r.n_steps, 1);
	assert_true(r.steps[0].gain.value > 0.0);
	assert_true(r.steps[0].resolved);
	assert_int_equal(r.steps[0].reps, problem.reps);
	assert_true(r.steps[0].advantage_lo == 0.0);
	assert_int_equal(r.replications, 3 * problem.reps);
	optimize_free(&r);
	study_close(&st);
}

/*
 * A clearly worse candidate runs no more after the first round: "weak"
 * gains next to nothing in either district, the crews about as much in
 * East as in West (alike districts, their own draws). The first round
 * runs the four candidates --reps replications; the crews' two then run
 * on, and the plan with them, until separated or max_reps: the step costs
 * at most 4 reps + 3 (n - reps), n its replications, where running every
 * candidate to n would cost 5 n - reps.
 */
static void clearly_worse_candidate_is_dropped_after_the_first_round(void **state)
{
	(void)state;
	struct study st = open_file(TWINS);
	struct optimize_lever levers[2] = {crews, crews};
	levers[0].policy = 2;
	levers[1].name = "weak";
	levers[1].policy = 3;
	struct optimize_problem problem = problem_of(levers, 2, 2.0);
	struct optimize_result r;
	run(&st, &problem, &r);
	assert_int_equal(r.n_steps, 1);
	const struct optimize_step *s = &r.steps[0];
	assert_int_equal(s->lever, 0);
	if (getenv("TEST_VERBOSE"))
		print_message("district %d, gain %.4f, %lld replications, advantage_lo %.5f, %s; search %lld\n",
			      s->district, s->gain.value, (long long)s->reps, s->advantage_lo,
			      s->resolved ? "resolved" : "unresolved", (long long)r.replications);
	/* the alike districts took more than the first round to tell apart */
	assert_true(s->reps > problem.reps);
	int64_t search = r.replications - problem.reps;  /* the base's left out */
	assert_true(search <= 4 * problem.reps + 3 * (s->reps - problem.reps));
	assert_true(search < 5 * s->reps - problem.reps);
	optimize_free(&r);
	study_close(&st);
}

/*
 * Each variant's passes are kept replication by replication (the runner's
 * chunks in index order), so the search decides the same at any thread
 * count: 1 and 3 threads give the same steps, bit for bit.
 */
static void same_steps_at_any_thread_count(void **state)
{
	(void)state;
	struct optimize_result r[2];
	for (int k = 0; k < 2; k++) {
		struct study st = open_small();
		st.run.threads = k == 0 ? 1 : 3;
		struct optimize_lever levers[2] = {crews, helpers};
		struct optimize_problem problem = problem_of(levers, 2, 8.0);
		problem.max_reps = 4000;
		run(&st, &problem, &r[k]);
		study_close(&st);
	}
	assert_int_equal(r[0].n_steps, r[1].n_steps);
	assert_int_equal(r[0].replications, r[1].replications);
	for (int i = 0; i < r[0].n_steps; i++) {
		const struct optimize_step *a = &r[0].steps[i], *b = &r[1].steps[i];
		assert_int_equal(a->lever, b->lever);
		assert_int_equal(a->district, b->district);
		assert_int_equal(a->reps, b->reps);
		assert_int_equal(a->resolved, b->resolved);
		assert_memory_equal(&a->gain, &b->gain, sizeof a->gain);
		assert_memory_equal(&a->pass, &b->pass, sizeof a->pass);
		assert_memory_equal(&a->total_gain, &b->total_gain, sizeof a->total_gain);
		assert_memory_equal(&a->advantage_lo, &b->advantage_lo, sizeof a->advantage_lo);
	}
	optimize_free(&r[0]);
	optimize_free(&r[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scenario_levers_are_read),
		cmocka_unit_test(bad_levers_are_refused_at_their_lines),
		cmocka_unit_test(plan_matches_exhaustive_best),
		cmocka_unit_test(holdout_shares_no_stream_with_the_search),
		cmocka_unit_test(target_stops_at_the_right_step),
		cmocka_unit_test(no_effect_lever_allocates_nothing),
		cmocka_unit_test(step_out_of_range_skips_the_district),
		cmocka_unit_test(identical_candidates_are_resolved_at_once),
		cmocka_unit_test(clearly_worse_candidate_is_dropped_after_the_first_round),
		cmocka_unit_test(same_steps_at_any_thread_count),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}

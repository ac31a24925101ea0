/*
 * The model of docs/model.md section 3 against closed forms, and the runner's
 * reproducibility. Statistical checks use fixed seeds; each states its
 * tolerance in standard errors (Z_TOLERANCE) of the Monte Carlo estimate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"
#include "comparable_json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "replication.h"
#include "report.h"
#include "runner.h"
#include "sample.h"
#include "scenario.h"
#include "load_scenario.h"
#include "simulate.h"
#include "stats.h"

/* A correct model misses by more than 4.5 standard errors with probability 7e-6. */
#define Z_TOLERANCE 4.5
#define DEMO CCSIM_SOURCE_DIR "/scenarios/demo-city.cfg"

/* |estimate - exact| within Z_TOLERANCE standard errors of a proportion. */
static void assert_proportion(int64_t successes, int64_t n, double exact)
{
	double estimate = (double)successes / (double)n;
	double se = sqrt(exact * (1.0 - exact) / (double)n);
	if (fabs(estimate - exact) > Z_TOLERANCE * se + 1e-12)
		print_error("proportion %.6f, exact %.6f, se %.6f\n", estimate, exact, se);
	assert_true(fabs(estimate - exact) <= Z_TOLERANCE * se + 1e-12);
}

static void assert_mean(const struct moments *m, int64_t n, double exact)
{
	double se = moments_sd(m, n) / sqrt((double)n);
	if (fabs(m->mean - exact) > Z_TOLERANCE * se + 1e-12)
		print_error("mean %.6f, exact %.6f, se %.6f\n", m->mean, exact, se);
	assert_true(fabs(m->mean - exact) <= Z_TOLERANCE * se + 1e-12);
}

/*
 * Deterministic field (deduction 0), survey only: Y ~ Bin(200, 0.82) over two
 * districts with the same satisfaction, Total = 40 + Y / 10. Survey veto iff
 * Y < 160; pass iff Y >= 165 (threshold 56.45).
 */
static const char survey_only[] =
	"version = 1;\n"
	"campaign: { weeks = 2; };\n"
	"inspection: { window = [1, 2]; batches = 2; };\n"
	"categories = ( { name = \"c\"; weight = 40.0; deduction = 0.0; lottery = 1; } );\n"
	"defaults: { sites = 3; declared = 2; problems = 5; new_per_week = 1.0; rectify_rate = 0.5; rebound = 0.1; };\n"
	"districts = ( { name = \"a\"; population = 3.0; satisfaction = 0.82; },\n"
	"              { name = \"b\"; population = 1.0; satisfaction = 0.82; } );\n"
	"survey: { respondents = 200; weight = 20.0; veto_below = 80.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 56.45; bands = [55.0]; };\n";

static void survey_veto_and_pass_match_the_binomial(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(survey_only);
	struct run_result r;
	simulate(s, 11, 200000, 2, &r);
	double veto = 0.0, pass = 0.0, below_55 = 0.0;
	for (int y = 0; y <= 200; y++) {
		double p = stats_binomial_pmf(y, 200, 0.82);
		veto += y < 160 ? p : 0.0;
		pass += y >= 165 ? p : 0.0;
		below_55 += y < 150 ? p : 0.0;
	}
	assert_proportion(r.tally->survey_vetoes, r.tally->n, veto);
	assert_proportion(r.tally->passes, r.tally->n, pass);
	assert_proportion(r.tally->below_band[0], r.tally->n, below_55);
	assert_true(r.tally->component[COMPONENT_FIELD].mean == 40.0);
	assert_mean(&r.tally->component[COMPONENT_SATISFACTION], r.tally->n, 82.0);
	/* sd of 100 Y / 200 */
	assert_close(moments_sd(&r.tally->component[COMPONENT_SATISFACTION], r.tally->n),
			   100.0 * sqrt(0.82 * 0.18 / 200.0), 0.01 * 100.0 * sqrt(0.82 * 0.18 / 200.0));
	run_result_free(&r);
	scenario_free(s);
}

/*
 * Bands are read on the annual score (docs/model.md 3.9): with a past year
 * of 100 weighing half, Total = 50 + Year / 2 never falls under 55, while
 * Year = 40 + Y / 10 falls under 55 exactly when Y < 150.
 */
static void bands_are_read_on_the_annual_score(void **state)
{
	(void)state;
	char text[2048];
	snprintf(text, sizeof text, "%shistory: { scores = [100.0]; weights = [0.5]; current_weight = 0.5; };\n",
		 survey_only);
	struct scenario *s = load_scenario_text(text);
	struct run_result r;
	simulate(s, 12, 100000, 2, &r);
	double below_55 = 0.0;
	for (int y = 0; y < 150; y++)
		below_55 += stats_binomial_pmf(y, 200, 0.82);
	assert_true(below_55 > 0.001);
	assert_proportion(r.tally->below_band[0], r.tally->n, below_55);
	run_result_free(&r);
	scenario_free(s);
}

/* theta ~ Beta(s kappa, (1 - s) kappa): Y is beta-binomial. */
static void survey_with_concentration_is_beta_binomial(void **state)
{
	(void)state;
	static const char text[] =
		"version = 1;\n"
		"campaign: { weeks = 1; };\n"
		"inspection: { window = [1, 1]; batches = 1; };\n"
		"categories = ( { name = \"c\"; weight = 1.0; deduction = 0.0; lottery = 1; } );\n"
		"defaults: { sites = 1; declared = 1; problems = 0; new_per_week = 0; rectify_rate = 0; rebound = 0; };\n"
		"districts = ( { name = \"a\"; population = 1.0; satisfaction = 0.8; satisfaction_concentration = 50.0; } );\n"
		"survey: { respondents = 100; weight = 20.0; veto_below = 78.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 0.0; };\n";
	struct scenario *s = load_scenario_text(text);
	struct run_result r;
	simulate(s, 12, 100000, 2, &r);
	double a = 40.0, b = 10.0, veto = 0.0;
	for (int k = 0; k < 78; k++)
		veto += exp(lgamma(101.0) - lgamma(k + 1.0) - lgamma(101.0 - k) + lgamma(k + a) +
			    lgamma(100.0 - k + b) - lgamma(100.0 + a + b) - lgamma(a) - lgamma(b) +
			    lgamma(a + b));
	assert_proportion(r.tally->survey_vetoes, r.tally->n, veto);
	run_result_free(&r);
	scenario_free(s);
}

/*
 * Field with frozen inventories (r = rho = lambda = 0): mu = O0 / N, times
 * prepared at declared sites; E[q] = sum_x max(0, 1 - deduction x) Poisson(x; mu).
 */
static double expected_q(double mu, double deduction)
{
	double e = 0.0;
	for (int x = 0; x < 200; x++)
		e += fmax(0.0, 1.0 - deduction * x) * stats_poisson_pmf(x, mu);
	return e;
}

static void field_matches_poisson_closed_form(void **state)
{
	(void)state;
	static const char text[] =
		"version = 1;\n"
		"campaign: { weeks = 6; };\n"
		"inspection: { window = [2, 6]; batches = 3; };\n"
		"categories = ( { name = \"declared_only\"; weight = 10.0; deduction = 1.0; lottery = 2; prepared = 0.5; },\n"
		"               { name = \"view_only\"; weight = 6.0; deduction = 0.25; random_view = 3; },\n"
		"               { name = \"unweighted\"; weight = 0.0; deduction = 0.5; } );\n"
		"defaults: { sites = 10; declared = { declared_only = 10; view_only = 0; unweighted = 0; };\n"
		"            new_per_week = 0; rectify_rate = 0; rebound = 0; };\n"
		"districts = ( { name = \"a\"; population = 1.0; satisfaction = 0.9; problems = 12; },\n"
		"              { name = \"b\"; population = 1.0; satisfaction = 0.9; problems = 12; } );\n"
		"survey: { respondents = 10; weight = 0.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 0.0; };\n";
	struct scenario *s = load_scenario_text(text);
	struct run_result r;
	simulate(s, 13, 100000, 2, &r);
	double exact = 10.0 * expected_q(1.2 * 0.5, 1.0) + 6.0 * expected_q(1.2, 0.25);
	assert_mean(&r.tally->component[COMPONENT_FIELD], r.tally->n, exact);
	/* category losses are exact complements in expectation */
	double n = (double)r.tally->n;
	assert_close(r.tally->category_points_lost_sum[2] / n, 0.0, 0.0);
	/* sites inspected: 2 + 3 a batch, 3 batches, split evenly in expectation */
	assert_close((r.tally->district_sites_sum[0] + r.tally->district_sites_sum[1]) / n,
			   15.0, 1e-12);
	run_result_free(&r);
	scenario_free(s);
}

/*
 * The lottery draws from the pool of all declared sites: with 1 and 3
 * declared and lottery 2, district a is inspected 2 * 1/4 times a batch in
 * expectation; a lottery at least the pool inspects the whole pool.
 */
static void lottery_draws_from_the_declared_pool(void **state)
{
	(void)state;
	static const char text_template[] =
		"version = 1;\n"
		"campaign: { weeks = 1; };\n"
		"inspection: { window = [1, 1]; batches = 2; };\n"
		"categories = ( { name = \"c\"; weight = 1.0; deduction = 0.5; lottery = %d; } );\n"
		"defaults: { sites = 4; problems = 4; new_per_week = 0; rectify_rate = 0; rebound = 0; };\n"
		"districts = ( { name = \"a\"; population = 1.0; satisfaction = 0.9; declared = 1; },\n"
		"              { name = \"b\"; population = 1.0; satisfaction = 0.9; declared = 3; } );\n"
		"survey: { respondents = 10; weight = 0.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 0.0; };\n";
	char text[sizeof text_template + 16];
	struct run_result r;

	snprintf(text, sizeof text, text_template, 2);
	struct scenario *s = load_scenario_text(text);
	simulate(s, 14, 100000, 1, &r);
	/* a's count per replication: 2 batches of hypergeometric(4, 1, 2): p(1) = 1/2 */
	double n = (double)r.tally->n, mean_a = r.tally->district_sites_sum[0] / n;
	assert_true(fabs(mean_a - 1.0) <= Z_TOLERANCE * sqrt(2 * 0.25 / n));
	assert_close((r.tally->district_sites_sum[0] + r.tally->district_sites_sum[1]) / n, 4.0, 1e-12);
	run_result_free(&r);
	scenario_free(s);

	snprintf(text, sizeof text, text_template, 9);
	s = load_scenario_text(text);
	simulate(s, 15, 1000, 1, &r);
	n = (double)r.tally->n;
	assert_close(r.tally->district_sites_sum[0] / n, 2.0, 0.0);
	assert_close(r.tally->district_sites_sum[1] / n, 6.0, 0.0);
	run_result_free(&r);
	scenario_free(s);
}

/*
 * E[O_t] by linearity: f_t = r m_{t-1}, m_t = m_{t-1} - f_t + rho f_{t-1} + lambda.
 */
static void weekly_dynamics_match_their_expectation(void **state)
{
	(void)state;
	const double r = 0.2, rho = 0.1, lambda = 3.0;
	const int weeks = 12, n = 100000;
	double m = 100.0, f = 0.0;
	for (int t = 1; t <= weeks; t++) {
		double fixed = r * m;
		m = m - fixed + rho * f + lambda;
		f = fixed;
	}
	struct moments open = {0.0, 0.0};
	int64_t count = 0;
	struct inversion_tables *tables = inversion_tables_new();
	assert_non_null(tables);
	for (int i = 0; i < n; i++) {
		struct rng stream;
		struct inventory inv = {0};
		struct inventory_samplers samplers = {0};
		int64_t rectified = 0, arrived = 0;
		rng_init(&stream, 16, (uint64_t)i, RNG_SUBSTREAM_CELLS);
		inventory_start(&inv, &samplers, 100, r, rho, lambda, tables);
		for (int t = 1; t <= weeks; t++) {
			int64_t before = inv.open;
			inventory_week(&inv, &samplers, &stream, &rectified, &arrived);
			assert_true(inv.open >= 0);
			assert_true(inv.rectified_last <= before);
		}
		count++;
		double delta = (double)inv.open - open.mean;
		open.mean += delta / (double)count;
		open.m2 += delta * ((double)inv.open - open.mean);
	}
	inversion_tables_free(tables);
	assert_mean(&open, count, m);
}

/*
 * A hook switching a cell among more rates than the inventory keeps
 * samplers for draws what an inventory started afresh every week at
 * that week's rates draws, replication after replication (the same
 * streams): the kept samplers never go stale. The kept inventory draws
 * from shared tables, the fresh one without: the tables change no draw.
 */
static void changed_rates_draw_as_fresh_ones(void **state)
{
	(void)state;
	static const double rates[][3] = {{0.2, 0.1, 3.0}, {0.5, 0.3, 12.0}, {0.05, 0.6, 0.5},
					  {0.9, 0.0, 9.5},  {0.2, 0.1, 3.0}, {0.7, 0.3, 0.0}};
	const int kinds = (int)(sizeof rates / sizeof rates[0]);
	struct inventory kept = {0};
	struct inventory_samplers kept_samplers = {0};
	struct inversion_tables *tables = inversion_tables_new();
	assert_non_null(tables);
	for (int i = 0; i < 200; i++) {
		struct rng a, b;
		rng_init(&a, 3, (uint64_t)i, RNG_SUBSTREAM_CELLS);
		rng_init(&b, 3, (uint64_t)i, RNG_SUBSTREAM_CELLS);
		int64_t rectified_a = 0, arrived_a = 0, rectified_b = 0, arrived_b = 0;
		inventory_start(&kept, &kept_samplers, 150, 0.2, 0.1, 3.0, tables);
		int64_t open = 150, last = 0;
		for (int t = 1; t <= 30; t++) {
			const double *r = rates[(i + t * t) % kinds];
			kept.rectify_rate = r[0];
			kept.rebound = r[1];
			kept.new_per_week = r[2];
			inventory_week(&kept, &kept_samplers, &a, &rectified_a, &arrived_a);
			struct inventory fresh = {0};
			struct inventory_samplers fresh_samplers = {0};
			inventory_start(&fresh, &fresh_samplers, open, r[0], r[1], r[2], NULL);
			fresh.rectified_last = last;
			inventory_week(&fresh, &fresh_samplers, &b, &rectified_b, &arrived_b);
			assert_int_equal(kept.open, fresh.open);
			assert_int_equal(kept.rectified_last, fresh.rectified_last);
			open = fresh.open;
			last = fresh.rectified_last;
		}
		assert_int_equal(rectified_a, rectified_b);
		assert_int_equal(arrived_a, arrived_b);
	}
	inversion_tables_free(tables);
}

/* One competitor above and one below: pass iff fewer than `slots` rivals beat Total. */
static void competition_rule_matches_normal_tails(void **state)
{
	(void)state;
	static const char text[] =
		"version = 1;\n"
		"campaign: { weeks = 1; };\n"
		"inspection: { window = [1, 1]; batches = 1; };\n"
		"categories = ( { name = \"c\"; weight = 80.0; deduction = 0.0; lottery = 1; } );\n"
		"defaults: { sites = 1; declared = 1; problems = 0; new_per_week = 0; rectify_rate = 0; rebound = 0; };\n"
		"districts = ( { name = \"a\"; population = 1.0; satisfaction = 1.0; } );\n"
		"survey: { respondents = 10; weight = 5.0; };\n"
		"pass: { rule = \"competition\"; slots = 2; competitors = (\n"
		"  { name = \"A\"; mean = 86.0; sd = 2.0; }, { name = \"B\"; mean = 84.0; sd = 3.0; },\n"
		"  { name = \"C\"; mean = 90.0; sd = 0.0; } ); };\n";
	struct scenario *s = load_scenario_text(text);
	struct run_result r;
	simulate(s, 17, 200000, 2, &r);
	/* Total = 85 exactly; C always beats it, so pass iff neither A nor B does */
	double above_a = 1.0 - stats_normal_cdf((85.0 - 86.0) / 2.0);
	double above_b = 1.0 - stats_normal_cdf((85.0 - 84.0) / 3.0);
	assert_true(r.tally->total.mean == 85.0);
	assert_proportion(r.tally->passes, r.tally->n, (1.0 - above_a) * (1.0 - above_b));
	assert_int_equal(r.tally->fails_outranked, r.tally->n - r.tally->passes);
	run_result_free(&r);
	scenario_free(s);
}

/* Negative list, bonus cap, minors veto and the history's weights. */
static const char scoring[] =
	"version = 1;\n"
	"campaign: { weeks = 1; };\n"
	"inspection: { window = [1, 1]; batches = 1; };\n"
	"categories = ( { name = \"c\"; weight = 40.0; deduction = 0.0; lottery = 1; } );\n"
	"defaults: { sites = 1; declared = 1; problems = 0; new_per_week = 0; rectify_rate = 0; rebound = 0; };\n"
	"districts = ( { name = \"a\"; population = 1.0; satisfaction = 0.9; } );\n"
	"materials = ( { name = \"m\"; items = 20; points = 1.0; loss_probability = 0.1; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"overall: { weight = 10.0; noise_sd = 0.2; };\n"
	"negative_list = ( { name = \"veto\"; probability = 0.03; veto = true; deduct = 1.0; },\n"
	"                  { name = \"minus\"; probability = 0.25; deduct = 3.0; } );\n"
	"bonus: { cap = 5.0; honors = ( { name = \"h1\"; probability = 1.0; points = 3.0; },\n"
	"                                { name = \"h2\"; probability = 0.5; points = 3.0; } ); };\n"
	"minors: { mean = 88.0; sd = 2.5; weight = 0.2; minimum = 85.0; };\n"
	"history: { scores = [80.0, 82.0]; weights = [0.15, 0.25]; current_weight = 0.6; };\n"
	"pass: { rule = \"threshold\"; threshold = 80.0; };\n";

static void vetoes_deductions_and_bonus_match_closed_forms(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_text(scoring);
	struct run_result r;
	simulate(s, 18, 200000, 2, &r);
	int64_t n = r.tally->n;
	assert_proportion(r.tally->negative_vetoes, n, 0.03);
	assert_proportion(r.tally->minors_vetoes, n, stats_normal_cdf((85.0 - 88.0) / 2.5));
	assert_mean(&r.tally->component[COMPONENT_NEGATIVE], n, 0.03 * 1.0 + 0.25 * 3.0);
	assert_mean(&r.tally->component[COMPONENT_BONUS], n, 0.5 * 3.0 + 0.5 * 5.0); /* capped at 5 */
	assert_mean(&r.tally->component[COMPONENT_MATERIALS], n, 20.0 * 0.9);
	/* overall = 10 * clamp(1 + e, 0, 1): E = 10 (1 - E[max(0, e)]) = 10 (1 - 0.2 / sqrt(2 pi)) */
	assert_mean(&r.tally->component[COMPONENT_OVERALL], n, 10.0 * (1.0 - 0.2 / sqrt(2.0 * 3.14159265358979324)));
	run_result_free(&r);
	scenario_free(s);
}

/* Each replication's score is exactly the sum of its parts (docs/model.md 3.8). */
static void check_score_identities(const struct scenario *s, uint64_t reps)
{
	struct inversion_tables *tables = inversion_tables_new();
	struct replication_workspace *w = replication_workspace_new(s, tables);
	assert_non_null(w);
	double past = 0.0;
	for (int i = 0; i < s->history.n; i++)
		past += s->history.weights[i] * s->history.scores[i];
	for (uint64_t i = 0; i < reps; i++) {
		assert_int_equal(replication_run(s, 99, i, w), 0);
		const struct outcome *o = replication_outcome(w);
		const double *c = o->component;
		double city = c[COMPONENT_FIELD] + c[COMPONENT_MATERIALS] + c[COMPONENT_SURVEY] +
			      c[COMPONENT_OVERALL] + c[COMPONENT_BONUS] - c[COMPONENT_NEGATIVE];
		assert_close(o->city, city, 1e-9);
		double year = s->minors.present ? (1.0 - s->minors.weight) * city +
							  s->minors.weight * c[COMPONENT_MINORS]
						: city;
		assert_close(o->year, year, 1e-9);
		double total = s->history.present ? past + s->history.current_weight * year : year;
		assert_close(o->total, total, 1e-9);
		/* points lost by district and by category both add up to W - Field */
		double by_district = 0.0, by_category = 0.0;
		for (int d = 0; d < s->n_districts; d++)
			by_district += o->district_points_lost[d];
		for (int k = 0; k < s->n_categories; k++)
			by_category += o->category_points_lost[k];
		double field_weight = 0.0;
		for (int k = 0; k < s->n_categories; k++)
			field_weight += s->categories[k].weight;
		assert_close(by_district, field_weight - c[COMPONENT_FIELD], 1e-9);
		assert_close(by_category, field_weight - c[COMPONENT_FIELD], 1e-9);
		int veto = o->survey_veto || o->negative_veto || o->minors_veto;
		assert_int_equal(o->pass, !veto && o->total >= s->pass.threshold);
	}
	replication_workspace_free(w);
	inversion_tables_free(tables);
}

static void demo_components_add_up_to_the_total(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	check_score_identities(s, 2000);
	scenario_free(s);
	s = load_scenario_text(scoring);
	check_score_identities(s, 2000);
	scenario_free(s);
}

/* The worst district per inspected site ranks last; ties share 1/k. */
static void rank_last_goes_to_the_worst_district_per_site(void **state)
{
	(void)state;
	static const char text_template[] =
		"version = 1;\n"
		"campaign: { weeks = 1; };\n"
		"inspection: { window = [1, 1]; batches = 1; };\n"
		"categories = ( { name = \"c\"; weight = 1.0; deduction = 1.0; lottery = 10; } );\n"
		"defaults: { sites = 2; declared = 2; new_per_week = 0; rectify_rate = 0; rebound = 0; };\n"
		"districts = ( { name = \"clean\"; population = 1.0; satisfaction = 0.9; problems = 0; },\n"
		"              { name = \"other\"; population = 1.0; satisfaction = 0.9; problems = %d; },\n"
		"              { name = \"clean2\"; population = 1.0; satisfaction = 0.9; problems = 0; } );\n"
		"survey: { respondents = 10; weight = 0.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 0.0; };\n";
	char text[sizeof text_template + 16];
	struct run_result r;

	snprintf(text, sizeof text, text_template, 100000);
	struct scenario *s = load_scenario_text(text);
	simulate(s, 19, 1000, 1, &r);
	double n = (double)r.tally->n;
	assert_close(r.tally->district_rank_last_sum[1] / n, 1.0, 0.0);
	assert_close(r.tally->district_rank_last_sum[0] / n, 0.0, 0.0);
	run_result_free(&r);
	scenario_free(s);

	snprintf(text, sizeof text, text_template, 0);
	s = load_scenario_text(text);
	simulate(s, 20, 999, 1, &r);
	n = (double)r.tally->n;
	for (int d = 0; d < 3; d++)
		assert_close(r.tally->district_rank_last_sum[d] / n, 1.0 / 3.0, 1e-12);
	run_result_free(&r);
	scenario_free(s);
}

static void json_is_identical_for_1_2_and_7_threads(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	char *json[3];
	const int threads[3] = {1, 2, 7};
	for (int i = 0; i < 3; i++) {
		struct run_result r;
		/* not a multiple of the chunk size, so a partial chunk is merged too */
		simulate(s, 20261122, 3 * RUNNER_CHUNK + 77, threads[i], &r);
		json[i] = comparable_json(s, &r, NULL);
		run_result_free(&r);
	}
	assert_string_equal(json[0], json[1]);
	assert_string_equal(json[0], json[2]);
	/* and a different seed gives a different result */
	struct run_result r;
	simulate(s, 20261123, 3 * RUNNER_CHUNK + 77, 2, &r);
	char *other = comparable_json(s, &r, NULL);
	assert_true(strcmp(json[0], other) != 0);
	free(other);
	run_result_free(&r);
	for (int i = 0; i < 3; i++)
		free(json[i]);
	scenario_free(s);
}

static void json_reports_every_key_of_model_md(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	struct run_result r;
	simulate(s, 1, 600, 2, &r);
	char *text = report_json(s, &r, NULL);
	json_error_t error;
	json_t *root = json_loads(text, 0, &error);
	assert_non_null(root);
	static const char *const keys[] = {
		"scenario", "replications", "seed", "threads", "processes", "seconds",
		"pass_probability", "pass_ci95", "survey_veto_probability",
		"negative_veto_probability", "minors_veto_probability", "bands", "total", "year",
		"components", "rectification_rate", "districts", "categories", "policies"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_non_null(json_object_get(root, keys[i]));
	json_t *total = json_object_get(root, "total");
	static const char *const total_keys[] = {"mean", "sd", "p05", "p25", "p50", "p75", "p95", "histogram"};
	for (size_t i = 0; i < sizeof total_keys / sizeof total_keys[0]; i++)
		assert_non_null(json_object_get(total, total_keys[i]));
	json_t *components = json_object_get(root, "components");
	for (int i = 0; i < COMPONENT_COUNT; i++)
		assert_non_null(json_object_get(json_object_get(components, replication_component_names[i]), "sd"));
	assert_int_equal(json_array_size(json_object_get(root, "districts")), 10);
	assert_int_equal(json_array_size(json_object_get(root, "bands")), 2);
	/* the histogram counts every replication */
	json_t *counts = json_object_get(json_object_get(total, "histogram"), "counts");
	json_int_t sum = 0;
	for (size_t i = 0; i < json_array_size(counts); i++)
		sum += json_integer_value(json_array_get(counts, i));
	assert_int_equal(sum, 600);
	/* the quantiles are ordered and the mean lies between p05 and p95 */
	double p05 = json_real_value(json_object_get(total, "p05"));
	double p50 = json_real_value(json_object_get(total, "p50"));
	double p95 = json_real_value(json_object_get(total, "p95"));
	assert_true(p05 <= p50 && p50 <= p95);
	json_decref(root);
	free(text);
	run_result_free(&r);
	scenario_free(s);
}

static void histogram_quantiles_are_bin_centres(void **state)
{
	(void)state;
	struct scenario_compiled fake = {.histogram_base = 7990, .histogram_bins = 2011};
	struct histogram *h = histogram_new(&fake);
	for (int i = 0; i < 100; i++)
		histogram_add(h, 80.0 + i * 0.1 + 0.001); /* 80.001, 80.101, ... 89.901 */
	/* ceil(0.5 * 100) = 50th value: 84.901 -> bin [84.90, 84.91) */
	assert_close(histogram_quantile(h, 0.50), 84.905, 1e-9);
	assert_close(histogram_quantile(h, 0.05), 80.405, 1e-9);
	assert_close(histogram_quantile(h, 0.0), 80.005, 1e-9);
	histogram_add(h, -50.0);   /* outside: clamped to the edge bins */
	histogram_add(h, 500.0);
	assert_int_equal(h->counts[0], 1);
	assert_int_equal(h->counts[2010], 1);
	histogram_free(h);
}

static void wilson_interval_matches_known_values(void **state)
{
	(void)state;
	double lo, hi;
	wilson_interval(50, 100, Z95, &lo, &hi);
	assert_close(lo, 0.403832, 1e-6);
	assert_close(hi, 0.596168, 1e-6);
	wilson_interval(0, 10, Z95, &lo, &hi);
	assert_close(lo, 0.0, 1e-12);
	assert_close(hi, 0.277533, 1e-6);
	wilson_interval(10, 10, Z95, &lo, &hi);
	assert_close(lo, 0.722467, 1e-6);
	assert_close(hi, 1.0, 1e-12);
}

/* Paired statistics are the exact differences of the two variants' own. */
static void paired_differences_are_exact(void **state)
{
	(void)state;
	struct scenario *base = load_scenario_file(DEMO);
	struct diag d;
	struct parameter_setting faster = {"defaults.rectify_rate", 0.15, 0, 0};
	diag_init(&d, DEMO);
	struct scenario *variant = scenario_load_file_with(DEMO, &faster, 1, &d);
	assert_non_null(variant);
	struct run_variant variants[3] = {{base, NULL}, {variant, NULL}, {base, NULL}};
	struct run_options options = {.seed = 5, .replications = 3000, .threads = 2};
	struct run_result r[3];
	struct pairing p[3];
	struct diag failed;
	diag_init(&failed, NULL);
	assert_int_equal(run_variants(variants, 3, &options, r, p, &failed), RUN_OK);
	diag_free(&failed);
	double n = (double)r[0].tally->n;
	assert_int_equal(p[1].only_variant - p[1].only_first, r[1].tally->passes - r[0].tally->passes);
	assert_close(p[1].pass_difference.mean, (r[1].tally->passes - r[0].tally->passes) / n, 1e-12);
	assert_close(p[1].total_difference.mean, r[1].tally->total.mean - r[0].tally->total.mean, 1e-9);
	/* faster rectification never turns a pass into a failure, draw for draw */
	assert_int_equal(p[1].only_first, 0);
	assert_true(p[1].only_variant > 0);
	/* the same scenario twice: no difference at all */
	assert_true(p[2].pass_difference.mean == 0.0 && p[2].pass_difference.m2 == 0.0);
	assert_true(p[2].total_difference.mean == 0.0);
	/* and lockstep changes nothing of a variant's own result */
	struct run_result alone;
	simulate(base, 5, 3000, 1, &alone);
	assert_true(alone.tally->total.mean == r[0].tally->total.mean);
	assert_int_equal(alone.tally->passes, r[0].tally->passes);
	run_result_free(&alone);
	for (int i = 0; i < 3; i++)
		run_result_free(&r[i]);
	scenario_free(variant);
	scenario_free(base);
	diag_free(&d);
}

/* --precision stops at the first checkpoint where the half-width is small
 * enough, the same one for every thread count. */
static void precision_stops_at_the_same_checkpoint_for_any_thread_count(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	const int64_t checkpoint = (int64_t)RUNNER_CHUNK * RUNNER_CHECKPOINT_CHUNKS;
	int64_t stopped[2];
	const int threads[2] = {1, 3};
	for (int i = 0; i < 2; i++) {
		struct run_options options = {.seed = 9, .replications = 1000000, .threads = threads[i],
					      .precision = 0.01};
		struct run_result r;
		struct diag d;
		diag_init(&d, NULL);
		assert_int_equal(run_simulation(s, &options, &r, &d), RUN_OK);
		diag_free(&d);
		stopped[i] = r.tally->n;
		double lo, hi;
		wilson_interval(r.tally->passes, r.tally->n, Z95, &lo, &hi);
		assert_true((hi - lo) / 2.0 <= 0.01);
		/* reached, and said so with the half-width reached */
		assert_true(r.precision_reached);
		assert_true(r.precision == 0.01);
		assert_true(r.half_width == (hi - lo) / 2.0);
		run_result_free(&r);
	}
	assert_int_equal(stopped[0], stopped[1]);
	assert_int_equal(stopped[0] % checkpoint, 0);
	/* one checkpoint earlier was not precise enough */
	struct run_result earlier;
	simulate(s, 9, stopped[0] - checkpoint, 2, &earlier);
	double lo, hi;
	wilson_interval(earlier.tally->passes, earlier.tally->n, Z95, &lo, &hi);
	assert_true((hi - lo) / 2.0 > 0.01);
	run_result_free(&earlier);
	scenario_free(s);
}

/* --precision not reached within the replications allowed: the run stops
 * at them, says so and gives the half-width it reached; without
 * --precision, nothing is said of it. */
static void precision_not_reached_is_said(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	const int64_t most = (int64_t)RUNNER_CHUNK * RUNNER_CHECKPOINT_CHUNKS * 2;
	struct run_options options = {.seed = 9, .replications = most, .threads = 2,
				      .precision = 0.0001};
	struct run_result r;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(run_simulation(s, &options, &r, &d), RUN_OK);
	assert_int_equal(r.tally->n, most);
	assert_false(r.precision_reached);
	double lo, hi;
	wilson_interval(r.tally->passes, r.tally->n, Z95, &lo, &hi);
	assert_true(r.half_width == (hi - lo) / 2.0);
	assert_true(r.half_width > 0.0001);
	char *json = report_json(s, &r, NULL);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"precision_reached\": false"));
	free(json);
	run_result_free(&r);

	struct run_result plain;
	simulate(s, 9, 1000, 2, &plain);
	assert_false(plain.precision_reached);
	assert_true(plain.precision == 0.0);
	json = report_json(s, &plain, NULL);
	assert_non_null(json);
	assert_null(strstr(json, "precision"));
	free(json);
	run_result_free(&plain);
	diag_free(&d);
	scenario_free(s);
}

/*
 * The office's ranking (docs/model.md 3.9) where it is certain: A and B
 * lose every inspected site's points (a million problems a site), C and D
 * none; A has 16 sites, B 8, C and D 4, all inspected, so that every
 * inspected site loses exactly 1 point of 32 (sums exact). Per site A and B tie
 * for last; in all, A alone is last. The bottom 3 hold A and B and half of
 * each of C and D; more places than ranked districts hold every district.
 */
static void ranking_shares_ties_exactly(void **state)
{
	(void)state;
	static const char *const rules[][2] = {
		{"per_site", "1"}, {"per_site", "3"}, {"points_lost", "1"}, {"points_lost", "3"},
		{"per_site", "5"}};
	static const double last[][4] = {
		{0.5, 0.5, 0, 0}, {0.5, 0.5, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}, {0.5, 0.5, 0, 0}};
	static const double bottom[][4] = {
		{0.5, 0.5, 0, 0}, {1, 1, 0.5, 0.5}, {1, 0, 0, 0}, {1, 1, 0.5, 0.5}, {1, 1, 1, 1}};
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		char text[2048];
		snprintf(text, sizeof text,
			 "version = 1;\n"
			 "campaign: { weeks = 1; };\n"
			 "inspection: { window = [1, 1]; batches = 1; };\n"
			 "categories = ( { name = \"road\"; weight = 32.0; deduction = 1.0; lottery = 1000; } );\n"
			 "defaults: { new_per_week = 0.0; rectify_rate = 0.0; rebound = 0.0; };\n"
			 "districts = (\n"
			 "  { name = \"A\"; population = 1.0; satisfaction = 0.9; sites = 16; declared = 16; problems = 16000000; },\n"
			 "  { name = \"B\"; population = 1.0; satisfaction = 0.9; sites = 8; declared = 8; problems = 8000000; },\n"
			 "  { name = \"C\"; population = 1.0; satisfaction = 0.9; sites = 4; declared = 4; problems = 0; },\n"
			 "  { name = \"D\"; population = 1.0; satisfaction = 0.9; sites = 4; declared = 4; problems = 0; } );\n"
			 "survey: { respondents = 100; weight = 20.0; };\n"
			 "pass: { rule = \"threshold\"; threshold = 0.0; };\n"
			 "ranking: { by = \"%s\"; bottom = %s; };\n",
			 rules[i][0], rules[i][1]);
		struct scenario *s = load_scenario_text(text);
		struct run_result r;
		simulate(s, 11, 200, 2, &r);
		for (int d = 0; d < 4; d++) {
			assert_close(r.tally->district_rank_last_sum[d] / 200.0, last[i][d], 1e-12);
			assert_close(r.tally->district_rank_bottom_sum[d] / 200.0, bottom[i][d], 1e-12);
		}
		run_result_free(&r);
		scenario_free(s);
	}
}

/* The ranking's rule and places are read, defaulted and refused as the schema says. */
static void ranking_keys_are_read_and_checked(void **state)
{
	(void)state;
	struct scenario *s = load_scenario_file(DEMO);
	assert_int_equal(s->ranking.by, RANKING_PER_SITE);
	assert_int_equal(s->ranking.bottom, 1);
	scenario_free(s);
	static const char *const bad[][2] = {
		{"ranking: { by = \"per_sites\"; };", "'by' is \"per_sites\", must be \"per_site\" or \"points_lost\" (did you mean \"per_site\"?)"},
		{"ranking: { bottom = 0; };", "'bottom'"},
		{"ranking: { bottom = 1.5; };", "'bottom'"},
		{"ranking: { worst = 2; };", "worst"}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 "version = 1;\ncampaign: { weeks = 1; };\n"
			 "inspection: { window = [1, 1]; batches = 1; };\n"
			 "categories = ( { name = \"road\"; weight = 40.0; deduction = 0.25; lottery = 1; } );\n"
			 "districts = ( { name = \"A\"; population = 1.0; satisfaction = 0.9; sites = 5;"
			 " declared = 5; problems = 5; new_per_week = 1.0; rectify_rate = 0.2; rebound = 0.05; } );\n"
			 "survey: { respondents = 100; weight = 20.0; };\n"
			 "pass: { rule = \"threshold\"; threshold = 50.0; };\n%s\n", bad[i][0]);
		struct diag d;
		diag_init(&d, "ranking.cfg");
		struct scenario *t = scenario_load_string(text, &d);
		assert_null(t);
		if (!diag_contains(&d, bad[i][1]))
			diag_print(&d, stderr);
		assert_true(diag_contains(&d, bad[i][1]));
		assert_int_equal(d.entries[0].line, 8);
		diag_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(survey_veto_and_pass_match_the_binomial),
		cmocka_unit_test(bands_are_read_on_the_annual_score),
		cmocka_unit_test(survey_with_concentration_is_beta_binomial),
		cmocka_unit_test(field_matches_poisson_closed_form),
		cmocka_unit_test(lottery_draws_from_the_declared_pool),
		cmocka_unit_test(weekly_dynamics_match_their_expectation),
		cmocka_unit_test(changed_rates_draw_as_fresh_ones),
		cmocka_unit_test(competition_rule_matches_normal_tails),
		cmocka_unit_test(vetoes_deductions_and_bonus_match_closed_forms),
		cmocka_unit_test(demo_components_add_up_to_the_total),
		cmocka_unit_test(rank_last_goes_to_the_worst_district_per_site),
		cmocka_unit_test(json_is_identical_for_1_2_and_7_threads),
		cmocka_unit_test(json_reports_every_key_of_model_md),
		cmocka_unit_test(ranking_shares_ties_exactly),
		cmocka_unit_test(ranking_keys_are_read_and_checked),
		cmocka_unit_test(histogram_quantiles_are_bin_centres),
		cmocka_unit_test(wilson_interval_matches_known_values),
		cmocka_unit_test(paired_differences_are_exact),
		cmocka_unit_test(precision_stops_at_the_same_checkpoint_for_any_thread_count),
		cmocka_unit_test(precision_not_reached_is_said),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

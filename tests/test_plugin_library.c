/*
 * plugin library: every plugin of plugins/ draws both its effect and its
 * cost from one resource, by the curve its header documents. For each, a
 * probe policy placed after it reads what it left (setup's view through the
 * probe's cost, a week hook's rates through the probe's error message), and
 * the test checks: a resource of 0 changes nothing, exactly, and costs
 * nothing; a few values match the closed form to 1e-12; the effect rises
 * with the resource and each equal step adds less (concave); the cost is
 * the documented unit cost; a bad resource is refused with a message naming
 * the parameter.
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

#include "plugin.h"
#include "runner.h"
#include "scenario.h"

#define SOURCE CCSIM_SOURCE_DIR

static char workdir[256];

static const char *const library[] = {"road_chief",      "extra_enforcement", "doorstep_duty",
				      "school_outreach", "materials_review",  "mock_inspection",
				      "sprint_cleanup",  "accountability"};
/* each one's resource: the parameter optimize's levers spend */
static const char *const resource[] = {"staff_per_district",   "officers", "staff_per_district",
				       "schools_per_district", "units",    "tests",
				       "staff_per_district",   "reviews"};
#define LIBRARY_SIZE (sizeof library / sizeof library[0])

/*
 * Six weeks, districts A (50 road, 200 street, 400 restaurant, 20
 * intersection sites) and B (30, 100, 200, 5), 40 problems, 4 new a week,
 * rectification 0.2 and rebound 0.1 in every cell,
 * the policy under test, then the probe. %s: the policy's group body.
 */
static const char scenario_text[] =
	"version = 1;\n"
	"campaign: { weeks = 6; };\n"
	"inspection: { window = [5, 6]; batches = 1; };\n"
	"categories = (\n"
	"  { name = \"main_road\"; weight = 10.0; deduction = 0.2; lottery = 1; random_view = 1; },\n"
	"  { name = \"back_street\"; weight = 10.0; deduction = 0.2; lottery = 1; random_view = 1; },\n"
	"  { name = \"small_restaurant\"; weight = 10.0; deduction = 0.2; lottery = 0; random_view = 1; },\n"
	"  { name = \"intersection\"; weight = 10.0; deduction = 0.2; lottery = 1; random_view = 1; } );\n"
	"defaults: { declared = 2; problems = 40; new_per_week = 4.0; rectify_rate = 0.2; rebound = 0.1; };\n"
	"districts = (\n"
	"  { name = \"A\"; population = 1.0; satisfaction = 0.85;\n"
	"    sites = { main_road = 50; back_street = 200; small_restaurant = 400; intersection = 20; }; },\n"
	"  { name = \"B\"; population = 1.0; satisfaction = 0.96;\n"
	"    sites = { main_road = 30; back_street = 100; small_restaurant = 200; intersection = 5; }; } );\n"
	"materials = ( { name = \"archives\"; items = 40; points = 0.25; loss_probability = 0.08; },\n"
	"              { name = \"services\"; items = 40; points = 0.25; loss_probability = 0.05; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 20.0; };\n"
	"policies = ( { %s },\n"
	"             { plugin = \"probe\"; params = { %s }; } );\n";

/*
 * The probe: setup returns as its cost the value `what` names in district
 * `district`, category `category`; the week hook, at week `week`, stops the
 * run with "rates=RECTIFY,REBOUND" of that cell.
 */
static const char probe_text[] =
	"local p = { name = \"probe\", description = \"reads what the policy before it left\",\n"
	"  params = { what = \"rate\", district = \"A\", category = \"main_road\", week = 0 } }\n"
	"function p.setup(scenario, params, targets)\n"
	"  local d = scenario.district[params.district]\n"
	"  local cell = d.categories[params.category]\n"
	"  local values = { rate = cell.rectify_rate, rebound = cell.rebound,\n"
	"    new = cell.new_per_week, satisfaction = d.satisfaction,\n"
	"    loss1 = scenario.materials[1].loss_probability,\n"
	"    loss2 = scenario.materials[2].loss_probability }\n"
	"  return { cost = values[params.what] }\n"
	"end\n"
	"function p.week(state, params, targets)\n"
	"  if state.week == params.week then\n"
	"    local cell = state.district[params.district].categories[params.category]\n"
	"    error(string.format(\"rates=%.17g,%.17g\", cell.rectify_rate, cell.rebound), 0)\n"
	"  end\n"
	"end\n"
	"return p\n";

static void write_file(const char *name, const char *text, size_t length)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", workdir, name);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	assert_int_equal(fwrite(text, 1, length, out), length);
	fclose(out);
}

struct loaded {
	struct scenario *s;
	struct plugin_host *host;
	char error[2048]; /* the plugin's and the scenario's errors, one a line */
	struct diag d;
};

static void diag_text(const struct diag *d, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < d->count && used + 1 < size; i++) {
		if (used > 0)
			out[used++] = '\n';
		diag_format(d, &d->entries[i], out + used, size - used);
		used += strlen(out + used);
	}
}

/* Loads the scenario with POLICY (a group's body) and the probe's PROBE params; runs setup. */
static void load(struct loaded *l, const char *policy, const char *probe)
{
	char text[8192], path[512];
	snprintf(text, sizeof text, scenario_text, policy, probe);
	write_file("s.cfg", text, strlen(text));
	snprintf(path, sizeof path, "%s/s.cfg", workdir);
	diag_init(&l->d, "s.cfg");
	l->s = scenario_load_file(path, &l->d);
	if (l->s == NULL)
		diag_print(&l->d, stderr);
	assert_non_null(l->s);
	struct plugin_path search;
	plugin_path_init(&search, path);
	l->host = plugin_host_new(l->s, &search, 1, &l->d);
	plugin_path_free(&search);
	diag_text(&l->d, l->error, sizeof l->error);
}

static void unload(struct loaded *l)
{
	plugin_host_free(l->host);
	scenario_free(l->s);
	diag_free(&l->d);
}

/* The value the probe reads after setup of POLICY; the policy's cost in COST. */
static double setup_value(const char *policy, const char *probe, double *cost)
{
	struct loaded l;
	load(&l, policy, probe);
	if (l.host == NULL)
		print_error("policy '%s': %s\n", policy, l.error);
	assert_non_null(l.host);
	double value = plugin_host_cost(l.host, 1);
	if (cost != NULL)
		*cost = plugin_host_cost(l.host, 0);
	unload(&l);
	return value;
}

/* The policy's PLUGIN with resource KEY = AMOUNT and the EXTRA params. */
static const char *policy_with(char *out, size_t size, const char *plugin, const char *targets,
			       const char *key, double amount, const char *extra)
{
	snprintf(out, size, "plugin = \"%s\"; %s params = { %s = %.17g; %s };", plugin, targets, key,
		 amount, extra);
	return out;
}

/* The rectification rate and rebound of the probe's cell after week WEEK's hooks. */
static void week_rates(const char *policy, const char *cell, int week, double *rate, double *rebound)
{
	char probe[256], error[2048];
	struct loaded l;
	snprintf(probe, sizeof probe, "%s week = %d;", cell, week);
	load(&l, policy, probe);
	if (l.host == NULL)
		print_error("policy '%s': %s\n", policy, l.error);
	assert_non_null(l.host);
	struct run_options options = {.seed = 3, .replications = 1, .threads = 1,
				      .hooks = plugin_host_hooks(l.host)};
	struct run_result r;
	struct diag d;
	diag_init(&d, NULL);
	assert_int_equal(run_simulation(l.s, &options, &r, &d), RUN_PLUGIN_FAILED);
	diag_text(&d, error, sizeof error);
	const char *at = strstr(error, "rates=");
	if (at == NULL || sscanf(at, "rates=%lf,%lf", rate, rebound) != 2)
		print_error("no rates in '%s'\n", error);
	assert_non_null(at);
	diag_free(&d);
	unload(&l);
}

/* Setup of POLICY must fail with a plugin error saying NEEDLE. */
static void expect_refused(const char *policy, const char *needle)
{
	struct loaded l;
	load(&l, policy, "");
	if (l.host != NULL || strstr(l.error, needle) == NULL)
		print_error("policy '%s': wanted '%s', got '%s'\n", policy, needle, l.error);
	assert_null(l.host);
	assert_non_null(strstr(l.error, needle));
	unload(&l);
}

/* F at 0, S, 2S, 3S, 4S: rising, each step adding less than the one before. */
static void expect_rising_and_concave(const double f[5])
{
	for (int i = 1; i < 5; i++) {
		if (!(f[i] > f[i - 1]))
			print_error("f[%d] = %.17g is not above f[%d] = %.17g\n", i, f[i], i - 1, f[i - 1]);
		assert_true(f[i] > f[i - 1]);
	}
	for (int i = 2; i < 5; i++)
		assert_true(f[i] - f[i - 1] < f[i - 1] - f[i - 2]);
}

/* ---- setup's plugins: the view's values ---------------------------------- */

static void road_chief_coverage_follows_staff(void **state)
{
	(void)state;
	char policy[512];
	const char *targets = "districts = [\"A\", \"B\"];";
	double cost;
	/* 0 chiefs: the rates exactly as in the file, no cost */
	policy_with(policy, sizeof policy, "road_chief", targets, "staff_per_district", 0, "");
	assert_true(setup_value(policy, "what = \"rate\";", &cost) == 0.2);
	assert_true(setup_value(policy, "what = \"rebound\"; category = \"back_street\";", NULL) == 0.1);
	assert_true(cost == 0.0);
	/* the closed form, in A (250 road and street sites) and B (130) */
	static const double staff[] = {5, 12.5, 40};
	for (size_t i = 0; i < 3; i++) {
		policy_with(policy, sizeof policy, "road_chief", targets, "staff_per_district", staff[i],
			    "boost = 0.1; rebound_cut = 0.5; sites_per_chief = 10;");
		double in_a = 1 - exp(-staff[i] * 10 / 250), in_b = 1 - exp(-staff[i] * 10 / 130);
		assert_close(setup_value(policy, "what = \"rate\";", &cost), 0.2 + 0.1 * in_a, 1e-12);
		assert_close(setup_value(policy, "what = \"rebound\"; category = \"back_street\";", NULL),
			     0.1 * (1 - 0.5 * in_a), 1e-12);
		assert_close(setup_value(policy, "what = \"rate\"; district = \"B\";", NULL),
			     0.2 + 0.1 * in_b, 1e-12);
		/* categories not listed are untouched */
		assert_true(setup_value(policy, "what = \"rate\"; category = \"intersection\";", NULL) == 0.2);
		assert_close(cost, staff[i] * 2 * 6, 1e-12); /* staff-weeks: 2 districts, 6 weeks */
	}
	double f[5];
	for (int i = 0; i < 5; i++) {
		policy_with(policy, sizeof policy, "road_chief", targets, "staff_per_district", 10.0 * i, "");
		f[i] = setup_value(policy, "what = \"rate\";", NULL);
	}
	expect_rising_and_concave(f);
}

static void extra_enforcement_follows_officers(void **state)
{
	(void)state;
	char policy[512];
	const char *targets = "districts = [\"A\", \"B\"];";
	double cost;
	policy_with(policy, sizeof policy, "extra_enforcement", targets, "officers", 0, "");
	assert_true(setup_value(policy, "what = \"new\"; category = \"intersection\";", &cost) == 4.0);
	assert_true(cost == 0.0);
	static const double officers[] = {10, 50, 200};
	for (size_t i = 0; i < 3; i++) {
		policy_with(policy, sizeof policy, "extra_enforcement", targets, "officers", officers[i],
			    "efficiency = 0.35;");
		/* 25 intersections in all: as many officers an intersection in A and B */
		double kept = exp(-0.35 * officers[i] / 25);
		assert_close(setup_value(policy, "what = \"new\"; category = \"intersection\";", &cost),
			     4.0 * kept, 1e-12);
		assert_close(setup_value(policy, "what = \"new\"; category = \"intersection\"; district = \"B\";",
					 NULL),
			     4.0 * kept, 1e-12);
		assert_close(cost, officers[i] * 6, 1e-12); /* officer-weeks */
	}
	double f[5];
	for (int i = 0; i < 5; i++) {
		policy_with(policy, sizeof policy, "extra_enforcement", targets, "officers", 20.0 * i, "");
		/* the effect: the fall of new problems */
		f[i] = 4.0 - setup_value(policy, "what = \"new\"; category = \"intersection\";", NULL);
	}
	expect_rising_and_concave(f);
	/* all the officers in A alone (a lever's copy of the policy for one district) */
	policy_with(policy, sizeof policy, "extra_enforcement", "districts = [\"A\"];", "officers", 50, "");
	assert_close(setup_value(policy, "what = \"new\"; category = \"intersection\";", NULL),
		     4.0 * exp(-0.35 * 50 / 20), 1e-12);
}

static void doorstep_duty_compliance_follows_staff(void **state)
{
	(void)state;
	char policy[512];
	const char *targets = "districts = [\"A\", \"B\"];";
	const char *restaurant = "what = \"new\"; category = \"small_restaurant\";";
	double cost;
	policy_with(policy, sizeof policy, "doorstep_duty", targets, "staff_per_district", 0, "");
	assert_true(setup_value(policy, restaurant, &cost) == 4.0);
	assert_true(cost == 0.0);
	static const double staff[] = {2, 6, 15};
	for (size_t i = 0; i < 3; i++) {
		policy_with(policy, sizeof policy, "doorstep_duty", targets, "staff_per_district", staff[i],
			    "shops_per_staff = 150; max_compliance = 0.9; reduction = 0.35;");
		/* A: 200 back-street and 400 restaurant sites; B: 100 and 200 */
		double in_a = 0.9 * (1 - exp(-staff[i] * 150 / 600));
		double in_b = 0.9 * (1 - exp(-staff[i] * 150 / 300));
		assert_close(setup_value(policy, restaurant, &cost), 4.0 * (1 - 0.35 * in_a), 1e-12);
		assert_close(setup_value(policy, "what = \"new\"; category = \"small_restaurant\"; district = \"B\";",
					 NULL),
			     4.0 * (1 - 0.35 * in_b), 1e-12);
		assert_true(setup_value(policy, "what = \"new\";", NULL) == 4.0); /* main_road: not listed */
		assert_close(cost, staff[i] * 2 * 6, 1e-12);                       /* staff-weeks */
	}
	double f[5];
	for (int i = 0; i < 5; i++) {
		policy_with(policy, sizeof policy, "doorstep_duty", targets, "staff_per_district", 3.0 * i, "");
		f[i] = 4.0 - setup_value(policy, restaurant, NULL);
	}
	expect_rising_and_concave(f);
}

static void school_outreach_uplift_follows_schools(void **state)
{
	(void)state;
	char policy[512];
	const char *targets = "districts = [\"A\", \"B\"];";
	double cost;
	policy_with(policy, sizeof policy, "school_outreach", targets, "schools_per_district", 0, "");
	assert_true(setup_value(policy, "what = \"satisfaction\";", &cost) == 0.85);
	assert_true(cost == 0.0);
	static const double schools[] = {3, 12, 30};
	for (size_t i = 0; i < 3; i++) {
		policy_with(policy, sizeof policy, "school_outreach", targets, "schools_per_district",
			    schools[i], "schools_scale = 10; max_uplift = 0.04; ceiling = 0.98;");
		double uplift = 0.04 * (1 - exp(-schools[i] / 10));
		assert_close(setup_value(policy, "what = \"satisfaction\";", &cost), 0.85 + uplift, 1e-12);
		/* B starts at 0.96: the ceiling holds it at 0.98 */
		assert_close(setup_value(policy, "what = \"satisfaction\"; district = \"B\";", NULL),
			     fmin(0.98, 0.96 + uplift), 1e-12);
		assert_close(cost, schools[i] * 2, 1e-12); /* schools, once */
	}
	double f[5];
	for (int i = 0; i < 5; i++) {
		policy_with(policy, sizeof policy, "school_outreach", targets, "schools_per_district", 4.0 * i, "");
		f[i] = setup_value(policy, "what = \"satisfaction\";", NULL);
	}
	expect_rising_and_concave(f);
}

static void materials_review_follows_units(void **state)
{
	(void)state;
	char policy[512];
	double cost;
	policy_with(policy, sizeof policy, "materials_review", "", "units", 0, "");
	assert_true(setup_value(policy, "what = \"loss1\";", &cost) == 0.08);
	assert_true(cost == 0.0);
	static const double units[] = {5, 20, 80};
	for (size_t i = 0; i < 3; i++) {
		policy_with(policy, sizeof policy, "materials_review", "", "units", units[i],
			    "units_scale = 20; max_reduction = 0.6; groups = [\"services\"];");
		double cut = 0.6 * (1 - exp(-units[i] / 20));
		assert_close(setup_value(policy, "what = \"loss2\";", &cost), 0.05 * (1 - cut), 1e-12);
		assert_true(setup_value(policy, "what = \"loss1\";", NULL) == 0.08); /* not reviewed */
		assert_close(cost, units[i], 1e-12);
	}
	double f[5];
	for (int i = 0; i < 5; i++) {
		policy_with(policy, sizeof policy, "materials_review", "", "units", 10.0 * i, "");
		f[i] = 0.08 - setup_value(policy, "what = \"loss1\";", NULL);
	}
	expect_rising_and_concave(f);
}

/* ---- week hooks: the rates they set --------------------------------------- */

static void sprint_cleanup_surge_follows_staff(void **state)
{
	(void)state;
	char policy[512];
	const char *targets = "districts = [\"A\"];";
	const char *shape = "start = 2; length = 3; staff_scale = 40; max_surge = 0.4; fatigue = 0.5; "
			    "rebound_after = 0.2;";
	double rate, rebound, cost;
	/* 0 staff: the scenario's rates in every week, no cost */
	policy_with(policy, sizeof policy, "sprint_cleanup", targets, "staff_per_district", 0, shape);
	for (int week = 1; week <= 5; week++) {
		week_rates(policy, "", week, &rate, &rebound);
		assert_true(rate == 0.2 && rebound == 0.1);
	}
	setup_value(policy, "", &cost);
	assert_true(cost == 0.0);
	static const double staff[] = {10, 55, 200};
	double f[5] = {0.2};
	for (size_t i = 0; i < 3; i++) {
		policy_with(policy, sizeof policy, "sprint_cleanup", targets, "staff_per_district", staff[i],
			    shape);
		double s = 1 - exp(-staff[i] / 40);
		/* after week 1's hook: the surge (weeks 2 to 4) */
		week_rates(policy, "", 1, &rate, &rebound);
		assert_close(rate, 0.2 + 0.4 * s, 1e-12);
		assert_true(rebound == 0.1);
		/* after week 4's: fatigue and rebound */
		week_rates(policy, "", 4, &rate, &rebound);
		assert_close(rate, 0.2 * (1 - 0.5 * s), 1e-12);
		assert_close(rebound, 0.1 + 0.2 * s, 1e-12);
		/* B is not a target */
		week_rates(policy, "district = \"B\";", 1, &rate, &rebound);
		assert_true(rate == 0.2);
		setup_value(policy, "", &cost);
		assert_close(cost, staff[i] * 3 * 1, 1e-12); /* staff-weeks: 3 surge weeks, 1 district */
	}
	for (int i = 1; i < 5; i++) {
		policy_with(policy, sizeof policy, "sprint_cleanup", targets, "staff_per_district", 20.0 * i,
			    shape);
		week_rates(policy, "", 1, &f[i], &rebound);
	}
	expect_rising_and_concave(f);
}

static void mock_inspection_push_follows_tests(void **state)
{
	(void)state;
	char policy[512];
	const char *targets = "districts = [\"A\"];";
	const char *shape = "weeks = [2, 4]; detection = 0.6; boost = 0.25; duration = 1; cost_per_test = 8;";
	double rate, rebound, cost;
	policy_with(policy, sizeof policy, "mock_inspection", targets, "tests", 0, shape);
	for (int week = 1; week <= 5; week++) {
		week_rates(policy, "", week, &rate, &rebound);
		assert_true(rate == 0.2);
	}
	setup_value(policy, "", &cost);
	assert_true(cost == 0.0);
	double f[5] = {0.2};
	for (int n = 1; n < 5; n++) {
		policy_with(policy, sizeof policy, "mock_inspection", targets, "tests", n, shape);
		/* after week 2's hook: week 3 is pushed; after week 3's: back to the base */
		week_rates(policy, "", 2, &f[n], &rebound);
		assert_close(f[n], 0.2 + 0.25 * (1 - pow(0.4, n)), 1e-12);
		week_rates(policy, "", 3, &rate, &rebound);
		assert_true(rate == 0.2);
		setup_value(policy, "", &cost);
		assert_close(cost, 8.0 * n * 2 * 1, 1e-12); /* 2 mock weeks, 1 district */
	}
	expect_rising_and_concave(f);
}

/* The first week after which A is pushed, with threshold 0 (always red). */
static int first_push(double reviews)
{
	char policy[512];
	double rate, rebound;
	policy_with(policy, sizeof policy, "accountability", "districts = [\"A\"];", "reviews", reviews,
		    "threshold = 0.0; boost = 0.08;");
	for (int week = 1; week <= 6; week++) {
		week_rates(policy, "", week, &rate, &rebound);
		if (rate != 0.2) {
			assert_close(rate, 0.28, 1e-12);
			return week;
		}
	}
	return 0;
}

static void accountability_schedule_follows_reviews(void **state)
{
	(void)state;
	char policy[512];
	double cost;
	/* reviews in week round(k x 6 / n): n = 1: week 6; 2: 3, 6; 3: 2, 4, 6; 6: every week */
	assert_int_equal(first_push(0), 0);
	assert_int_equal(first_push(1), 6);
	assert_int_equal(first_push(2), 3);
	assert_int_equal(first_push(3), 2);
	assert_int_equal(first_push(4), 2); /* 1.5 rounds to 2 */
	assert_int_equal(first_push(6), 1);
	for (int n = 0; n <= 6; n += 3) {
		policy_with(policy, sizeof policy, "accountability", "", "reviews", n, "cost_per_review = 2;");
		setup_value(policy, "", &cost);
		assert_close(cost, 2.0 * n * 2, 1e-12); /* 2 districts */
	}
}

/* ---- bad resources --------------------------------------------------------- */

static void bad_resources_are_refused(void **state)
{
	(void)state;
	char policy[512];
	static const struct {
		const char *plugin, *key;
		double amount;
		const char *needle;
	} cases[] = {
		{"road_chief", "staff_per_district", -5, "params.staff_per_district = -5: the chiefs per district must be a finite number >= 0"},
		{"road_chief", "sites_per_chief", 0, "params.sites_per_chief = 0"},
		{"extra_enforcement", "officers", -1, "params.officers = -1"},
		{"doorstep_duty", "staff_per_district", -2, "params.staff_per_district = -2"},
		{"doorstep_duty", "max_compliance", 1.5, "params.max_compliance = 1.5: the share of checked shops that comply must be within [0, 1]"},
		{"school_outreach", "schools_per_district", -1, "params.schools_per_district = -1"},
		{"materials_review", "units", -3, "params.units = -3"},
		{"mock_inspection", "tests", 1.5, "params.tests = 1.5: the tests per district and mock week must be a whole number >= 0"},
		{"mock_inspection", "tests", -1, "params.tests = -1"},
		{"sprint_cleanup", "staff_per_district", -10, "params.staff_per_district = -10"},
		{"sprint_cleanup", "staff_scale", 0, "params.staff_scale = 0"},
		{"accountability", "reviews", 2.5, "params.reviews = 2.5"},
		{"accountability", "reviews", 7, "params.reviews = 7: at most one review a week, so at most 6"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		policy_with(policy, sizeof policy, cases[i].plugin, "", cases[i].key, cases[i].amount, "");
		expect_refused(policy, cases[i].needle);
	}
	/* the message names the plugin, the hook and the line of the setup's check */
	policy_with(policy, sizeof policy, "road_chief", "", "staff_per_district", -5, "");
	expect_refused(policy, "road_chief: setup: road_chief.lua:");
	/* the removed doubles are unknown parameters */
	expect_refused("plugin = \"road_chief\"; params = { coverage = 0.5; };", "unknown parameter 'coverage'");
	expect_refused("plugin = \"accountability\"; params = { every = 2; };", "unknown parameter 'every'");
}

/* Every plugin of the library documents its resource, the curve and the cost
 * unit in its header, and names the resource in its description. */
static void every_header_documents_its_curve(void **state)
{
	(void)state;
	static const char *const needles[] = {"The resource:", "The curve", "Cost unit:", "DOMAIN"};
	for (size_t i = 0; i < LIBRARY_SIZE; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/plugins/%s.lua", SOURCE, library[i]);
		FILE *in = fopen(path, "r");
		assert_non_null(in);
		static char text[16384];
		size_t n = fread(text, 1, sizeof text - 1, in);
		fclose(in);
		text[n] = '\0';
		char named[128];
		snprintf(named, sizeof named, "resource %s, cost in ", resource[i]);
		if (strstr(text, named) == NULL)
			print_error("%s's description does not name its resource %s\n", library[i], resource[i]);
		assert_non_null(strstr(text, named));
		char *end = strstr(text, "]]");
		assert_non_null(end);
		*end = '\0';
		snprintf(named, sizeof named, "The resource: %s,", resource[i]);
		if (strstr(text, named) == NULL)
			print_error("%s's header does not say 'The resource: %s,'\n", library[i], resource[i]);
		assert_non_null(strstr(text, named));
		for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++) {
			if (strstr(text, needles[k]) == NULL)
				print_error("%s's header lacks '%s'\n", library[i], needles[k]);
			assert_non_null(strstr(text, needles[k]));
		}
	}
}

/* The library's files are copied next to the scenario, so that the source
 * tree's plugins are the ones tested whatever is installed. */
static int make_workdir(void **state)
{
	(void)state;
	snprintf(workdir, sizeof workdir, "/tmp/ccsim-library-test-XXXXXX");
	if (mkdtemp(workdir) == NULL)
		return -1;
	write_file("probe.lua", probe_text, strlen(probe_text));
	for (size_t i = 0; i < LIBRARY_SIZE; i++) {
		char path[512], name[64];
		snprintf(path, sizeof path, "%s/plugins/%s.lua", SOURCE, library[i]);
		FILE *in = fopen(path, "rb");
		if (in == NULL)
			return -1;
		static char text[65536];
		size_t n = fread(text, 1, sizeof text, in);
		fclose(in);
		snprintf(name, sizeof name, "%s.lua", library[i]);
		write_file(name, text, n);
	}
	return 0;
}

static int remove_workdir(void **state)
{
	(void)state;
	char path[600];
	snprintf(path, sizeof path, "%s/probe.lua", workdir);
	unlink(path);
	snprintf(path, sizeof path, "%s/s.cfg", workdir);
	unlink(path);
	for (size_t i = 0; i < LIBRARY_SIZE; i++) {
		snprintf(path, sizeof path, "%s/%s.lua", workdir, library[i]);
		unlink(path);
	}
	return rmdir(workdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(road_chief_coverage_follows_staff),
		cmocka_unit_test(extra_enforcement_follows_officers),
		cmocka_unit_test(doorstep_duty_compliance_follows_staff),
		cmocka_unit_test(school_outreach_uplift_follows_schools),
		cmocka_unit_test(materials_review_follows_units),
		cmocka_unit_test(sprint_cleanup_surge_follows_staff),
		cmocka_unit_test(mock_inspection_push_follows_tests),
		cmocka_unit_test(accountability_schedule_follows_reviews),
		cmocka_unit_test(bad_resources_are_refused),
		cmocka_unit_test(every_header_documents_its_curve),
	};
	return cmocka_run_group_tests(tests, make_workdir, remove_workdir);
}

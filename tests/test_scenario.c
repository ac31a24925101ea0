/*
 * scenario: resolution of the levels and every validation rule of
 * docs/model.md section 2, each problem reported as FILE:LINE: message.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"
#include "temp_file.h"
#include "diag_printout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccsim_limits.h"
#include "replication.h"
#include "scenario.h"

#include <math.h>
#include <omp.h>
#include <sys/stat.h>

/* A valid scenario; the tests edit one line of it. Line numbers matter. */
static const char base[] =
	"version = 1;\n"                                                              /* 1 */
	"name = \"Test\";\n"                                                          /* 2 */
	"campaign: { weeks = 12; };\n"                                                /* 3 */
	"inspection: { window = [9, 12]; batches = 2; };\n"                           /* 4 */
	"categories = (\n"                                                            /* 5 */
	"  { name = \"main_road\"; weight = 8.0; deduction = 0.25; lottery = 3; random_view = 1; prepared = 0.5; },\n" /* 6 */
	"  { name = \"back_street\"; weight = 6; deduction = 0.2; lottery = 2; random_view = 2; }\n" /* 7 */
	");\n"                                                                        /* 8 */
	"defaults: { rectify_rate = 0.15; rebound = 0.05; new_per_week = 1.0; };\n"   /* 9 */
	"districts = (\n"                                                             /* 10 */
	"  { name = \"Chengguan\"; population = 320000.0; satisfaction = 0.86; satisfaction_concentration = 300.0;\n" /* 11 */
	"    sites = { main_road = 40; back_street = 120; };\n"                       /* 12 */
	"    declared = { main_road = 6; back_street = 10; };\n"                      /* 13 */
	"    problems = { main_road = 35; back_street = 210; };\n"                    /* 14 */
	"    rectify_rate = 0.18; new_per_week = { back_street = 6; }; },\n"          /* 15 */
	"  { name = \"Xigu\"; population = 180000.0; satisfaction = 0.84;\n"          /* 16 */
	"    sites = 30; declared = 5; problems = 50; }\n"                            /* 17 */
	");\n"                                                                        /* 18 */
	"materials = ( { name = \"online_reports\"; items = 40; points = 0.5; loss_probability = 0.05; } );\n" /* 19 */
	"survey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };\n"        /* 20 */
	"overall: { weight = 0.0; noise_sd = 0.05; };\n"                              /* 21 */
	"negative_list = ( { name = \"major_accident\"; probability = 0.01; veto = true; },\n" /* 22 */
	"                  { name = \"media_exposure\"; probability = 0.10; deduct = 3.0; } );\n" /* 23 */
	"bonus: { cap = 6.0; honors = ( { name = \"health_city\"; probability = 1.0; points = 1.0; } ); };\n" /* 24 */
	"minors: { mean = 90.0; sd = 3.0; weight = 0.2; minimum = 85.0; };\n"         /* 25 */
	"history: { scores = [82.5, 84.0]; weights = [0.15, 0.25]; current_weight = 0.6; };\n" /* 26 */
	"pass: { rule = \"threshold\"; threshold = 85.0; bands = [70.0, 80.0]; };\n"  /* 27 */
	"policies = ( { plugin = \"road_chief\"; districts = [\"Chengguan\"]; params = { boost = 0.1; }; } );\n" /* 28 */
	"sensitivity = ( { path = \"districts.Chengguan.rectify_rate\"; low = 0.1; high = 0.3; } );\n"; /* 29 */

/* BASE with the first occurrence of OLD replaced by NEW (which must be found). */
static char *edited(const char *old, const char *new)
{
	const char *at = strstr(base, old);
	assert_non_null(at);
	size_t before = (size_t)(at - base);
	size_t size = strlen(base) - strlen(old) + strlen(new) + 1;
	char *text = malloc(size);
	memcpy(text, base, before);
	strcpy(text + before, new);
	strcat(text, at + strlen(old));
	return text;
}

/* Asserts that the edit makes the scenario invalid with a problem at LINE
 * whose message contains NEEDLE. */
static void expect_problem(const char *old, const char *new, int line, const char *needle)
{
	char *text = edited(old, new);
	struct diag d;
	diag_init(&d, "test.cfg");
	struct scenario *s = scenario_load_string(text, &d);
	int found = 0;
	for (int i = 0; i < d.count && !found; i++)
		found = d.entries[i].line == line && strstr(d.entries[i].message, needle) != NULL;
	if (!found || s != NULL) {
		print_error("edit '%s' -> '%s': wanted line %d containing '%s'; got:\n", old, new, line,
			    needle);
		diag_print(&d, stderr);
	}
	assert_null(s);
	assert_true(found);
	diag_free(&d);
	free(text);
}

static struct scenario *load_base(struct diag *d)
{
	diag_init(d, "test.cfg");
	struct scenario *s = scenario_load_string(base, d);
	if (s == NULL)
		diag_print(d, stderr);
	return s;
}

static void base_scenario_is_valid_and_resolves_levels(void **state)
{
	(void)state;
	struct diag d;
	struct scenario *s = load_base(&d);
	assert_non_null(s);
	assert_int_equal(s->n_categories, 2);
	assert_int_equal(s->n_districts, 2);
	/* a district scalar overrides defaults */
	assert_true(scenario_cell(s, 0, 0)->rectify_rate == 0.18);
	assert_true(scenario_cell(s, 1, 0)->rectify_rate == 0.15);
	/* a group entry overrides the scalar; an integer is accepted as a real */
	assert_true(scenario_cell(s, 0, 1)->new_per_week == 6.0);
	assert_true(scenario_cell(s, 0, 0)->new_per_week == 1.0);
	assert_true(s->categories[1].weight == 6.0);
	/* a district scalar applies to every category */
	assert_int_equal(scenario_cell(s, 1, 0)->sites, 30);
	assert_int_equal(scenario_cell(s, 1, 1)->sites, 30);
	assert_int_equal(scenario_cell(s, 0, 1)->declared, 10);
	/* optional keys take their documented defaults */
	assert_true(s->categories[1].prepared == 1.0);
	assert_true(s->districts[1].satisfaction_concentration == 0.0);
	assert_true(s->negatives[1].veto == 0);
	assert_true(s->negatives[0].deduct == 0.0);
	/* survey allocation by population share: 1200 * 32/50 = 768 (the compiled model's) */
	struct scenario_compiled *m = scenario_compile(s, &d);
	assert_non_null(m);
	assert_ptr_equal(m->scenario, s);
	assert_int_equal(m->respondents[0], 768);
	assert_int_equal(m->respondents[1], 432);
	assert_true(m->field_weight == 14.0);
	assert_int_equal(m->declared_before[0 * 3 + 2], 11);   /* main_road: 6 + 5 */
	assert_int_equal(m->undeclared_before[1 * 3 + 1], 110); /* back_street in Chengguan: 120 - 10 */
	scenario_compiled_free(m);
	assert_int_equal(s->n_policies, 1);
	assert_int_equal(s->policies[0].n_params, 1);
	assert_int_equal(s->n_sensitivity, 1);
	assert_string_equal(s->name, "Test");
	scenario_free(s);
	diag_free(&d);
}

/* Levels resolve as: district entry, district scalar, defaults entry, defaults scalar. */
static void levels_resolve_in_documented_order(void **state)
{
	(void)state;
	char *text = edited("defaults: { rectify_rate = 0.15; rebound = 0.05; new_per_week = 1.0; };",
			    "defaults: { rectify_rate = 0.15; rebound = 0.05; new_per_week = 1.0; "
			    "problems = { back_street = 7; }; sites = { main_road = 99; }; "
			    "declared = 0; };");
	struct diag d;
	diag_init(&d, "test.cfg");
	struct scenario *s = scenario_load_string(text, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	assert_int_equal(scenario_cell(s, 1, 1)->problems, 50);  /* district scalar over defaults entry */
	assert_int_equal(scenario_cell(s, 0, 1)->problems, 210); /* district entry over all */
	assert_int_equal(scenario_cell(s, 0, 0)->sites, 40);     /* district entry over defaults entry */
	assert_int_equal(scenario_cell(s, 1, 0)->sites, 30);     /* district scalar over defaults entry */
	assert_true(scenario_cell(s, 1, 0)->rebound == 0.05);    /* defaults scalar */
	scenario_free(s);
	diag_free(&d);
	free(text);

	/* a defaults entry overrides the defaults scalar */
	text = edited("new_per_week = 1.0; };", "new_per_week = { main_road = 2.5; back_street = 0.5; }; };");
	diag_init(&d, "test.cfg");
	s = scenario_load_string(text, &d);
	assert_non_null(s);
	assert_true(scenario_cell(s, 1, 0)->new_per_week == 2.5);
	assert_true(scenario_cell(s, 1, 1)->new_per_week == 0.5);
	assert_true(scenario_cell(s, 0, 1)->new_per_week == 6.0); /* the district's entry still wins */
	scenario_free(s);
	diag_free(&d);
	free(text);
}

static void minimal_sections_suffice(void **state)
{
	(void)state;
	static const char minimal[] =
		"version = 1;\n"
		"campaign: { weeks = 1; };\n"
		"inspection: { window = [1, 1]; batches = 1; };\n"
		"categories = ( { name = \"c\"; weight = 1.0; deduction = 0.1; lottery = 1; } );\n"
		"districts = ( { name = \"d\"; population = 1.0; satisfaction = 0.9; sites = 1; "
		"declared = 1; problems = 0; new_per_week = 0; rectify_rate = 0; rebound = 0; } );\n"
		"survey: { respondents = 1; weight = 20.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 1.0; };\n";
	struct diag d;
	diag_init(&d, "minimal.cfg");
	struct scenario *s = scenario_load_string(minimal, &d);
	assert_non_null(s);
	assert_int_equal(s->n_materials, 0);
	assert_false(s->minors.present);
	assert_false(s->history.present);
	assert_true(s->overall.weight == 0.0);
	assert_true(s->survey.veto_below == 0.0);
	assert_string_equal(s->name, "minimal.cfg");
	scenario_free(s);
	diag_free(&d);
	/* a file of model version 2 reads alike */
	char two[sizeof minimal];
	memcpy(two, minimal, sizeof minimal);
	two[strlen("version = ")] = '2';
	diag_init(&d, "minimal.cfg");
	s = scenario_load_string(two, &d);
	assert_non_null(s);
	assert_int_equal(s->weeks, 1);
	scenario_free(s);
	diag_free(&d);
}

struct edit_case {
	const char *old, *new;
	int line;
	const char *needle;
};

static void run_cases(const struct edit_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_problem(cases[i].old, cases[i].new, cases[i].line, cases[i].needle);
}

#define RUN_CASES(cases) run_cases(cases, sizeof cases / sizeof cases[0])

static void out_of_range_values_are_errors(void **state)
{
	(void)state;
	static const struct edit_case cases[] = {
		{"version = 1;", "version = 3;", 1, "must be 1 or 2"},
		{"weeks = 12;", "weeks = 0;", 3, "'weeks' is 0, must be an integer within [1, 10000]"},
		/* found by the fuzzer: a count near 2^63 must be refused, not converted */
		{"sites = 30;", "sites = 9223372036854775807L;", 17, "'sites' is 9223372036854775807, must be an integer within [1, 1000000000000]"},
		/* found by the fuzzer: open problems must stay far inside int64 */
		{"new_per_week = 1.0;", "new_per_week = 1e20;", 9, "'new_per_week' is 1e+20, must be a number within [0, 1e+12]"},
		{"batches = 2;", "batches = 5000;", 4, "'batches' is 5000, must be an integer within [1, 1000]"},
		{"batches = 2;", "batches = 0;", 4, "'batches' is 0"},
		{"weight = 8.0;", "weight = -1.0;", 6, "'weight' is -1, must be a number at least 0"},
		{"deduction = 0.25;", "deduction = 1.4;", 6, "'deduction' is 1.4, must be a number within [0, 1]"},
		{"lottery = 3;", "lottery = -1;", 6, "'lottery' is -1"},
		{"random_view = 1;", "random_view = -2;", 6, "'random_view' is -2"},
		{"prepared = 0.5;", "prepared = 1.5;", 6, "'prepared' is 1.5"},
		{"population = 320000.0;", "population = 0.0;", 11, "must be a number within (0, 1e+12]"},
		{"lottery = 3;", "lottery = 2000000;", 6, "'lottery' is 2000000, must be an integer within [0, 1000000]"},
		{"satisfaction = 0.84;", "satisfaction = 1.2;", 16, "'satisfaction' is 1.2"},
		{"satisfaction_concentration = 300.0;", "satisfaction_concentration = -3.0;", 11, "'satisfaction_concentration' is -3"},
		{"rectify_rate = 0.18;", "rectify_rate = 1.4;", 15, "'rectify_rate' is 1.4, must be a number within [0, 1]"},
		{"rebound = 0.05;", "rebound = -0.05;", 9, "'rebound' is -0.05"},
		{"new_per_week = { back_street = 6; }", "new_per_week = { back_street = -6; }", 15, "'new_per_week.back_street' is -6"},
		{"sites = 30;", "sites = 0;", 17, "'sites' is 0, must be an integer within [1, 1000000000000]"},
		{"problems = 50;", "problems = -1;", 17, "'problems' is -1"},
		{"items = 40;", "items = -1;", 19, "'items' is -1"},
		{"points = 0.5;", "points = -0.5;", 19, "'points' is -0.5"},
		{"loss_probability = 0.05;", "loss_probability = 1.05;", 19, "'loss_probability' is 1.05"},
		{"respondents = 1200;", "respondents = 0;", 20, "'respondents' is 0"},
		{"veto_below = 80.0;", "veto_below = 180.0;", 20, "within [0, 100]"},
		{"noise_sd = 0.05;", "noise_sd = -0.05;", 21, "'noise_sd' is -0.05"},
		{"probability = 0.01;", "probability = 1.01;", 22, "'probability' is 1.01"},
		{"deduct = 3.0;", "deduct = -3.0;", 23, "'deduct' is -3"},
		{"cap = 6.0;", "cap = -6.0;", 24, "'cap' is -6"},
		{"probability = 1.0; points = 1.0;", "probability = 1.0; points = -1.0;", 24, "'points' is -1"},
		{"mean = 90.0;", "mean = 190.0;", 25, "'mean' is 190"},
		{"sd = 3.0;", "sd = -3.0;", 25, "'sd' is -3"},
		{"weight = 0.2;", "weight = 1.2;", 25, "'weight' is 1.2"},
		{"minimum = 85.0;", "minimum = -1.0;", 25, "'minimum' is -1"},
		{"weights = [0.15, 0.25];", "weights = [-0.15, 0.55];", 26, "'weights[1]' is -0.15"},
	};
	RUN_CASES(cases);
}

static void wrong_types_are_errors(void **state)
{
	(void)state;
	static const struct edit_case cases[] = {
		{"weeks = 12;", "weeks = \"12\";", 3, "'weeks' must be an integer within [1, 10000], not a string"},
		{"weeks = 12;", "weeks = 12.5;", 3, "not a real number"},
		{"sites = 30;", "sites = 30.0;", 17, "'sites' must be an integer"},
		{"weight = 8.0;", "weight = true;", 6, "'weight' must be a number at least 0, not a boolean"},
		{"veto = true;", "veto = 1;", 22, "'veto' must be true or false"},
		{"name = \"Xigu\";", "name = 7;", 16, "'name' must be a string"},
		{"campaign: { weeks = 12; };", "campaign = 12;", 3, "'campaign' must be a group"},
		{"categories = (", "categories = [ 1 ]; old = (", 5, "'categories' must be a list"},
		{"window = [9, 12];", "window = \"9-12\";", 4, "'window' must be an array of numbers"},
		{"rule = \"threshold\";", "rule = 1;", 27, "'rule' must be a string"},
	};
	RUN_CASES(cases);
}

static void missing_keys_say_where_to_give_them(void **state)
{
	(void)state;
	static const struct edit_case cases[] = {
		{"sites = 30; ", "", 16, "district 'Xigu': no 'sites' for main_road, back_street: give sites = <value>;"},
		{"sites = 30; ", "sites = { main_road = 30; }; ", 16, "no 'sites' for back_street"},
		{"defaults: { rectify_rate = 0.15; ", "defaults: { ", 16, "no 'rectify_rate' for main_road, back_street"},
		{"weight = 8.0; ", "", 6, "category 'main_road': missing 'weight': add weight = <a number at least 0>;"},
		{"population = 180000.0; ", "", 16, "missing 'population'"},
		{"campaign: { weeks = 12; };\n", "\n", 0, "missing section 'campaign': add campaign: { ... };"},
		{"survey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };", "", 0, "missing section 'survey'"},
		{"version = 1;", "", 0, "missing 'version'"},
		{"threshold = 85.0; ", "", 27, "missing 'threshold'"},
		{"window = [9, 12]; ", "", 4, "missing 'window'"},
		{"current_weight = 0.6; ", "", 26, "missing 'current_weight'"},
		{"{ name = \"Xigu\";", "{ nom = \"Xigu\";", 16, "missing 'name'"},
	};
	RUN_CASES(cases);
}

static void unknown_keys_suggest_the_nearest(void **state)
{
	(void)state;
	static const struct edit_case cases[] = {
		{"rectify_rate = 0.18;", "rectfy_rate = 0.18;", 15, "unknown key 'rectfy_rate'; did you mean 'rectify_rate'?"},
		{"survey: {", "surveys: {", 20, "unknown key 'surveys'; did you mean 'survey'?"},
		{"deduction = 0.25;", "deduction = 0.25; lotery = 2;", 6, "did you mean 'lottery'?"},
		{"sites = { main_road = 40;", "sites = { main_rod = 40;", 12, "'main_rod' names no category; did you mean 'main_road'?"},
		{"batches = 2;", "batches = 2; batch = 1;", 4, "did you mean 'batches'?"},
		{"rule = \"threshold\";", "rule = \"treshold\";", 27, "did you mean \"threshold\"?"},
		{"districts = [\"Chengguan\"]", "districts = [\"Chenguan\"]", 28, "'Chenguan' names no district; did you mean 'Chengguan'?"},
		{"cap = 6.0;", "cap = 6.0; honours = ();", 24, "did you mean 'honors'?"},
	};
	RUN_CASES(cases);
}

static void names_are_unique_within_their_list(void **state)
{
	(void)state;
	static const struct edit_case cases[] = {
		{"name = \"back_street\";", "name = \"main_road\";", 7, "the name 'main_road' is used twice in 'categories'"},
		{"name = \"Xigu\";", "name = \"Chengguan\";", 16, "used twice in 'districts'"},
		{"name = \"media_exposure\";", "name = \"major_accident\";", 23, "used twice in 'negative_list'"},
		{"name = \"Xigu\";", "name = \"\";", 16, "'name' must not be empty"},
	};
	RUN_CASES(cases);
}

static void cross_rules_are_checked(void **state)
{
	(void)state;
	static const struct edit_case cases[] = {
		/* declared <= sites */
		{"declared = 5;", "declared = 31;", 17, "declared is 31 but the district has only 30 sites"},
		{"declared = { main_road = 6;", "declared = { main_road = 41;", 13, "category 'main_road': declared is 41"},
		/* 1 <= a <= b <= weeks */
		{"window = [9, 12];", "window = [9, 13];", 4, "must satisfy 1 <= first <= last <= weeks (12)"},
		{"window = [9, 12];", "window = [0, 3];", 4, "must satisfy 1 <= first"},
		{"window = [9, 12];", "window = [10, 9];", 4, "must satisfy"},
		{"window = [9, 12];", "window = [9];", 4, "has 1 values, must have 2"},
		/* satisfaction in (0, 1) when the concentration is positive */
		{"satisfaction = 0.86;", "satisfaction = 1.0;", 11, "must be within (0, 1) when satisfaction_concentration is positive"},
		/* history: weights plus current_weight sum to 1, one weight per score */
		{"current_weight = 0.6;", "current_weight = 0.5;", 26, "sum to 0.9, must sum to 1"},
		{"weights = [0.15, 0.25];", "weights = [0.4];", 26, "1 weights for 2 scores"},
		/* a category with weight must be able to inspect a site */
		{"lottery = 3; random_view = 1;", "lottery = 0; random_view = 0;", 6, "category 'main_road' has weight 8 but no site of it can be inspected"},
		/* the rule's own keys */
		{"rule = \"threshold\"; threshold = 85.0;", "rule = \"competition\"; slots = 2;", 27, "missing list 'competitors'"},
		{"threshold = 85.0;", "threshold = 85.0; slots = 2;", 27, "'slots' belongs to rule = \"competition\""},
		{"rule = \"threshold\"; threshold = 85.0;", "rule = \"competition\"; slots = 0; competitors = ( { name = \"R\"; mean = 86.0; sd = 2.0; } );", 27, "'slots' is 0"},
		{"sensitivity = ( { path = \"districts.Chengguan.rectify_rate\"; low = 0.1; high = 0.3; } );", "sensitivity = ( { path = \"x\"; low = 0.3; high = 0.1; } );", 29, "low (0.3) is above high (0.1)"},
	};
	RUN_CASES(cases);
}

static void overall_needs_weighted_categories(void **state)
{
	(void)state;
	char *text = edited("overall: { weight = 0.0;", "overall: { weight = 5.0;");
	char *step = text;
	const char *edits[][2] = {{"weight = 8.0;", "weight = 0.0;"}, {"weight = 6;", "weight = 0;"}};
	for (int i = 0; i < 2; i++) {
		char *at = strstr(step, edits[i][0]);
		assert_non_null(at);
		memcpy(at, edits[i][1], strlen(edits[i][1]));
		memset(at + strlen(edits[i][1]), ' ', strlen(edits[i][0]) - strlen(edits[i][1]));
	}
	struct diag d;
	diag_init(&d, "test.cfg");
	assert_null(scenario_load_string(step, &d));
	assert_true(diag_contains(&d, "overall: weight 5 needs a field score"));
	diag_free(&d);
	free(text);
}

static void an_invalid_value_does_not_cascade(void **state)
{
	(void)state;
	char *text = edited("sites = 30;", "sites = 0;");
	struct diag d;
	diag_init(&d, "test.cfg");
	assert_null(scenario_load_string(text, &d));
	assert_int_equal(d.count, 1);
	diag_free(&d);
	free(text);
}

/* An overlay given alone (bench/uncertain-rates.cfg without its city) is
 * told as such, in one message, not as six missing parts; a file missing
 * only some of them still gets each one's message. */
static void an_overlay_alone_is_named_as_one(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d, "overlay.cfg");
	assert_null(scenario_load_string("version = 2;\n"
					 "uncertain = ( { path = \"districts.*.rebound\"; dist = \"uniform\";\n"
					 "  relative = true; min = 0.9; max = 1.1; } );\n",
					 &d));
	assert_int_equal(d.count, 1);
	assert_true(diag_contains(&d, "this file has no city in it"));
	assert_true(diag_contains(&d, "CITY.cfg+FILE.cfg"));
	diag_free(&d);
	char *text = edited("campaign: { weeks = 12; };\n", "\n");
	diag_init(&d, "test.cfg");
	assert_null(scenario_load_string(text, &d));
	assert_false(diag_contains(&d, "no city"));
	assert_true(diag_contains(&d, "missing section 'campaign'"));
	diag_free(&d);
	free(text);
}

static void every_problem_is_reported_at_once(void **state)
{
	(void)state;
	char *one = edited("weeks = 12;", "weeks = 0;");
	char *two = malloc(strlen(one) + 100);
	strcpy(two, one);
	char *at = strstr(two, "deduction = 0.25;");
	memcpy(at, "deduction = 2.25;", 17);
	at = strstr(two, "respondents = 1200;");
	memcpy(at, "respondentz = 1200;", 19);
	struct diag d;
	diag_init(&d, "test.cfg");
	assert_null(scenario_load_string(two, &d));
	assert_true(diag_contains(&d, "'weeks' is 0"));
	assert_true(diag_contains(&d, "'deduction' is 2.25"));
	assert_true(diag_contains(&d, "unknown key 'respondentz'"));
	assert_true(diag_contains(&d, "missing 'respondents'"));
	assert_true(d.count >= 4);
	diag_free(&d);
	free(one);
	free(two);
}

static void syntax_errors_give_their_line(void **state)
{
	(void)state;
	expect_problem("survey: { respondents = 1200;", "survey: { respondents = = 1200;", 20,
		       "syntax error");
	expect_problem("name = \"Test\";", "name = \"Test\";\nname = \"Again\";", 3,
		       "'name' is given twice in the same group (also at line 2)");
}

static void unreadable_file_is_an_error(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d, "/nonexistent/ccsim.cfg");
	assert_null(scenario_load_file("/nonexistent/ccsim.cfg", &d));
	assert_int_equal(d.count, 1);
	assert_true(diag_contains(&d, "cannot open the scenario: No such file or directory"));
	diag_free(&d);
}

/*
 * A city of N districts, one a line from line 11 on, whose every district
 * listed in BAD (a count N_BAD) has satisfaction 1.5 and -1 problems on its
 * main road; names, strings and
 * comments hold the characters that delimit a list (commas, brackets,
 * quotes), so that a reader that cuts the list must skip them.
 */
static char *long_city(int n, const int *bad, int n_bad, const char *syntax_error_at)
{
	size_t size = 4096 + (size_t)n * 200;
	char *text = malloc(size);
	assert_non_null(text);
	int used = snprintf(text, size,
		"version = 1;\n"                                              /* 1 */
		"name = \"Long (city), \\\"districts = (\\\"\";\n"           /* 2 */
		"campaign: { weeks = 12; };\n"                                /* 3 */
		"inspection: { window = [9, 12]; batches = 2; };\n"           /* 4 */
		"categories = (\n"                                            /* 5 */
		"  { name = \"main_road\"; weight = 8.0; deduction = 0.25; lottery = 3; random_view = 1; },\n" /* 6 */
		"  { name = \"back_street\"; weight = 6; deduction = 0.2; lottery = 2; random_view = 2; }\n" /* 7 */
		");\n"                                                        /* 8 */
		"defaults: { rectify_rate = 0.15; rebound = 0.05; new_per_week = 1.0; sites = 20; declared = 4; };\n" /* 9 */
		"districts = ( # a list ( of districts ), cut by the reader\n"); /* 10 */
	for (int i = 0; i < n; i++) {
		int wrong = 0;
		for (int k = 0; k < n_bad; k++)
			wrong |= bad[k] == i;
		const char *comment = i % 7 == 0 ? " /* , ) ( { \" */" : i % 5 == 0 ? " // , )" : "";
		used += snprintf(text + used, size - (size_t)used,
			"  { name = \"D%d, (\\\"%s\\\")\"; population = %d.0; satisfaction = %s; "
			"problems = { main_road = %d; back_street = %d; }; }%s%s\n", i, i % 2 ? "}" : ")",
			1000 + i, wrong ? "1.5" : "0.85", wrong ? -1 : i % 40, (i * 7) % 90,
			i + 1 < n ? (syntax_error_at != NULL && i == n - 3 ? ",," : ",") : "", comment);
	}
	snprintf(text + used, size - (size_t)used,
		");\n"
		"survey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };\n"
		"pass: { rule = \"threshold\"; threshold = 40.0; };\n");
	return text;
}

/* S printed (every resolved value), as a string. */
static char *printed(const struct scenario *s)
{
	char *buffer = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buffer, &size);
	assert_non_null(out);
	scenario_print(s, out);
	fclose(out);
	return buffer;
}

/* The loader parses a long district list in parts on several threads (and
 * pre-scans a long text on two): the scenario, each problem's line and a
 * syntax error's line must be the ones a single read gives. */
static void a_long_scenario_reads_the_same_on_several_threads(void **state)
{
	(void)state;
	enum { N = 8000 }; /* over 1 MB: the pre-scan's two passes run at once too */
	char *text = long_city(N, NULL, 0, NULL);
	char *expected = NULL;
	for (int threads = 1; threads <= 5; threads += 2) {
		omp_set_num_threads(threads);
		struct diag d;
		diag_init(&d, "long.cfg");
		struct scenario *s = scenario_load_string(text, &d);
		assert_non_null(s);
		assert_int_equal(s->n_districts, N);
		assert_string_equal(s->districts[N - 1].name, "D7999, (\"}\")");
		char *now = printed(s);
		if (expected == NULL)
			expected = now;
		else {
			assert_string_equal(now, expected);
			free(now);
		}
		scenario_free(s);
		diag_free(&d);
	}
	free(expected);
	free(text);

	/* a problem in each part is reported at its own line, in order (the
	 * districts and their cells, too, are read on several threads); district
	 * 6500 takes district 1000's name */
	const int bad[] = {3, 1999, 2000, 3999, 5000, 7998};
	text = long_city(N, bad, 6, NULL);
	char *renamed = strstr(text, "name = \"D6500,");
	assert_non_null(renamed);
	memcpy(renamed, "name = \"D1000,", 14);
	for (int threads = 1; threads <= 4; threads++) {
		omp_set_num_threads(threads);
		struct diag d;
		diag_init(&d, "long.cfg");
		assert_null(scenario_load_string(text, &d));
		assert_int_equal(d.count, 13);
		for (int k = 0; k < 13; k++) { /* the districts' own keys, then their cells */
			int at = k < 5 ? bad[k] : k == 5 ? 6500 : bad[(k - 1) % 6];
			assert_int_equal(d.entries[k].line, 11 + at);
			assert_non_null(strstr(d.entries[k].message, k == 5 ? "is used twice" :
					       k < 7 ? "'satisfaction' is 1.5" : "'problems.main_road' is -1"));
		}
		diag_free(&d);
	}
	free(text);

	/* an integer beyond 64 bits is reported at its line; a mistyped semicolon
	 * alone (libconfig would only call it a syntax error) */
	text = long_city(N, NULL, 0, NULL);
	char *huge = strstr(text, "population = 6000.0; satisfaction = 0.85;");
	assert_non_null(huge);
	memcpy(huge, "population = 999999999999999999999;      ", 41);
	for (int typed = 0; typed < 2; typed++) {
		if (typed) {
			char *semicolon = strstr(text, "population = 7000.0;");
			assert_non_null(semicolon);
			memcpy(semicolon, "population = 7.0\xef\xbc\x9b", 19);
		}
		for (int threads = 1; threads <= 2; threads++) {
			omp_set_num_threads(threads);
			struct diag d;
			diag_init(&d, "long.cfg");
			assert_null(scenario_load_string(text, &d));
			assert_int_equal(d.count, 1);
			assert_int_equal(d.entries[0].line, 11 + (typed ? 6000 : 5000));
			assert_non_null(strstr(d.entries[0].message, typed ? "U+FF1B" : "too large"));
			diag_free(&d);
		}
	}
	free(text);

	/* a syntax error near the end (",,") is reported at its line */
	text = long_city(N, NULL, 0, "");
	for (int threads = 1; threads <= 4; threads += 3) {
		omp_set_num_threads(threads);
		struct diag d;
		diag_init(&d, "long.cfg");
		assert_null(scenario_load_string(text, &d));
		assert_int_equal(d.count, 1);
		assert_int_equal(d.entries[0].line, 11 + N - 3);
		assert_non_null(strstr(d.entries[0].message, "syntax error"));
		diag_free(&d);
	}
	free(text);
	omp_set_num_threads(1);
}

/* The bytes of every text the loader has given libconfig to read: its calls
 * land here (this program's definition comes first), then in libconfig's. */
static atomic_size_t libconfig_read_bytes;
struct config_t;
int config_read_string(struct config_t *config, const char *text);
int config_read_string(struct config_t *config, const char *text)
{
	int (*real)(struct config_t *, const char *);
	void *found = dlsym(RTLD_NEXT, "config_read_string");
	assert_non_null(found);
	memcpy(&real, &found, sizeof real);
	atomic_fetch_add(&libconfig_read_bytes, strlen(text));
	return real(config, text);
}

/* A long district list after many lines: its parts are read once, not each
 * with the text's lines before it (4 parts, each re-reading 4 MB of
 * newlines, read 3.4 times the text), and every district keeps its line. */
static void a_long_list_after_many_lines_is_read_once(void **state)
{
	(void)state;
	enum { N = 8000, BLANK = 4 << 20 };
	const int bad[] = {7000};
	char *city = long_city(N, bad, 1, NULL);
	size_t length = strlen(city) + BLANK + 4, first = (size_t)(strchr(city, '\n') + 1 - city);
	char *text = malloc(length + 1);
	assert_non_null(text);
	memcpy(text, city, first); /* line 1, then a comment of BLANK newlines */
	memcpy(text + first, "/*", 2);
	memset(text + first + 2, '\n', BLANK);
	memcpy(text + first + 2 + BLANK, "*/", 2);
	strcpy(text + first + 4 + BLANK, city + first);
	for (int threads = 1; threads <= 3; threads += 2) {
		omp_set_num_threads(threads);
		struct diag d;
		diag_init(&d, "long.cfg");
		atomic_store(&libconfig_read_bytes, 0);
		assert_null(scenario_load_string(text, &d));
		assert_true(atomic_load(&libconfig_read_bytes) < length + length / 8);
		assert_int_equal(d.count, 2);
		for (int k = 0; k < 2; k++)
			assert_int_equal(d.entries[k].line, 11 + BLANK + 7000);
		assert_non_null(strstr(d.entries[0].message, "'satisfaction' is 1.5"));
		assert_non_null(strstr(d.entries[1].message, "'problems.main_road' is -1"));
		diag_free(&d);
	}
	omp_set_num_threads(1);
	free(text);
	free(city);
}

/* A string as the last district of the first part (the 2,048th) is reported
 * at its own line: libconfig dates a string by the token after it, the ')'
 * the first part ends with, which stood after the later districts' lines. */
static void a_string_ending_the_first_part_keeps_its_line(void **state)
{
	(void)state;
	enum { N = 6000, LAST = 2047 };
	char *text = long_city(N, NULL, 0, NULL);
	char *start = strstr(text, "{ name = \"D2047,");
	assert_non_null(start);
	char *end = strstr(start, "}; }") + 4;
	memset(start, ' ', (size_t)(end - start));
	memcpy(start, "\"oops\"", 6);
	for (int threads = 1; threads <= 3; threads += 2) {
		omp_set_num_threads(threads);
		struct diag d;
		diag_init(&d, "long.cfg");
		assert_null(scenario_load_string(text, &d));
		assert_true(d.count >= 1);
		assert_non_null(strstr(d.entries[0].message, "districts entry 2048 must be a group"));
		for (int k = 0; k < d.count; k++)
			assert_int_equal(d.entries[k].line, 11 + LAST);
		diag_free(&d);
	}
	omp_set_num_threads(1);
	free(text);
}

/* A long city read valid on 1 and 3 threads, alone, under a plan that
 * adds a district (its list no longer the one parsed) and under one that
 * changes a later part's district (the list the one parsed, the district's
 * settings partly the plan's, a scalar beside its group marked by a hook):
 * the same scenario (what it frees, each part on the thread that parsed it
 * or all on one, is the sanitizer build's to check). */
static void a_long_city_and_a_plan_adding_a_district_load_whole(void **state)
{
	(void)state;
	enum { N = 6000 };
	char city[64], plan[64], change[64], both[140], changed[140];
	char *text = long_city(N, NULL, 0, NULL);
	write_temp_file(city, text);
	free(text);
	write_temp_file(plan, "districts = ( { name = \"Newtown\"; population = 5000.0; "
			      "satisfaction = 0.9; problems = 3; } );\n");
	write_temp_file(change, "districts = ( { name = \"D4500, (\\\")\\\")\"; problems = 5; "
				"rectify_rate = { main_road = 0.3; }; } );\n");
	snprintf(both, sizeof both, "%s+%s", city, plan);
	snprintf(changed, sizeof changed, "%s+%s", city, change);
	const char *paths[3] = {city, both, changed};
	char *expected[3] = {NULL, NULL, NULL};
	for (int threads = 1; threads <= 3; threads += 2) {
		omp_set_num_threads(threads);
		for (int layered = 0; layered < 3; layered++) {
			struct diag d;
			diag_init(&d, paths[layered]);
			struct scenario *s = scenario_load_file(paths[layered], &d);
			assert_int_equal(diag_errors(&d), 0); /* a warning: the threshold is out of reach */
			assert_non_null(s);
			assert_int_equal(s->n_districts, N + (layered == 1));
			assert_string_equal(s->districts[N - 1].name, "D5999, (\"}\")");
			if (layered == 1)
				assert_string_equal(s->districts[N].name, "Newtown");
			if (layered == 2)
				assert_true(scenario_cell(s, 4500, 0)->rectify_rate == 0.3);
			char *now = printed(s);
			if (expected[layered] == NULL) {
				expected[layered] = now;
			} else {
				assert_string_equal(now, expected[layered]);
				free(now);
			}
			scenario_free(s);
			diag_free(&d);
		}
	}
	assert_string_not_equal(expected[2], expected[0]);
	for (int k = 0; k < 3; k++)
		free(expected[k]);
	unlink(city);
	unlink(plan);
	unlink(change);
	omp_set_num_threads(1);
}

/* The layers of a layered scenario (CITY.cfg+PLAN.cfg) are each read as one
 * file is: a long first layer in parts on several threads, with the same
 * scenario and the same messages (file and line) as one thread gives. */
static void a_long_layer_reads_the_same_on_several_threads(void **state)
{
	(void)state;
	enum { N = 8000 };
	const int bad[] = {10, 2047, 6001};
	char city[64], plan[64], both[140];
	char *text = long_city(N, bad, 3, NULL);
	write_temp_file(city, text);
	free(text);
	write_temp_file(plan, "districts = ( { name = \"D5000, (\\\")\\\")\"; satisfaction = 0.5; },\n"
			      "  { name = \"D5001, (\\\"}\\\")\"; problems = { back_street = -2; }; } );\n");
	snprintf(both, sizeof both, "%s+%s", city, plan);
	char *expected = NULL;
	for (int threads = 1; threads <= 3; threads += 2) {
		omp_set_num_threads(threads);
		struct diag d;
		diag_init(&d, both);
		assert_null(scenario_load_file(both, &d));
		char *now = diag_printout(&d);
		/* the city's bad districts and the plan's bad cell, each in its own file */
		assert_int_equal(d.count, 7);
		for (int k = 0; k < 3; k++) /* the later parts' lines too */
			assert_int_equal(d.entries[k].line, 11 + bad[k]);
		assert_non_null(strstr(now, "'problems.back_street' is -2"));
		if (expected == NULL) {
			expected = now;
		} else {
			assert_string_equal(now, expected);
			free(now);
		}
		diag_free(&d);
	}
	free(expected);
	unlink(city);
	unlink(plan);
	omp_set_num_threads(1);
}

static void largest_remainder_ties_go_to_the_earlier_district(void **state)
{
	(void)state;
	int64_t out[4];
	const double equal[3] = {1.0, 1.0, 1.0};
	scenario_largest_remainder(10, equal, 3, out);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[1], 3);
	assert_int_equal(out[2], 3);
	/* quotas 1.43, 3.57, 5.0: floors 1, 3, 5; the one left goes to 3.57 */
	const double uneven[3] = {2.0, 5.0, 7.0};
	scenario_largest_remainder(10, uneven, 3, out);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 4);
	assert_int_equal(out[2], 5);
	const double four[4] = {1.0, 1.0, 1.0, 1.0};
	scenario_largest_remainder(2, four, 4, out);
	assert_int_equal(out[0] + out[1] + out[2] + out[3], 2);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 1);
}

static void total_bounds_follow_from_weights_caps_and_deductions(void **state)
{
	(void)state;
	struct diag d;
	struct scenario *s = load_base(&d);
	assert_non_null(s);
	double lo, hi;
	scenario_total_bounds(s, &lo, &hi);
	/* past 0.15*82.5 + 0.25*84 = 33.375; City in [-3, 14 + 20 + 20 + 0 + 1] */
	double year_lo = 0.8 * -3.0, year_hi = 0.8 * 55.0 + 0.2 * 100.0;
	assert_close(lo, 33.375 + 0.6 * year_lo, 1e-12);
	assert_close(hi, 33.375 + 0.6 * year_hi, 1e-12);
	scenario_free(s);
	diag_free(&d);
}

/* Loads BASE with SETTINGS; returns the scenario or NULL with D filled. */
static struct scenario *load_with_settings(struct parameter_setting *settings, int n, struct diag *d)
{
	char path[64];
	write_temp_file(path, base);
	diag_init(d, "test.cfg");
	struct scenario *s = scenario_load_file_with(path, settings, n, d);
	unlink(path);
	return s;
}

/* docs/model.md 2.4: setting a path sets that level exactly as if the file had said it. */
static void parameter_paths_set_their_level(void **state)
{
	(void)state;
	struct parameter_setting settings[] = {
		{"districts.Chengguan.new_per_week", 2.0, 0, 0},      /* the district scalar */
		{"defaults.rebound", 0.2, 0, 0},                      /* the defaults scalar */
		{"districts.Xigu.rectify_rate.back_street", 0.5, 0, 0}, /* one cell */
		{"categories.main_road.deduction", 0.5, 0, 0},
		{"survey.respondents", 600, 0, 0},
		{"pass.threshold", 80, 0, 0},
		{"materials.online_reports.loss_probability", 0.1, 0, 0},
		{"policies.1.params.boost", 0.3, 0, 0},
		{"policies.1.params.coverage", 0.5, 0, 0},
		{"districts.Xigu.population", 60000, 0, 0},
	};
	struct diag d;
	struct scenario *s = load_with_settings(settings, 10, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	/* a district scalar set by path still yields to the file's entry for back_street */
	assert_true(scenario_cell(s, 0, 0)->new_per_week == 2.0);
	assert_true(scenario_cell(s, 0, 1)->new_per_week == 6.0);
	assert_true(scenario_cell(s, 0, 0)->rebound == 0.2 && scenario_cell(s, 1, 1)->rebound == 0.2);
	assert_true(scenario_cell(s, 1, 1)->rectify_rate == 0.5);
	assert_true(scenario_cell(s, 1, 0)->rectify_rate == 0.15);
	assert_true(s->categories[0].deduction == 0.5);
	assert_int_equal(s->survey.respondents, 600);
	struct scenario_compiled *m = scenario_compile(s, &d);
	assert_non_null(m);
	assert_int_equal(m->respondents[0], 505); /* 600 x 32/38, rounded by largest remainder */
	scenario_compiled_free(m);
	assert_true(s->pass.threshold == 80.0);
	assert_true(s->materials[0].loss_probability == 0.1);
	assert_true(s->policies[0].params[0].number == 0.3);
	assert_int_equal(s->policies[0].n_params, 2);
	assert_string_equal(s->policies[0].params[1].key, "coverage");
	assert_true(settings[4].integer && !settings[0].integer);
	for (int i = 0; i < 10; i++)
		assert_true(settings[i].used);
	scenario_free(s);
	diag_free(&d);
}

static void unknown_paths_name_the_nearest_valid_ones(void **state)
{
	(void)state;
	struct parameter_setting settings[] = {{"districts.Chenguan.rectify_rate", 0.2, 0, 0},
					       {"survey.respondants", 10, 0, 0}};
	struct diag d;
	assert_null(load_with_settings(settings, 2, &d));
	assert_int_equal(d.count, 2);
	assert_true(diag_contains(&d, "no parameter path 'districts.Chenguan.rectify_rate'; the nearest "
				      "valid paths are districts.Chengguan.rectify_rate"));
	assert_true(diag_contains(&d, "no parameter path 'survey.respondants'; the nearest valid paths "
				      "are survey.respondents"));
	diag_free(&d);
}

static void values_set_by_path_keep_the_rules(void **state)
{
	(void)state;
	struct parameter_setting settings[] = {{"districts.Xigu.rectify_rate", 1.4, 0, 0},
					       {"survey.respondents", 600.5, 0, 0},
					       {"defaults.rebound.back_street", -1, 0, 0}};
	struct diag d;
	assert_null(load_with_settings(settings, 3, &d));
	assert_true(diag_contains(&d, "districts.Xigu.rectify_rate=1.4: 'rectify_rate' must be a number within [0, 1]"));
	assert_true(diag_contains(&d, "survey.respondents=600.5: 'respondents' must be an integer"));
	assert_true(diag_contains(&d, "defaults.rebound.back_street=-1: 'rebound' must be a number within [0, 1]"));
	diag_free(&d);
}

/* A source is parsed once, then resolved as often as asked without its file. */
static void a_source_resolves_many_times_without_its_file(void **state)
{
	(void)state;
	char path[64];
	write_temp_file(path, base);
	struct diag d;
	diag_init(&d, path);
	struct scenario_source *src = scenario_source_read(path, &d);
	assert_non_null(src);
	assert_string_equal(scenario_source_path(src), path);
	unlink(path); /* no file is opened again */

	const struct parameter_setting fast[] = {{"defaults.rectify_rate", 0.3, 0, 0},
						 {"survey.respondents", 600, 0, 0}};
	struct scenario *a = scenario_source_resolve(src, fast, 2, &d);
	struct scenario *b = scenario_source_resolve(src, NULL, 0, &d);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(diag_errors(&d), 0); /* Xigu's scalar sites, declared and problems warn */
	assert_true(scenario_cell(a, 1, 0)->rectify_rate == 0.3);
	assert_true(scenario_cell(b, 1, 0)->rectify_rate == 0.15);
	assert_int_equal(a->survey.respondents, 600);
	assert_int_equal(b->survey.respondents, 1200);
	assert_false(fast[0].used); /* the settings are not written */
	assert_string_equal(a->file, path);
	assert_string_equal(b->name, "Test");

	/* a bad setting is this resolution's problem only */
	const struct parameter_setting bad[] = {{"survey.respondants", 10, 0, 0}};
	assert_null(scenario_source_resolve(src, bad, 1, &d));
	assert_true(diag_contains(&d, "no parameter path 'survey.respondants'"));
	diag_free(&d);
	diag_init(&d, path);
	struct scenario *c = scenario_source_resolve(src, NULL, 0, &d);
	assert_non_null(c);
	assert_true(scenario_path_is_integer("districts.Xigu.sites.main_road"));
	assert_true(scenario_path_is_integer("survey.respondents"));
	assert_false(scenario_path_is_integer("defaults.rectify_rate"));
	assert_false(scenario_path_is_integer("policies.1.params.boost"));
	scenario_free(a);
	scenario_free(b);
	scenario_free(c);
	scenario_source_free(src);
	diag_free(&d);

	/* a file that cannot be parsed gives no source */
	diag_init(&d, "bad.cfg");
	assert_null(scenario_source_read_string("version = ;", "bad.cfg", &d));
	assert_true(diag_contains(&d, "syntax error"));
	diag_free(&d);
}

/* ---- issue 12: what a file cannot do ------------------------------------ */

/* Loads TEXT as a file (so that @include and the reader's own path are used). */
static struct scenario *load_text_file(const char *text, struct diag *d, char *path)
{
	write_temp_file(path, text);
	diag_init(d, path);
	return scenario_load_file(path, d);
}

static void reals_must_be_finite(void **state)
{
	(void)state;
	static const struct edit_case cases[] = {
		{"threshold = 85.0;", "threshold = 1e999;", 27, "'threshold' is not a finite number"},
		{"bands = [70.0, 80.0];", "bands = [1e999, 60.0];", 27, "'bands[1]' is not a finite number"},
		{"satisfaction_concentration = 300.0;", "satisfaction_concentration = 1e999;", 11,
		 "'satisfaction_concentration' is not a finite number"},
		{"scores = [82.5, 84.0];", "scores = [-1e999, 84.0];", 26, "'scores[1]' is not a finite"},
		{"boost = 0.1;", "boost = 1e999;", 28, "params.boost is not a finite number"},
		{"low = 0.1;", "low = -1e999;", 29, "'low' is not a finite number"},
	};
	RUN_CASES(cases);
	/* a setup's writes go through the same rule */
	char why[128];
	assert_int_equal(scenario_field_check("district.satisfaction_concentration", INFINITY, why,
					      sizeof why), 1);
	assert_string_equal(why, "must be finite: a number at least 0");
	struct diag d;
	struct scenario *s = load_base(&d);
	assert_non_null(s);
	const struct scenario_key *k = scenario_schema_find("pass.threshold");
	assert_int_equal(scenario_value_set(s, k, -1, -1, INFINITY, why, sizeof why), 1);
	assert_int_equal(scenario_value_set(s, k, -1, -1, NAN, why, sizeof why), 1);
	assert_true(s->pass.threshold == 85.0);
	scenario_free(s);
	diag_free(&d);
	struct parameter_setting huge[] = {{"pass.threshold", INFINITY, 0, 0}};
	assert_null(load_with_settings(huge, 1, &d));
	assert_true(diag_contains(&d, "pass.threshold=inf: 'threshold' must be a number"));
	diag_free(&d);
}

static void integers_beyond_32_bits_are_read_exactly_or_refused(void **state)
{
	(void)state;
	struct diag d;
	char *text = edited("sites = 30;", "sites = 5000000000;");
	struct scenario *s = scenario_load_string(text, (diag_init(&d, "t.cfg"), &d));
	assert_non_null(s);
	assert_int_equal(scenario_cell(s, 1, 0)->sites, 5000000000LL);
	scenario_free(s);
	diag_free(&d);
	free(text);

	text = edited("respondents = 1200;", "respondents = 4294967396;");
	s = scenario_load_string(text, (diag_init(&d, "t.cfg"), &d));
	assert_non_null(s);
	assert_int_equal(s->survey.respondents, 4294967396LL);
	scenario_free(s);
	diag_free(&d);
	free(text);

	expect_problem("weeks = 12;", "weeks = 4294967300;", 3, "'weeks' is 4294967300, must be");
	expect_problem("sites = 30;", "sites = 0x1FFFFFFFFFF;", 17, "'sites' is 2199023255551");
	expect_problem("sites = 30;", "sites = 99999999999999999999;", 17,
		       "the integer 99999999999999999999 is too large");
	/* a number in a string, a name or a comment is no literal */
	text = edited("name = \"Test\";", "name = \"Test 5000000000\"; # 6000000000");
	s = scenario_load_string(text, (diag_init(&d, "t.cfg"), &d));
	assert_non_null(s);
	assert_string_equal(s->name, "Test 5000000000");
	scenario_free(s);
	diag_free(&d);
	free(text);

	/* in an @include'd file too (included files are expanded before libconfig reads them) */
	char dir[] = "/tmp/ccsim-include-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char inc[128], main_file[128];
	snprintf(inc, sizeof inc, "%s/survey.cfg", dir);
	snprintf(main_file, sizeof main_file, "%s/city.cfg", dir);
	FILE *out = fopen(inc, "w");
	fputs("# the survey\nsurvey: { respondents = 5000000000; weight = 20.0; };\n", out);
	fclose(out);
	text = edited("survey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };",
		      "@include \"survey.cfg\"");
	out = fopen(main_file, "w");
	fputs(text, out);
	fclose(out);
	diag_init(&d, main_file);
	s = scenario_load_file(main_file, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	assert_int_equal(s->survey.respondents, 5000000000LL);
	scenario_free(s);
	diag_free(&d);
	/* and beyond 64 bits refused at the included file's own line */
	out = fopen(inc, "w");
	fputs("# the survey\nsurvey: { respondents = 50000000000000000000; weight = 20.0; };\n", out);
	fclose(out);
	diag_init(&d, main_file);
	assert_null(scenario_load_file(main_file, &d));
	assert_int_equal(d.count, 1);
	assert_string_equal(d.entries[0].file, inc);
	assert_int_equal(d.entries[0].line, 2);
	assert_true(diag_contains(&d, "the integer 50000000000000000000 is too large"));
	diag_free(&d);
	unlink(inc);
	unlink(main_file);
	rmdir(dir);
	free(text);
}

static void names_are_utf8_non_empty_and_short(void **state)
{
	(void)state;
	expect_problem("name = \"Xigu\";", "name = \"Xi\xffgu\";", 16, "'name' is not valid UTF-8");
	expect_problem("name = \"Xigu\";", "name = \"Xi\xc0\xafgu\";", 16, "not valid UTF-8"); /* overlong */
	expect_problem("name = \"Xigu\";", "name = \"\xed\xa0\x80\";", 16, "not valid UTF-8"); /* surrogate */
	expect_problem("name = \"Xigu\";", "name = \"\";", 16, "'name' must not be empty");
	expect_problem("name = \"main_road\";",
		       "name = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";", 6,
		       "'name' has 65 characters, at most 64 are allowed");
	/* 64 characters of three bytes each are fine */
	char name[64 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(name, "\xe5\x8c\xba"); /* 区 */
	char replacement[256];
	snprintf(replacement, sizeof replacement, "name = \"%s\";", name);
	char *text = edited("name = \"Xigu\";", replacement);
	struct diag d;
	diag_init(&d, "t.cfg");
	struct scenario *s = scenario_load_string(text, &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	assert_string_equal(s->districts[1].name, name);
	scenario_free(s);
	diag_free(&d);
	free(text);
}

/* One cell, long and fast: the sums of its dynamics must stay exact. */
static const char one_cell[] =
	"version = 1;\n"
	"campaign: { weeks = 10000; };\n"
	"inspection: { window = [1, 10000]; batches = 1; };\n"
	"categories = ( { name = \"c\"; weight = 1.0; deduction = 0.0; lottery = 1; } );\n"
	"districts = ( { name = \"d\"; population = 1.0; satisfaction = 0.9; sites = 1; declared = 1;\n"
	"  problems = 0; new_per_week = LAMBDA; rectify_rate = 0.5; rebound = 1.0; } );\n"
	"survey: { respondents = 1; weight = 20.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 1.0; };\n";

static struct scenario *load_one_cell(const char *lambda, struct diag *d)
{
	char text[sizeof one_cell + 32];
	const char *at = strstr(one_cell, "LAMBDA");
	snprintf(text, sizeof text, "%.*s%s%s", (int)(at - one_cell), one_cell, lambda, at + 6);
	diag_init(d, "cell.cfg");
	return scenario_load_string(text, d);
}

static void no_sum_overflows_within_the_bounds(void **state)
{
	(void)state;
	struct diag d;
	/* issue 12: 10,000 weeks of 1e12 new problems overflowed the rectified count */
	assert_null(load_one_cell("1e12", &d));
	assert_true(diag_contains(&d, "the campaign could move up to 2e+20 problems"));
	diag_free(&d);
	/* at the limit: loads, and a replication's counts stay exact (rectified
	 * problems that rebound are rectified again: the share may pass 1) */
	struct scenario *s = load_one_cell("4.9e9", &d);
	if (s == NULL)
		diag_print(&d, stderr);
	assert_non_null(s);
	struct replication_workspace *w = replication_workspace_new(s, NULL);
	assert_non_null(w);
	assert_int_equal(replication_run(s, 1, 0, w), 0);
	double r = replication_outcome(w)->rectification;
	if (!(r >= 0.0 && r < 10000.0))
		print_error("rectification %g\n", r);
	assert_true(r >= 0.0 && r < 10000.0);
	replication_workspace_free(w);
	scenario_free(s);
	diag_free(&d);
}

static void included_files_are_named_in_messages(void **state)
{
	(void)state;
	char dir[] = "/tmp/ccsim-include-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char inc[128], main_file[128], sub[128];
	snprintf(inc, sizeof inc, "%s/survey.cfg", dir);
	snprintf(main_file, sizeof main_file, "%s/city.cfg", dir);
	snprintf(sub, sizeof sub, "%s/sub.cfg", dir);
	char *text = edited("survey: { respondents = 1200; weight = 20.0; veto_below = 80.0; };",
			    "@include \"survey.cfg\"");
	FILE *out = fopen(main_file, "w");
	fputs(text, out);
	fclose(out);
	free(text);

	/* a problem inside the included file: its name and its own line */
	out = fopen(inc, "w");
	fputs("\n\nsurvey: { respondents = 1200; weight = -20.0; };\n", out);
	fclose(out);
	struct diag d;
	diag_init(&d, main_file);
	assert_null(scenario_load_file(main_file, &d));
	assert_int_equal(d.count, 1);
	assert_string_equal(d.entries[0].file, inc);
	assert_int_equal(d.entries[0].line, 3);
	assert_true(diag_contains(&d, "'weight' is -20"));
	diag_free(&d);

	/* a syntax error there too */
	out = fopen(inc, "w");
	fputs("survey: { respondents = = 1200; };\n", out);
	fclose(out);
	diag_init(&d, main_file);
	assert_null(scenario_load_file(main_file, &d));
	assert_string_equal(d.entries[0].file, inc);
	assert_int_equal(d.entries[0].line, 1);
	assert_true(diag_contains(&d, "syntax error"));
	diag_free(&d);

	/* an included directory, and a directory given as the scenario */
	unlink(inc);
	assert_int_equal(mkdir(inc, 0700), 0);
	diag_init(&d, main_file);
	assert_null(scenario_load_file(main_file, &d));
	assert_true(diag_contains(&d, "is a directory, not a scenario file"));
	assert_int_equal(d.entries[0].line, 20);
	diag_free(&d);
	diag_init(&d, dir);
	assert_null(scenario_load_file(dir, &d));
	assert_int_equal(d.count, 1);
	assert_true(diag_contains(&d, "is a directory, not a scenario file"));
	diag_free(&d);
	rmdir(inc);
	unlink(main_file);
	(void)sub;
	rmdir(dir);
}

static void params_must_be_a_group(void **state)
{
	(void)state;
	expect_problem("params = { boost = 0.1; };", "params = 5;", 28,
		       "'params' must be a group { key = value; ... }, not an integer");
	expect_problem("params = { boost = 0.1; };", "params = ( { boost = 0.5; } );", 28,
		       "'params' must be a group { key = value; ... }, not a list");
}

static void files_over_the_size_limit_are_refused_at_once(void **state)
{
	(void)state;
	char path[64];
	write_temp_file(path, "version = 1;\n");
	assert_int_equal(truncate(path, (off_t)LIMIT_SCENARIO_BYTES + 1), 0); /* sparse: no time spent */
	struct diag d;
	diag_init(&d, path);
	assert_null(scenario_load_file(path, &d));
	assert_int_equal(d.count, 1);
	assert_true(diag_contains(&d, "more than a scenario file may (64 MiB)"));
	diag_free(&d);
	unlink(path);
	(void)load_text_file;
}

/* The text planners type (issue 13): a byte-order mark, full-width and curly
 * punctuation, a decimal comma, each named with its line and column. */
static void a_byte_order_mark_is_read(void **state)
{
	(void)state;
	size_t n = strlen(base);
	char *text = malloc(n + 4);
	memcpy(text, "\xEF\xBB\xBF", 3);
	memcpy(text + 3, base, n + 1);
	struct diag d;
	diag_init(&d, "test.cfg");
	struct scenario *s = scenario_load_string(text, &d);
	assert_non_null(s);
	assert_string_equal(s->name, "Test");
	scenario_free(s);
	diag_free(&d);
	free(text);
}

static void typed_punctuation_is_named_with_its_column(void **state)
{
	(void)state;
	expect_problem("campaign: { weeks = 12; };", "campaign: { weeks \xEF\xBC\x9D 12; };", 3,
		       "column 19: the full-width '\xEF\xBC\x9D' (U+FF1D) is not libconfig syntax: "
		       "type the ASCII '='");
	expect_problem("batches = 2; };", "batches = 2\xEF\xBC\x9B };", 4,
		       "column 44: the full-width '\xEF\xBC\x9B' (U+FF1B) is not libconfig syntax: "
		       "type the ASCII ';'");
	expect_problem("weight = 0.0; noise_sd", "weight = 0.0;\xE3\x80\x80noise_sd", 21,
		       "column 25: the full-width '\xE3\x80\x80' (U+3000) is not libconfig syntax: "
		       "type the ASCII ' '");
	expect_problem("bands = [70.0, 80.0]", "bands = \xEF\xBC\xBB" "70.0, 80.0]", 27,
		       "type the ASCII '['");
	expect_problem("name = \"Test\";", "name = \xE2\x80\x9CTest\xE2\x80\x9D;", 2,
		       "column 8: the curly quote '\xE2\x80\x9C' (U+201C) is not a quote in a scenario "
		       "file: type the straight double quote '\"'");
	expect_problem("name = \"Test\";", "name = \"Test\xE2\x80\x9D;", 2,
		       "column 13: the string opened at column 8 ends with the curly quote");
	expect_problem("name = \"Test\";", "name = \xE6\xB5\x8B;", 2,
		       "column 8: '\xE6\xB5\x8B' (U+6D4B) outside double quotes");
	/* comments and strings may hold any text */
	char *fine = edited("name = \"Test\";", "name = \"\xE6\xB5\x8B\xEF\xBC\x9B\"; # \xEF\xBC\x9B\xE2\x80\x9C");
	struct diag d;
	diag_init(&d, "test.cfg");
	struct scenario *s = scenario_load_string(fine, &d);
	assert_non_null(s);
	scenario_free(s);
	diag_free(&d);
	free(fine);
}

static void a_decimal_comma_is_named(void **state)
{
	(void)state;
	expect_problem("satisfaction = 0.84;", "satisfaction = 0,84;", 16,
		       "column 58: '0,84' has a decimal comma: write 0.84 (a point, not a comma)");
	expect_problem("weight = 20.0; veto", "weight = 20,5; veto", 20, "write 20.5");
}

static void a_setting_given_twice_is_named_with_both_lines(void **state)
{
	(void)state;
	expect_problem("overall: { weight = 0.0; noise_sd = 0.05; };",
		       "overall: { weight = 0.0; noise_sd = 0.05; };\nsurvey: { weight = 1.0; };", 22,
		       "'survey' is given twice in the same group (also at line 20)");
	expect_problem("noise_sd = 0.05; };", "noise_sd = 0.05;\n weight = 1.0; };", 22,
		       "'weight' is given twice in the same group (also at line 21)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base_scenario_is_valid_and_resolves_levels),
		cmocka_unit_test(levels_resolve_in_documented_order),
		cmocka_unit_test(minimal_sections_suffice),
		cmocka_unit_test(out_of_range_values_are_errors),
		cmocka_unit_test(wrong_types_are_errors),
		cmocka_unit_test(missing_keys_say_where_to_give_them),
		cmocka_unit_test(unknown_keys_suggest_the_nearest),
		cmocka_unit_test(names_are_unique_within_their_list),
		cmocka_unit_test(cross_rules_are_checked),
		cmocka_unit_test(overall_needs_weighted_categories),
		cmocka_unit_test(an_invalid_value_does_not_cascade),
		cmocka_unit_test(an_overlay_alone_is_named_as_one),
		cmocka_unit_test(every_problem_is_reported_at_once),
		cmocka_unit_test(syntax_errors_give_their_line),
		cmocka_unit_test(unreadable_file_is_an_error),
		cmocka_unit_test(a_long_scenario_reads_the_same_on_several_threads),
		cmocka_unit_test(a_long_list_after_many_lines_is_read_once),
		cmocka_unit_test(a_string_ending_the_first_part_keeps_its_line),
		cmocka_unit_test(a_long_layer_reads_the_same_on_several_threads),
		cmocka_unit_test(a_long_city_and_a_plan_adding_a_district_load_whole),
		cmocka_unit_test(largest_remainder_ties_go_to_the_earlier_district),
		cmocka_unit_test(total_bounds_follow_from_weights_caps_and_deductions),
		cmocka_unit_test(parameter_paths_set_their_level),
		cmocka_unit_test(unknown_paths_name_the_nearest_valid_ones),
		cmocka_unit_test(values_set_by_path_keep_the_rules),
		cmocka_unit_test(a_source_resolves_many_times_without_its_file),
		cmocka_unit_test(reals_must_be_finite),
		cmocka_unit_test(integers_beyond_32_bits_are_read_exactly_or_refused),
		cmocka_unit_test(names_are_utf8_non_empty_and_short),
		cmocka_unit_test(no_sum_overflows_within_the_bounds),
		cmocka_unit_test(included_files_are_named_in_messages),
		cmocka_unit_test(params_must_be_a_group),
		cmocka_unit_test(files_over_the_size_limit_are_refused_at_once),
		cmocka_unit_test(a_byte_order_mark_is_read),
		cmocka_unit_test(typed_punctuation_is_named_with_its_column),
		cmocka_unit_test(a_decimal_comma_is_named),
		cmocka_unit_test(a_setting_given_twice_is_named_with_both_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * plugin: the sandbox refuses every escape with a clear error, budgets and
 * caps stop runaway plugins within 2 seconds even inside pcall, writes are
 * checked by the file's rules, results stay identical across thread counts
 * with week hooks, and every policy of plugins/ moves the score the way it
 * claims (common random numbers against the scenario without it).
 *
 * Issue 12's attacks on the host: metatables that raise errors where ccsim
 * reads a plugin's tables, work inside the library's C functions (pattern
 * matching, string.rep, table.concat, big copies), finalizers, memory errors
 * caught by the plugin, non-finite costs and values, messages without a
 * position, a plugin that links to a file that is not Lua: each ends as the
 * plugin's error with its plugin, hook and file, within 2 seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assert_close.h"
#include "comparable_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inventory.h"
#include "plugin.h"
#include "plugin_int.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"

#define SOURCE CCSIM_SOURCE_DIR

/* Runaway plugins must be stopped within 2 seconds. Under AddressSanitizer
 * every allocation is several times slower (a memory bomb is made of them),
 * so the sanitizer build allows CCSIM_TIME_FACTOR times as long. */
#ifndef CCSIM_TIME_FACTOR
#define CCSIM_TIME_FACTOR 1
#endif
#define STOP_WITHIN (2.0 * CCSIM_TIME_FACTOR)

static char workdir[256];

/* A small valid scenario using plugin "p" from its own directory. */
static const char scenario_text[] =
	"version = 1;\n"
	"campaign: { weeks = 3; };\n"
	"inspection: { window = [2, 3]; batches = 1; };\n"
	"categories = ( { name = \"c\"; weight = 10.0; deduction = 0.2; lottery = 1; random_view = 1; } );\n"
	"defaults: { sites = 10; declared = 3; problems = 20; new_per_week = 2.0; rectify_rate = 0.2; rebound = 0.1; };\n"
	"districts = ( { name = \"A\"; population = 1.0; satisfaction = 0.9; },\n"
	"              { name = \"B\"; population = 1.0; satisfaction = 0.8; } );\n"
	"survey: { respondents = 100; weight = 20.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 20.0; };\n"
	"policies = ( { plugin = \"%s\"; %s } );\n";

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", workdir, name);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

/* Writes plugin p.lua with SETUP and WEEK bodies (either may be NULL). */
static void write_plugin(const char *setup, const char *week)
{
	char text[16384];
	snprintf(text, sizeof text,
		 "local p = { name = \"p\", description = \"a test plugin\", params = { boost = 0.1 } }\n"
		 "%s%s%s"
		 "%s%s%s"
		 "return p\n",
		 setup ? "function p.setup(scenario, params, targets)\n" : "", setup ? setup : "",
		 setup ? "\nend\n" : "", week ? "function p.week(state, params, targets)\n" : "",
		 week ? week : "", week ? "\nend\n" : "");
	write_file("p.lua", text);
}

struct loaded {
	struct scenario *s;
	struct plugin_host *host;
	enum diag_kind status;   /* the worst of d's entries */
	char error[4096];        /* d's plugin errors as printed, one a line */
	struct diag d;
};

/* The entries of D of KIND as diag_print prints them, one a line, into OUT. */
static void diag_text(const struct diag *d, enum diag_kind kind, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < d->count && used + 1 < size; i++) {
		if (d->entries[i].kind != kind)
			continue;
		if (used > 0)
			out[used++] = '\n';
		diag_format(d, &d->entries[i], out + used, size - used);
		used += strlen(out + used);
	}
}

/* Loads the test scenario with policy PLUGIN and EXTRA keys, and runs setup. */
static void load_with(struct loaded *l, const char *plugin, const char *extra)
{
	char text[4096], path[512];
	snprintf(text, sizeof text, scenario_text, plugin, extra);
	write_file("s.cfg", text);
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
	l->status = diag_worst(&l->d);
	diag_text(&l->d, DIAG_PLUGIN, l->error, sizeof l->error);
}

static void unload(struct loaded *l)
{
	plugin_host_free(l->host);
	scenario_free(l->s);
	diag_free(&l->d);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
}

/*
 * Does ERROR say NEEDLE? A runaway (a spent budget, the memory cap) may
 * also meet the wall-clock deadline first on a busy machine: that says so
 * too.
 */
static int says(const char *error, const char *needle)
{
	if (strstr(error, needle) != NULL)
		return 1;
	int runaway = strstr(needle, "instruction budget") != NULL || strstr(needle, "memory cap") != NULL;
	return runaway && strstr(error, "time limit of 1.5 s exceeded (an endless loop?)") != NULL;
}

/* Setup running BODY must fail with a message containing NEEDLE, within 2 s. */
static void expect_setup_refused(const char *body, const char *needle)
{
	struct loaded l;
	struct timespec start;
	write_plugin(body, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	load_with(&l, "p", "");
	double elapsed = seconds_since(&start);
	if (l.host != NULL || !says(l.error, needle) || strncmp(l.error, "p: setup: p.lua:", 16) != 0)
		print_error("body '%s': wanted '%s', got '%s'\n", body, needle, l.error);
	assert_null(l.host);
	assert_int_equal(l.status, DIAG_PLUGIN);
	assert_true(strncmp(l.error, "p: setup: p.lua:", 16) == 0);
	assert_true(says(l.error, needle));
	if (elapsed >= STOP_WITHIN)
		print_error("stopped after %.2f s, more than %.1f s\n", elapsed, STOP_WITHIN);
	assert_true(elapsed < STOP_WITHIN);
	unload(&l);
}

static void sandbox_refuses_every_escape(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"os.execute('true')", "'os' is not available to plugins"},
		{"io.open('/etc/passwd')", "'io' is not available to plugins"},
		{"require('os')", "'require' is not available to plugins"},
		{"dofile('/etc/passwd')", "'dofile' is not available to plugins"},
		{"loadfile('/etc/passwd')", "'loadfile' is not available to plugins"},
		{"load('\\27Lua\\84\\0')", "loading a binary chunk is not allowed"},
		{"string.dump(function() end)", "string.dump is not available to plugins"},
		{"debug.sethook()", "'debug' is not available to plugins"},
		{"collectgarbage('stop')", "collectgarbage('stop') is not allowed"},
		{"leaked = 1", "creating global 'leaked' is not allowed"},
		{"local y = undefined_name", "reading undefined global 'undefined_name'"},
		{"rawset(_G, 'leaked', 1)", "creating globals with rawset is not allowed"},
		{"setmetatable(_G, nil)", "cannot change a protected metatable"},
		{"getmetatable('').__index = {}", "attempt to index"},
		{"math.randomseed(1)", "math.randomseed is not available"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_setup_refused(cases[i][0], cases[i][1]);
}

static void runaway_setup_is_stopped(void **state)
{
	(void)state;
	expect_setup_refused("while true do end", "instruction budget of 100000000 exceeded");
	expect_setup_refused("local t = {}\nfor i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end",
			     "memory cap of 64 MiB exceeded");
	/* a pcall inside the plugin cannot swallow the kill */
	expect_setup_refused("pcall(function() while true do end end)\nreturn { cost = 1 }",
			     "instruction budget");
	expect_setup_refused("local ok = pcall(function() return os end)\nreturn { cost = 1 }",
			     "'os' is not available");
	expect_setup_refused("collectgarbage('count')\nlocal ok = pcall(function() local t = {} "
			     "for i = 1, 1e9 do t[i] = {i} end end)\nwhile true do end",
			     "memory cap");
}

static void errors_name_plugin_hook_file_and_line(void **state)
{
	(void)state;
	struct loaded l;
	write_plugin("local a = 1\nerror('the district list is empty')", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	/* line 1 is the plugin table, 2 `function p.setup`, 3 `local a`, 4 the error */
	assert_string_equal(l.error, "p: setup: p.lua:4: the district list is empty");
	unload(&l);

	write_plugin(NULL, NULL);
	write_file("p.lua", "local p = { name = 'p', description = 'x' \n return p\n");
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_non_null(strstr(l.error, "p: load: p.lua:2:"));
	unload(&l);
}

static void setup_writes_are_checked_like_the_file(void **state)
{
	(void)state;
	struct loaded l;
	write_plugin("scenario.district.B.categories.c.rectify_rate = 1.4", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_string_equal(l.error, "p: setup: p.lua: set districts.B.rectify_rate.c = 1.4, "
				     "must be a number within [0, 1]");
	unload(&l);

	write_plugin("scenario.district.A.rectfy_rate = 0.3", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_non_null(strstr(l.error, "p: setup: p.lua: wrote districts.A.rectfy_rate, which is not a field"));
	unload(&l);

	write_plugin("scenario.categories[1].lottery = 2.5", NULL);
	load_with(&l, "p", "");
	assert_non_null(strstr(l.error, "p: setup: p.lua: set categories.c.lottery = 2.5, must be a whole number"));
	unload(&l);

	/* a consistency rule broken by setup: declared above sites */
	write_plugin("scenario.district.A.categories.c.declared = 11", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_non_null(strstr(l.error, "p: setup: p.lua: after setup, district 'A', category 'c': declared is 11"));
	unload(&l);

	/* a valid write takes effect, and the cost is reported */
	write_plugin("scenario.district.A.categories.c.rectify_rate = 0.5\n"
		     "scenario.survey.respondents = 300\nreturn { cost = 7 * #targets }", NULL);
	load_with(&l, "p", "districts = [\"A\"];");
	assert_non_null(l.host);
	assert_true(scenario_cell(l.s, 0, 0)->rectify_rate == 0.5);
	assert_true(scenario_cell(l.s, 1, 0)->rectify_rate == 0.2);
	assert_int_equal(l.s->survey.respondents, 300);
	struct diag compiled;
	diag_init(&compiled, "");
	struct scenario_compiled *m = scenario_compile(l.s, &compiled);
	assert_non_null(m);
	assert_int_equal(m->respondents[0], 150); /* compiled after setup */
	scenario_compiled_free(m);
	diag_free(&compiled);
	assert_true(plugin_host_cost(l.host, 0) == 7.0);
	assert_string_equal(plugin_host_name(l.host, 0), "p");
	unload(&l);
}

/* Every key the schema lets a setup write is in the setup view under its own
 * name (records the test scenario has: the root's sections, categories,
 * districts, cells), and a write to it is read back through the schema:
 * the view restates nothing of the schema. */
static void the_setup_view_is_the_schemas(void **state)
{
	(void)state;
	char setup[8192];
	size_t used = 0;
	int checked = 0;
	for (int i = 0; i < scenario_schema_count(); i++) {
		const struct scenario_key *k = scenario_schema_key(i);
		if (!(k->flags & SCENARIO_KEY_SETUP))
			continue;
		const char *name = scenario_key_name(k);
		char at[160];
		switch (k->record) {
		case SCENARIO_RECORD_ROOT:
			snprintf(at, sizeof at, "scenario.%s", k->path);
			break;
		case SCENARIO_RECORD_CATEGORY:
			snprintf(at, sizeof at, "scenario.categories[1].%s", name);
			break;
		case SCENARIO_RECORD_DISTRICT:
			snprintf(at, sizeof at, "scenario.districts[2].%s", name);
			break;
		case SCENARIO_RECORD_CELL:
			snprintf(at, sizeof at, "scenario.district.B.categories.c.%s", name);
			break;
		default:
			continue; /* materials, events, honors: none in this scenario */
		}
		used += (size_t)snprintf(setup + used, sizeof setup - used,
					 "assert(%s ~= nil, \"%s\")\n", at, k->path);
		checked++;
	}
	assert_true(used < sizeof setup);
	assert_true(checked >= 20);
	(void)snprintf(setup + used, sizeof setup - used, "scenario.overall.noise_sd = 0.125");
	write_plugin(setup, NULL);
	struct loaded l;
	load_with(&l, "p", "");
	assert_string_equal(l.error, "");
	assert_non_null(l.host);
	assert_true(l.s->overall.noise_sd == 0.125);
	unload(&l);

	write_plugin("scenario.overall.noise_sd = -1.5", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_string_equal(l.error, "p: setup: p.lua: set overall.noise_sd = -1.5, "
				     "must be a number at least 0");
	unload(&l);
}

static void parameters_are_checked_against_the_plugin(void **state)
{
	(void)state;
	struct loaded l;
	write_plugin("assert(params.boost == 0.3)", NULL);
	load_with(&l, "p", "params = { boost = 0.3; };");
	assert_non_null(l.host);
	unload(&l);

	load_with(&l, "p", "params = { bost = 0.3; };");
	assert_null(l.host);
	assert_int_equal(l.status, DIAG_INPUT);
	assert_true(diag_contains(&l.d, "policy 1 (p): unknown parameter 'bost'; p knows boost"));
	assert_int_equal(l.d.entries[0].line, 10);
	unload(&l);

	load_with(&l, "p", "params = { boost = \"high\"; };");
	assert_int_equal(l.status, DIAG_INPUT);
	assert_true(diag_contains(&l.d, "params.boost must be a number, like its default"));
	unload(&l);

	load_with(&l, "no_such_plugin", "");
	assert_int_equal(l.status, DIAG_INPUT);
	assert_true(diag_contains(&l.d, "no plugin 'no_such_plugin'"));
	unload(&l);

	load_with(&l, "../p", "");
	assert_int_equal(l.status, DIAG_INPUT);
	assert_true(diag_contains(&l.d, "is not a plugin name"));
	unload(&l);
}

/* Runs the loaded scenario; returns the status, the errors as printed in ERROR. */
static int run_loaded(struct loaded *l, int64_t reps, int threads, struct run_result *r,
		      char *error, size_t size)
{
	struct run_options options = {.seed = 3, .replications = reps, .threads = threads,
				      .hooks = plugin_host_hooks(l->host)};
	struct diag d;
	diag_init(&d, NULL);
	int status = run_simulation(l->s, &options, r, &d);
	diag_text(&d, status == RUN_NO_MEMORY ? DIAG_NO_MEMORY : DIAG_PLUGIN, error, size);
	if (status != RUN_OK && d.count != 1)
		print_error("%d entries for one failure\n", d.count);
	assert_true(status == RUN_OK ? d.count == 0 : d.count == 1);
	diag_free(&d);
	return status;
}

/* The plugin written last runs 300 replications on 2 threads without error. */
static void expect_week_runs(void)
{
	struct loaded l;
	load_with(&l, "p", "");
	assert_non_null(l.host);
	struct run_result r;
	char error[2048];
	int status = run_loaded(&l, 300, 2, &r, error, sizeof error);
	if (status != RUN_OK)
		print_error("%s\n", error);
	assert_int_equal(status, RUN_OK);
	run_result_free(&r);
	unload(&l);
}

/* A week hook running BODY must stop the run with NEEDLE, within 2 s. */
static void expect_week_refused(const char *body, const char *needle)
{
	struct loaded l;
	struct run_result r;
	char error[2048];
	struct timespec start;
	write_plugin(NULL, body);
	load_with(&l, "p", "");
	assert_non_null(l.host);
	clock_gettime(CLOCK_MONOTONIC, &start);
	int status = run_loaded(&l, 1000, 2, &r, error, sizeof error);
	double elapsed = seconds_since(&start);
	if (status != RUN_PLUGIN_FAILED || !says(error, needle))
		print_error("week body '%s': wanted '%s', got '%s'\n", body, needle, error);
	assert_int_equal(status, RUN_PLUGIN_FAILED);
	assert_true(strncmp(error, "p: week: p.lua:", 15) == 0);
	assert_true(says(error, needle));
	if (elapsed >= STOP_WITHIN)
		print_error("week body '%s' stopped after %.2f s, more than %.1f s\n", body, elapsed,
			    STOP_WITHIN);
	assert_true(elapsed < STOP_WITHIN);
	unload(&l);
}

static void runaway_week_hooks_are_stopped(void **state)
{
	(void)state;
	expect_week_refused("while true do end", "instruction budget of 20000000 exceeded");
	expect_week_refused("local t = {}\nfor i = 1, 1e9 do t[i] = string.rep('y', 1000) .. i end",
			    "memory cap of 64 MiB exceeded");
	expect_week_refused("pcall(function() while true do end end)", "instruction budget");
	expect_week_refused("if state.week == 2 then error('stop here') end", "p.lua:3: stop here");
	expect_week_refused("state.district.B.categories.c.rectify_rate = 1.4",
			    "week 1 set districts.B.rectify_rate.c = 1.4, must be a number within [0, 1]");
	expect_week_refused("state.district.A.categories.c.open = -1", "must be a whole number");
	expect_week_refused("state.district.A.categories.c.sites = 3", "cannot be written");
	expect_week_refused("local x = state.district.A.categories.c.colour", "a cell has no field 'colour'");
	expect_week_refused("state.district.A.open = 3", "a district's 'open' cannot be written");
	expect_week_refused("rawset(state.district.A.categories.c, 'open', 5)", "rawset on ccsim's tables is not allowed");
}

/* A district's open problems and sites are its cells' totals; a cell's fixed
 * fields are the scenario's. */
static void districts_total_their_cells(void **state)
{
	(void)state;
	write_plugin(NULL,
		     "for _, d in ipairs(state.districts) do\n"
		     "  local open, sites = 0, 0\n"
		     "  for _, name in ipairs(state.categories) do\n"
		     "    local cell = d.categories[name]\n"
		     "    open, sites = open + cell.open, sites + cell.sites\n"
		     "    assert(cell.base_rectify_rate == 0.2 and cell.declared == 3 and cell.problems == 20)\n"
		     "  end\n"
		     "  if open ~= d.open or sites ~= d.sites then error('totals differ') end\n"
		     "  d.categories.c.open = d.categories.c.open + 1\n"
		     "end");
	expect_week_runs();
}

/* The plugin written last gives the same JSON (but the timings) in REPS
 * replications on 1, 2 and 7 threads. */
static void expect_same_run_on_any_threads(int64_t reps)
{
	struct loaded l;
	load_with(&l, "p", "");
	assert_non_null(l.host);
	char *json[3];
	const int threads[3] = {1, 2, 7};
	for (int i = 0; i < 3; i++) {
		struct run_result r;
		char error[512];
		int status = run_loaded(&l, reps, threads[i], &r, error, sizeof error);
		if (status != RUN_OK)
			print_error("%s\n", error);
		assert_int_equal(status, RUN_OK);
		json[i] = comparable_json(l.s, &r, plugin_host_summaries(l.host));
		run_result_free(&r);
	}
	assert_string_equal(json[0], json[1]);
	assert_string_equal(json[0], json[2]);
	assert_non_null(strstr(json[0], "\"plugin\": \"p\""));
	for (int i = 0; i < 3; i++)
		free(json[i]);
	unload(&l);
}

static void week_hooks_are_identical_across_thread_counts(void **state)
{
	(void)state;
	/* draws from the replication's stream and changes what it finds */
	write_plugin(NULL,
		     "for _, d in ipairs(state.districts) do\n"
		     "  local cell = d.categories.c\n"
		     "  if state.random() < 0.5 then cell.open = cell.open + math.random(1, 3) end\n"
		     "  cell.rectify_rate = math.min(1, cell.base_rectify_rate + 0.1 * math.random())\n"
		     "end");
	expect_same_run_on_any_threads(3 * RUNNER_CHUNK + 11);
}

/* ---- the policy library --------------------------------------------------- */

struct comparison {
	struct run_result with, without;
};

/* Runs scenarios/FILE with its policy and without it, same seed (common random numbers). */
static void compare_policy(const char *file, struct comparison *c)
{
	char path[512];
	/* the policy files are overlays of the demo */
	snprintf(path, sizeof path, "%s/scenarios/demo-city.cfg+%s/scenarios/%s", SOURCE, SOURCE, file);
	struct run_options options = {.seed = 20261122, .replications = 4000, .threads = 2};
	int policies = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct diag d;
		diag_init(&d, path);
		struct scenario *s = scenario_load_file(path, &d);
		if (s == NULL)
			diag_print(&d, stderr);
		assert_non_null(s);
		assert_true(s->n_policies >= 1);
		struct plugin_host *host = NULL;
		if (pass == 0) {
			struct plugin_path search;
			plugin_path_init(&search, path);
			host = plugin_host_new(s, &search, options.seed, &d);
			plugin_path_free(&search);
			if (host == NULL)
				diag_print(&d, stderr);
			assert_non_null(host);
		} else {
			policies = s->n_policies;
			s->n_policies = 0; /* the same scenario, the policy left out */
		}
		options.hooks = plugin_host_hooks(host);
		assert_int_equal(run_simulation(s, &options, pass == 0 ? &c->with : &c->without, &d),
				 RUN_OK);
		plugin_host_free(host);
		if (pass == 1)
			s->n_policies = policies; /* so that scenario_free releases them */
		scenario_free(s);
		diag_free(&d);
	}
}

static void comparison_free(struct comparison *c)
{
	run_result_free(&c->with);
	run_result_free(&c->without);
}

static int category_index(const char *name)
{
	static const char *const demo[] = {"main_road", "back_street", "old_compound", "farmers_market",
					   "park_square", "public_toilet", "small_restaurant",
					   "internet_cafe", "business_hall", "intersection",
					   "construction_site"};
	for (int i = 0; i < 11; i++)
		if (strcmp(demo[i], name) == 0)
			return i;
	fail();
	return -1;
}

static double category_lost(const struct run_result *r, const char *name)
{
	return r->tally->category_points_lost_sum[category_index(name)] / (double)r->tally->n;
}

static void road_chief_cuts_road_and_street_losses(void **state)
{
	(void)state;
	struct comparison c;
	compare_policy("policy-road-chief.cfg", &c);
	assert_true(category_lost(&c.with, "back_street") < category_lost(&c.without, "back_street"));
	assert_true(category_lost(&c.with, "main_road") < category_lost(&c.without, "main_road"));
	assert_true(c.with.tally->component[COMPONENT_FIELD].mean >
		    c.without.tally->component[COMPONENT_FIELD].mean);
	assert_true(c.with.tally->passes > c.without.tally->passes);
	comparison_free(&c);
}

static void extra_enforcement_cuts_intersection_losses(void **state)
{
	(void)state;
	struct comparison c;
	compare_policy("policy-extra-enforcement.cfg", &c);
	assert_true(category_lost(&c.with, "intersection") < category_lost(&c.without, "intersection"));
	/* only intersections change */
	assert_close(category_lost(&c.with, "park_square"), category_lost(&c.without, "park_square"), 1e-12);
	comparison_free(&c);
}

static void doorstep_duty_cuts_commercial_losses(void **state)
{
	(void)state;
	struct comparison c;
	compare_policy("policy-doorstep-duty.cfg", &c);
	assert_true(category_lost(&c.with, "small_restaurant") < category_lost(&c.without, "small_restaurant"));
	assert_true(category_lost(&c.with, "back_street") < category_lost(&c.without, "back_street"));
	comparison_free(&c);
}

static void school_outreach_raises_satisfaction(void **state)
{
	(void)state;
	struct comparison c;
	compare_policy("policy-school-outreach.cfg", &c);
	assert_true(c.with.tally->component[COMPONENT_SATISFACTION].mean >
		    c.without.tally->component[COMPONENT_SATISFACTION].mean);
	assert_true(c.with.tally->survey_vetoes <= c.without.tally->survey_vetoes);
	comparison_free(&c);
}

static void materials_review_keeps_more_materials(void **state)
{
	(void)state;
	struct comparison c;
	compare_policy("policy-materials-review.cfg", &c);
	assert_true(c.with.tally->component[COMPONENT_MATERIALS].mean >
		    c.without.tally->component[COMPONENT_MATERIALS].mean);
	/* the field is untouched, draw for draw */
	assert_true(c.with.tally->component[COMPONENT_FIELD].mean ==
		    c.without.tally->component[COMPONENT_FIELD].mean);
	comparison_free(&c);
}

static void mock_inspection_raises_the_field_score(void **state)
{
	(void)state;
	struct comparison c;
	compare_policy("policy-mock-inspection.cfg", &c);
	assert_true(c.with.tally->component[COMPONENT_FIELD].mean >
		    c.without.tally->component[COMPONENT_FIELD].mean);
	assert_true(c.with.tally->rectification_sum > c.without.tally->rectification_sum);
	comparison_free(&c);
}

static void accountability_raises_the_field_score(void **state)
{
	(void)state;
	struct comparison c;
	compare_policy("policy-accountability.cfg", &c);
	assert_true(c.with.tally->component[COMPONENT_FIELD].mean >
		    c.without.tally->component[COMPONENT_FIELD].mean);
	comparison_free(&c);
}

/* A surge helps over doing nothing, but the same effort spent steadily helps
 * more under unannounced, multi-batch inspection. */
static void sprint_cleanup_loses_to_steady_work(void **state)
{
	(void)state;
	struct comparison sprint, steady;
	compare_policy("policy-sprint-cleanup.cfg", &sprint);
	compare_policy("policy-steady-work.cfg", &steady);
	double none = sprint.without.tally->component[COMPONENT_FIELD].mean;
	double surge = sprint.with.tally->component[COMPONENT_FIELD].mean;
	double even = steady.with.tally->component[COMPONENT_FIELD].mean;
	assert_true(surge > none);
	assert_true(even > surge);
	assert_true(steady.with.tally->passes > sprint.with.tally->passes);
	comparison_free(&sprint);
	comparison_free(&steady);
}

/* ---- issue 12: nothing a plugin does crashes, hangs or changes a result silently ---- */

/* Setup running BODY must succeed within 2 s; returns its cost. */
static double expect_setup_done(const char *body)
{
	struct loaded l;
	struct timespec start;
	write_plugin(body, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	load_with(&l, "p", "");
	double elapsed = seconds_since(&start);
	if (l.host == NULL)
		print_error("body '%s': %s\n", body, l.error);
	assert_non_null(l.host);
	if (elapsed >= STOP_WITHIN)
		print_error("done after %.2f s, more than %.1f s\n", elapsed, STOP_WITHIN);
	assert_true(elapsed < STOP_WITHIN);
	double cost = plugin_host_cost(l.host, 0);
	unload(&l);
	return cost;
}

/* Item 1: metamethods that raise errors where ccsim reads or writes a
 * plugin's tables end as the plugin's error, never an abort. */
static void plugin_tables_with_hostile_metatables(void **state)
{
	(void)state;
	struct loaded l;
	/* the plugin's own table */
	write_file("p.lua", "return setmetatable({}, {__index = function() error('x') end})\n");
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_int_equal(l.status, DIAG_PLUGIN);
	assert_string_equal(l.error, "p: load: p.lua: the plugin's 'name' must be a string, not nil");
	unload(&l);

	/* what setup returns: its own fields only */
	assert_true(expect_setup_done("return setmetatable({}, {__index = function() error('x') end})") == 0.0);
	/* the view */
	assert_true(expect_setup_done("setmetatable(scenario, {__index = function() error('x') end,\n"
				      "  __newindex = function() error('y') end})") == 0.0);
	expect_setup_refused("setmetatable(scenario.survey, {__index = function() error('x') end})\n"
			     "scenario.survey.weight = nil", "set survey.weight to nil, must be a number");
	/* the week state: state.week is stored before each call, also when the
	 * plugin removed it */
	expect_week_refused("state.week = nil\n"
			    "setmetatable(state, {__newindex = function() error('boom') end})",
			    "p.lua:4: boom (replication 0)");
	write_plugin(NULL, "assert(math.type(state.week) == 'integer')\nstate.week = nil");
	load_with(&l, "p", "");
	struct run_result r;
	char error[512];
	assert_int_equal(run_loaded(&l, 50, 2, &r, error, sizeof error), RUN_OK);
	run_result_free(&r);
	unload(&l);

	/* the plugins command */
	char dir[600], path[700];
	snprintf(dir, sizeof dir, "%s/listed", workdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/hostile.lua", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("return setmetatable({}, {__index = function() error('x') end})\n", f);
	fclose(f);
	struct plugin_path list = {0};
	list.n = 1;
	list.dirs = (char *[]){dir};
	char *out = NULL, *err = NULL;
	size_t out_size = 0, err_size = 0;
	FILE *o = open_memstream(&out, &out_size), *e = open_memstream(&err, &err_size);
	assert_int_equal(plugin_list(&list, o, e), 1);
	fclose(o);
	fclose(e);
	assert_string_equal(err, "hostile: load: hostile.lua: the plugin's 'name' must be a string, "
				 "not nil\n");
	free(out);
	free(err);
	unlink(path);
	rmdir(dir);
}

/* Item 2: work inside the library's C functions is charged: each runaway
 * ends within 2 seconds, in setup and in a week hook. */
static void work_inside_c_functions_is_limited(void **state)
{
	(void)state;
	static const char *const runaways[] = {
		"local s = string.find(string.rep('a', 1e5), '.-.-.-.-.-.-b')",
		"local s = table.concat(setmetatable({}, {__index = table.concat}), '', 1, math.maxinteger)",
		"local s = string.rep('x', 4e6)\nfor i = 1, 2e7 do local t = s .. 'y' end",
		"local s = string.rep('x', math.maxinteger)",
		"local s = string.gsub(string.rep('a', 1e5), '.-.-.-.-.-b', '')",
		"for w in string.gmatch(string.rep('a', 1e5), '.-.-.-.-.-b') do end",
		"local t = {}\ntable.move(t, 1, math.maxinteger - 1, 2)",
		"local t = setmetatable({}, {__len = function() return math.maxinteger end})\n"
		"table.insert(t, 1, 'x')",
		"for i = 1, 1e7 do collectgarbage() end",
	};
	for (size_t i = 0; i < sizeof runaways / sizeof *runaways; i++) {
		const char *needle = strstr(runaways[i], "__len") ? "__len metamethod is not allowed"
								  : "instruction budget";
		expect_setup_refused(runaways[i], needle);
		expect_week_refused(runaways[i], needle);
	}
	/* what is not a runaway is answered at once */
	assert_true(expect_setup_done("return { cost = #string.rep('', math.maxinteger) }") == 0.0);
	assert_true(expect_setup_done("return { cost = #string.rep('', math.maxinteger, '') }") == 0.0);
	/* a plain find is linear: a 100 kB needle in a 3 MB string (a naive
	 * search would compare 3e11 bytes) */
	assert_true(expect_setup_done("local hay = string.rep('aaaaaaaaaa', 3e5)\n"
				      "local needle = string.rep('aaaaaaaaaa', 1e4) .. 'b'\n"
				      "assert(string.find(hay, needle, 1, true) == nil)\n"
				      "assert(hay:find(needle) == nil)\n"
				      "return { cost = hay:find(needle:sub(1, -2), 1, true) }") == 1.0);
	/* and the 1 MB needle in a 30 MB string ends within 2 s: done,
	 * or stopped by the clock on a machine too busy to build the strings */
	struct loaded l;
	struct timespec start;
	write_plugin("local hay = string.rep('aaaaaaaaaa', 3e6)\n"
		     "local needle = string.rep('aaaaaaaaaa', 1e5) .. 'b'\n"
		     "assert(string.find(hay, needle, 1, true) == nil)\n"
		     "return { cost = hay:find(needle:sub(1, -2), 1, true) }", NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	load_with(&l, "p", "");
	double elapsed = seconds_since(&start);
	if (l.host == NULL && !says(l.error, "instruction budget"))
		print_error("%s\n", l.error);
	assert_true(l.host != NULL ? plugin_host_cost(l.host, 0) == 1.0
				   : says(l.error, "instruction budget"));
	assert_true(elapsed < STOP_WITHIN);
	unload(&l);
}

/* The charged pattern functions answer as Lua's own (the manual's cases). */
static void patterns_behave_as_lua(void **state)
{
	(void)state;
	assert_true(expect_setup_done(
		"local function same(a, b) assert(a == b, tostring(a) .. ' ~= ' .. tostring(b)) end\n"
		"same(('hello world'):find('o w'), 5)\n"
		"same(select(2, ('hello world'):find('o w')), 7)\n"
		"same(('hello'):find('l+'), 3)\n"
		"same(('hello'):find('xyz'), nil)\n"
		"same(('a.b'):find('.', 1, true), 2)\n"
		"same(('hello'):find('', 10), nil)\n"
		"same(('hello'):find('', 6), 6)\n"
		"same(('key = value'):match('(%w+)%s*=%s*(%w+)'), 'key')\n"
		"same(select(2, ('key = value'):match('(%w+)%s*=%s*(%w+)')), 'value')\n"
		"same(('  trim  '):match('^%s*(.-)%s*$'), 'trim')\n"
		"same(('f(a(b)c)d'):match('%b()'), '(a(b)c)')\n"
		"same(('THE (quick) fox'):find('%f[%a]%a+', 5), 6)\n"
		"same(('abc'):match('()b()'), 2)\n"
		"same(('hello hello'):match('(h%a+) %1'), 'hello')\n"
		"same(('x = 10, y = 20'):gsub('(%w+) = (%w+)', '%2 = %1'), '10 = x, 20 = y')\n"
		"same(select(2, ('abc'):gsub('', '-')), 4)\n"
		"same(('abc'):gsub('', '-'), '-a-b-c-')\n"
		"same(('hello world'):gsub('o', {o = '0'}), 'hell0 w0rld')\n"
		"same(('hello world'):gsub('%w+', function(w) return w:upper() end), 'HELLO WORLD')\n"
		"same(('hello'):gsub('l', '%%'), 'he%%o')\n"
		"same(('abc'):gsub('%w', '%0%0', 2), 'aabbc')\n"
		"same(('^a'):gsub('^%^', 'x'), 'xa')\n"
		"local t = {} for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do t[#t + 1] = k .. v end\n"
		"same(table.concat(t, ' '), 'a1 b2')\n"
		"local n = 0 for w in ('one two three'):gmatch('%a+', 5) do n = n + 1 end same(n, 2)\n"
		"same(('[x]'):match('[]]'), ']')\n"
		"same(('a-b'):match('[a%-]+'), 'a-')\n"
		"same(('2024-01-15'):match('^(%d+)-(%d+)-(%d+)$'), '2024')\n"
		"same(pcall(string.find, 'a', '%'), false)\n"
		"same(select(2, pcall(string.find, 'a', '[a')):match('missing'), 'missing')\n"
		"same(select(2, pcall(string.find, 'a', '(a')):match('unfinished capture'), 'unfinished capture')\n"
		"same(select(2, pcall(string.gsub, 'a', 'a', '%2')):match('invalid capture index'), 'invalid capture index')\n"
		"same(select(2, pcall(string.rep)):match('bad argument #1 to'), 'bad argument #1 to')\n"
		"return { cost = 1 }") == 1.0);
}

/* Items 3 to 5: no finalizers; a memory error ends the call even when
 * caught; costs and written values must be finite. */
static void finalizers_memory_errors_and_infinities(void **state)
{
	(void)state;
	static const char *const finalizers[] = {
		"setmetatable({}, {__gc = function() while true do end end})",
		"setmetatable({}, {__gc = function() error('late') end})",
		"setmetatable({}, {__gc = function() leaked = 1 end})\ncollectgarbage()",
	};
	for (size_t i = 0; i < sizeof finalizers / sizeof *finalizers; i++) {
		expect_setup_refused(finalizers[i], "a metatable with __gc is not allowed");
		expect_week_refused(finalizers[i], "a metatable with __gc is not allowed");
	}
	/* caught, and still the end of the call */
	expect_setup_refused("pcall(string.rep, 'x', 1e9)\nreturn { cost = 1 }", "instruction budget");
	expect_setup_refused("pcall(string.rep, 'x', 7e7)\nreturn { cost = 1 }", "memory cap of 64 MiB");
	expect_week_refused("pcall(string.rep, 'x', 7e7)", "memory cap of 64 MiB");
	expect_week_refused("pcall(function() local t = {} for i = 1, 1e7 do t[i] = i end end)",
			    "memory cap of 64 MiB");

	struct loaded l;
	write_plugin("return { cost = 0/0 }", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_string_equal(l.error, "p: setup: p.lua: returned cost = nan, must be a finite number");
	unload(&l);
	write_plugin("return { cost = -math.huge }", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_string_equal(l.error, "p: setup: p.lua: returned cost = -inf, must be a finite number");
	unload(&l);
	write_plugin("scenario.district.A.categories.c.new_per_week = math.huge", NULL);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_string_equal(l.error, "p: setup: p.lua: set districts.A.new_per_week.c = inf, "
				     "must be a finite number");
	unload(&l);
	expect_week_refused("state.district.A.categories.c.new_per_week = 0/0",
			    "week 1 set districts.A.new_per_week.c = nan, must be a finite number");
}

/* A week hook that returns a later week is not called before it in that
 * replication (nor at all past the campaign); any other return is refused. */
static void week_hooks_may_skip_weeks(void **state)
{
	(void)state;
	write_plugin(NULL,
		     "if state.week ~= 1 and state.week ~= 5 then error('called in week ' .. state.week) end\n"
		     "if state.week == 1 then return 5.0 end\n"
		     "state.district.A.categories.c.rectify_rate = 0.5\n"
		     "return state.weeks + 1");
	expect_week_runs();
	expect_week_refused("return 'soon'", "week 1 returned string, must return nothing or a later week");
	expect_week_refused("return state.week", "week 1 returned 1, must return nothing");
	expect_week_refused("return 2.5", "week 1 returned 2.5, must return nothing");
}

/*
 * A week call with WRITES more increments and decrements of a cell than
 * the undo log holds, and a loop of LOOP additions in week 2 (long enough
 * for the watchdog: tens of milliseconds), around writes and draws. What
 * it does equals what it does with neither.
 */
static void write_long_week(const char *writes, const char *loop)
{
	char body[2048];
	snprintf(body, sizeof body,
		 "local cell = state.district.A.categories.c\n"
		 "cell.open = cell.open + 1\n"
		 "cell.rectify_rate = state.random()\n"
		 "for i = 1, %s do cell.open = cell.open + 1; cell.open = cell.open - 1 end\n"
		 "local x = 0\n"
		 "if state.week == 2 then for i = 1, %s do x = x + i end end\n"
		 "cell.rebound = 0.5 * math.random()\n"
		 "state.district.B.categories.c.new_per_week = 3 * state.random()",
		 writes, loop);
	write_plugin(NULL, body);
}

/* The plugin written last on one replication's cells, weeks 1 to 3, on
 * one plugin thread: the cells after, and how many calls ran again. */
static int run_weeks_alone(struct inventory *cells)
{
	struct loaded l;
	load_with(&l, "p", "");
	assert_non_null(l.host);
	struct diag d;
	diag_init(&d, NULL);
	struct plugin_thread *thread = plugin_thread_new(l.host, &d);
	assert_non_null(thread);
	for (int k = 0; k < 2; k++) {
		memset(&cells[k], 0, sizeof cells[k]);
		inventory_set_open(&cells[k], 20);
		inventory_set_rate(&cells[k], INVENTORY_RECTIFY_RATE, 0.2);
		inventory_set_rate(&cells[k], INVENTORY_REBOUND, 0.1);
		inventory_set_rate(&cells[k], INVENTORY_NEW_PER_WEEK, 2.0);
		inventory_mark_start(&cells[k]);
	}
	for (int week = 1; week <= 3; week++)
		assert_int_equal(plugin_thread_week(thread, 3, 0, week, cells, 1), 0);
	int again = week_thread_again(thread);
	plugin_thread_free(thread);
	diag_free(&d);
	unload(&l);
	return again;
}

/*
 * Week calls run without counting instructions until the watchdog finds
 * one long (or one writes more than can be undone): that call runs again
 * counted from its start, its writes and draws undone, so a run is the
 * same whether its calls ran again or not, on one thread or several.
 */
static void long_week_calls_run_again_counted(void **state)
{
	(void)state;
	static const char *const variants[][2] = {{"0", "0"}, {"0", "5e6"}, {"2000", "0"}, {"2000", "5e6"}};
	struct inventory first[2], cells[2];
	char *json[4];
	for (int v = 0; v < 4; v++) {
		write_long_week(variants[v][0], variants[v][1]);
		int again = run_weeks_alone(v == 0 ? first : cells);
		/* the long call ran again; the many writes ran again at once */
		assert_int_equal(again, v == 0 ? 0 : 1);
		if (v > 0)
			assert_memory_equal(first, cells, sizeof cells);
		struct loaded l;
		struct run_result r;
		char error[512];
		load_with(&l, "p", "");
		assert_int_equal(run_loaded(&l, 40, v % 2 + 1, &r, error, sizeof error), RUN_OK);
		json[v] = comparable_json(l.s, &r, plugin_host_summaries(l.host));
		run_result_free(&r);
		unload(&l);
	}
	for (int v = 1; v < 4; v++)
		assert_string_equal(json[0], json[v]);
	for (int v = 0; v < 4; v++)
		free(json[v]);
}

/*
 * Calls that are long only sometimes (on a draw, so in some replications
 * and weeks and not others), that try to swallow the end of their
 * uncounted start with pcall or xpcall, that read what they wrote, and
 * that work inside C (string.rep, table.concat, gmatch, table.sort with a
 * Lua comparator, an __index function): the run is the same on 1, 2 and 7
 * threads, and the same whether the calls ran again or were counted from
 * the start (a state whose calls ran again 8 times counts all of them, so
 * the runs on fewer threads count more of theirs).
 */
static void sometimes_long_week_calls_are_the_same_run(void **state)
{
	(void)state;
	write_plugin(NULL,
		     "local function spin(n) local x = 0 for i = 1, n do x = x + i % 7 end return x end\n"
		     "local cell = state.district.A.categories.c\n"
		     "cell.open = cell.open + 3\n"
		     "local r = state.random()\n"
		     "if r < 0.03 then spin(800000) end\n"
		     "local ok = pcall(spin, r > 0.98 and 800000 or 10)\n"
		     "if not ok then cell.open = cell.open + 1000 end\n"
		     "local ok2 = xpcall(spin, function(m) cell.rebound = 0.9 return m end,\n"
		     "                   r > 0.96 and r <= 0.98 and 800000 or 10)\n"
		     "if not ok2 then cell.open = cell.open + 5000 end\n"
		     "if r > 0.5 and r < 0.52 then\n"
		     "  local t = {}\n"
		     "  for i = 1, 20000 do t[i] = (i * 7919) % 10007 end\n"
		     "  table.sort(t, function(a, b) return a > b end)\n"
		     "  local n = 0\n"
		     "  for w in string.gmatch(table.concat(t, ',', 1, 5000), '%d+') do n = n + 1 end\n"
		     "  local m = setmetatable({}, {__index = function(_, k) return k % 3 end})\n"
		     "  for i = 1, 50000 do n = n + m[i] end\n"
		     "  n = n + #string.rep('ab', 100000)\n"
		     "  state.district.B.categories.c.rectify_rate = (n % 97) / 100\n"
		     "end\n"
		     "cell.rectify_rate = math.min(1, cell.rectify_rate + 0.01 * math.random())\n"
		     "state.district.B.categories.c.new_per_week = 3 * state.random()");
	expect_same_run_on_any_threads(2 * RUNNER_CHUNK + 5);
}

/* The week hook of the plugin loaded last after week 1, on a thread of its
 * own, as a new process's thread runs it (fresh thread-locals; the
 * creator's signal mask): 0 when the call ended well, 1 when with the
 * budget's error (or the clock's), 2 with another, 3 when it could not. */
static void *week_alone(void *host)
{
	struct diag d;
	diag_init(&d, NULL);
	struct plugin_thread *thread = plugin_thread_new(host, &d);
	struct inventory cells[2];
	memset(cells, 0, sizeof cells);
	if (thread == NULL)
		return (void *)3;
	if (plugin_thread_week(thread, 3, 0, 1, cells, 1) == 0)
		return (void *)0;
	plugin_thread_error(thread, &d);
	return (void *)(intptr_t)(diag_contains(&d, "instruction budget") ||
					  diag_contains(&d, "time limit") ? 1 : 2);
}

/* week_alone of week body BODY in a child whose signal mask holds the
 * watchdog's, within 10 s (a hang fails instead of stopping the suite):
 * what it returned, or -1 when it hung or crashed. */
static int week_with_the_watchdog_blocked(const char *body)
{
	write_plugin(NULL, body);
	struct loaded l;
	load_with(&l, "p", "");
	assert_non_null(l.host);
	fflush(NULL);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		sigset_t blocked;
		sigemptyset(&blocked);
		sigaddset(&blocked, WATCHDOG_SIGNAL);
		pthread_sigmask(SIG_BLOCK, &blocked, NULL);
		pthread_t thread;
		void *result = (void *)3;
		if (pthread_create(&thread, NULL, week_alone, l.host) == 0)
			pthread_join(thread, &result);
		_exit((int)(intptr_t)result);
	}
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int wstatus = 0;
	pid_t done = 0;
	while ((done = waitpid(child, &wstatus, WNOHANG)) == 0 && seconds_since(&start) < 5 * STOP_WITHIN)
		nanosleep(&(struct timespec){0, 20000000}, NULL);
	if (done == 0) {
		kill(child, SIGKILL);
		waitpid(child, &wstatus, 0);
		print_error("week body '%s' ran for %.1f s with the watchdog's signal blocked\n", body,
			    seconds_since(&start));
	}
	unload(&l);
	return done == child && WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

/*
 * A process may start with the watchdog's signal blocked (the mask is
 * inherited through exec: a supervisor, a job runner): every call is then
 * counted. A runaway week call must still end with the budget's error,
 * not run for ever (helper 3's reproducer: the first version ran for 17
 * minutes); a call writing more fields than an uncounted one could undo
 * runs as any counted call (it was killed with no message).
 */
static void week_calls_are_counted_with_the_watchdog_blocked(void **state)
{
	(void)state;
	assert_int_equal(week_with_the_watchdog_blocked("while true do end"), 1);
	assert_int_equal(week_with_the_watchdog_blocked(
				 "local cell = state.district.A.categories.c\n"
				 "for i = 1, 1000 do cell.open = cell.open + 1 end"), 0);
}

/* Item 6: every message names the plugin, the hook and the file, and the
 * line where there is one. */
static void every_message_has_its_position(void **state)
{
	(void)state;
	expect_setup_refused("local a = 1\nerror({})", "p.lua:4: error object is a table value");
	expect_setup_refused("error()", "p.lua:3: error with no message");
	expect_setup_refused("local a = 1\nerror('plain', 0)", "p.lua:4: plain");
	expect_setup_refused("local function f(s) return (string.gsub(s, '.', f)) end\nf('x')",
			     "stack overflow");
	expect_setup_refused("local t = setmetatable({}, {})\n"
			     "getmetatable(t).__index = function(t, k) return t[k] end\nlocal x = t.y",
			     "stack overflow");
	expect_week_refused("error({})", "p.lua:3: error object is a table value");
	expect_week_refused("error('plain', 0)", "p.lua:3: plain");

	/* a link to a file that is not Lua: refused, never quoted */
	struct loaded l;
	char link[600], target[600];
	snprintf(link, sizeof link, "%s/p.lua", workdir);
	snprintf(target, sizeof target, "%s/secret.txt", workdir);
	write_file("secret.txt", "the password is hunter2\n");
	unlink(link);
	assert_int_equal(symlink(target, link), 0);
	load_with(&l, "p", "");
	assert_null(l.host);
	assert_int_equal(l.status, DIAG_PLUGIN);
	assert_true(strncmp(l.error, "p: load: p.lua: ", 16) == 0);
	assert_non_null(strstr(l.error, "does not end in .lua"));
	assert_null(strstr(l.error, "hunter2"));
	assert_null(strstr(l.error, "password"));
	unload(&l);
	unlink(link);
	unlink(target);
}

/* One path given to every setup reads each plugin once: the file may be
 * gone by the second setup and by the run's week states. */
static void plugin_files_are_read_once(void **state)
{
	(void)state;
	char text[4096], path[512], plugin[512];
	write_plugin("return { cost = 2 }", "state.district.A.categories.c.open = 1");
	snprintf(text, sizeof text, scenario_text, "p", "");
	write_file("s.cfg", text);
	snprintf(path, sizeof path, "%s/s.cfg", workdir);
	snprintf(plugin, sizeof plugin, "%s/p.lua", workdir);
	struct plugin_path search;
	plugin_path_init(&search, path);
	for (int i = 0; i < 2; i++) {
		struct diag d;
		diag_init(&d, "s.cfg");
		struct scenario *s = scenario_load_file(path, &d);
		assert_non_null(s);
		struct plugin_host *host = plugin_host_new(s, &search, 1, &d);
		if (host == NULL)
			diag_print(&d, stderr);
		assert_non_null(host);
		assert_true(plugin_host_cost(host, 0) == 2.0);
		assert_int_equal(unlink(plugin), i == 0 ? 0 : -1); /* gone after the first */
		struct run_options options = {.seed = 3, .replications = 50, .threads = 2,
					      .hooks = plugin_host_hooks(host)};
		struct run_result r;
		assert_int_equal(run_simulation(s, &options, &r, &d), RUN_OK);
		run_result_free(&r);
		plugin_host_free(host);
		scenario_free(s);
		diag_free(&d);
	}
	plugin_path_free(&search);
}

static void plugins_lists_the_library(void **state)
{
	(void)state;
	struct plugin_path path = {0};
	char dir[512];
	snprintf(dir, sizeof dir, "%s/plugins", SOURCE);
	path.n = 1;
	path.dirs = (char *[]){dir};
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_int_equal(plugin_list(&path, out, stderr), 0);
	fclose(out);
	static const char *const names[] = {"road_chief", "extra_enforcement", "doorstep_duty",
					    "school_outreach", "materials_review", "mock_inspection",
					    "sprint_cleanup", "accountability"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char heading[64];
		snprintf(heading, sizeof heading, "%s  (", names[i]);
		assert_non_null(strstr(text, heading));
	}
	assert_non_null(strstr(text, "    boost = 0.1\n"));
	assert_non_null(strstr(text, "  hooks: setup, week\n"));
	free(text);
}

static int make_workdir(void **state)
{
	(void)state;
	snprintf(workdir, sizeof workdir, "/tmp/ccsim-plugin-test-XXXXXX");
	return mkdtemp(workdir) == NULL;
}

static int remove_workdir(void **state)
{
	(void)state;
	char path[600];
	static const char *const files[] = {"p.lua", "s.cfg"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", workdir, files[i]);
		unlink(path);
	}
	return rmdir(workdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sandbox_refuses_every_escape),
		cmocka_unit_test(runaway_setup_is_stopped),
		cmocka_unit_test(errors_name_plugin_hook_file_and_line),
		cmocka_unit_test(setup_writes_are_checked_like_the_file),
		cmocka_unit_test(the_setup_view_is_the_schemas),
		cmocka_unit_test(parameters_are_checked_against_the_plugin),
		cmocka_unit_test(runaway_week_hooks_are_stopped),
		cmocka_unit_test(districts_total_their_cells),
		cmocka_unit_test(week_hooks_are_identical_across_thread_counts),
		cmocka_unit_test(road_chief_cuts_road_and_street_losses),
		cmocka_unit_test(extra_enforcement_cuts_intersection_losses),
		cmocka_unit_test(doorstep_duty_cuts_commercial_losses),
		cmocka_unit_test(school_outreach_raises_satisfaction),
		cmocka_unit_test(materials_review_keeps_more_materials),
		cmocka_unit_test(mock_inspection_raises_the_field_score),
		cmocka_unit_test(accountability_raises_the_field_score),
		cmocka_unit_test(sprint_cleanup_loses_to_steady_work),
		cmocka_unit_test(plugin_tables_with_hostile_metatables),
		cmocka_unit_test(work_inside_c_functions_is_limited),
		cmocka_unit_test(patterns_behave_as_lua),
		cmocka_unit_test(finalizers_memory_errors_and_infinities),
		cmocka_unit_test(week_hooks_may_skip_weeks),
		cmocka_unit_test(long_week_calls_run_again_counted),
		cmocka_unit_test(week_calls_are_counted_with_the_watchdog_blocked),
		cmocka_unit_test(sometimes_long_week_calls_are_the_same_run),
		cmocka_unit_test(every_message_has_its_position),
		cmocka_unit_test(plugin_files_are_read_once),
		cmocka_unit_test(plugins_lists_the_library),
	};
	return cmocka_run_group_tests(tests, make_workdir, remove_workdir);
}

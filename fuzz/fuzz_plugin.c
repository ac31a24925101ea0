/*
 * libFuzzer harness for the plugin host: any Lua text, run as a policy's
 * setup and as its week hook (with every limit on), must end in success or
 * in the plugin's error with its plugin, hook and file, never a crash, a
 * leak, an abort or a hang (a runaway call ends within 2 seconds).
 *
 * The text is the body of both functions of the plugin
 *
 *   local p = { name = "f", description = "fuzzed", params = {...} }
 *   function p.setup(scenario, params, targets) TEXT end
 *   function p.week(state, params, targets) TEXT end
 *   return p
 *
 * which runs on a small scenario; when setup succeeds, one replication of
 * two weeks runs with the week hook.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "plugin.h"
#include "replication.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char scenario_text[] =
	"version = 1;\n"
	"campaign: { weeks = 2; };\n"
	"inspection: { window = [1, 2]; batches = 1; };\n"
	"categories = ( { name = \"c\"; weight = 10.0; deduction = 0.2; lottery = 1; "
	"random_view = 1; },\n"
	"               { name = \"d\"; weight = 5.0; deduction = 0.1; lottery = 1; "
	"random_view = 1; } );\n"
	"defaults: { sites = 10; declared = 3; problems = 20; new_per_week = 2.0; "
	"rectify_rate = 0.2; rebound = 0.1; };\n"
	"districts = ( { name = \"A\"; population = 1.0; satisfaction = 0.9; },\n"
	"              { name = \"B\"; population = 2.0; satisfaction = 0.8; } );\n"
	"survey: { respondents = 50; weight = 20.0; };\n"
	"pass: { rule = \"threshold\"; threshold = 20.0; };\n"
	"policies = ( { plugin = \"f\"; districts = [\"B\"]; } );\n";

static const char plugin_head[] =
	"local p = { name = \"f\", description = \"fuzzed\",\n"
	"  params = { boost = 0.1, names = { \"A\" }, on = true, label = \"x\" } }\n"
	"function p.setup(scenario, params, targets)\n";
static const char plugin_middle[] = "\nend\nfunction p.week(state, params, targets)\n";
static const char plugin_tail[] = "\nend\nreturn p\n";

/* The folder the plugin is written to, made once. */
static const char *folder(void)
{
	static char dir[64];
	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/ccsim-fuzz-plugin-XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	return dir;
}

/* Every entry a failure leaves must say whose and where. */
static void check_entries(const struct diag *d)
{
	if (d->count == 0 && !d->out_of_memory)
		abort(); /* a failure must say why */
	for (int i = 0; i < d->count; i++) {
		const struct diag_entry *e = &d->entries[i];
		if (e->kind != DIAG_PLUGIN)
			continue;
		if (e->plugin == NULL || strcmp(e->plugin, "f") != 0 || e->hook == NULL ||
		    e->file == NULL || strcmp(e->file, "f.lua") != 0 || e->message == NULL)
			abort(); /* PLUGIN: HOOK: FILE: at least */
	}
}

/* Runs one replication with the host's week hooks. */
static void simulate(struct scenario *s, const struct plugin_host *host)
{
	const struct week_hooks *hooks = plugin_host_hooks(host);
	struct inversion_tables *tables = inversion_tables_new();
	struct replication_workspace *w = replication_workspace_new(s, tables);
	struct diag d;
	diag_init(&d, NULL);
	void *thread = w != NULL && hooks != NULL ? hooks->thread_start(hooks->context, &d) : NULL;
	if (hooks != NULL && w != NULL && thread == NULL)
		check_entries(&d);
	if (w != NULL && (hooks == NULL || thread != NULL)) {
		if (thread != NULL)
			replication_set_week_hook(w, hooks->week, thread);
		if (replication_run(s, 7, 0, w) == REPLICATION_HOOK_FAILED) {
			hooks->thread_error(thread, &d);
			check_entries(&d);
		}
	}
	if (thread != NULL)
		hooks->thread_end(thread);
	diag_free(&d);
	replication_workspace_free(w);
	inversion_tables_free(tables);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char file[128];
	snprintf(file, sizeof file, "%s/f.lua", folder());
	FILE *out = fopen(file, "w");
	if (out == NULL)
		abort();
	fputs(plugin_head, out);
	fwrite(data, 1, size, out);
	fputs(plugin_middle, out);
	fwrite(data, 1, size, out);
	fputs(plugin_tail, out);
	fclose(out);

	struct diag d;
	diag_init(&d, "fuzz.cfg");
	struct scenario *s = scenario_load_string(scenario_text, &d);
	if (s == NULL)
		abort(); /* the scenario is valid */
	char *dirs[] = {(char *)folder()};
	struct plugin_path path = {0};
	path.n = 1;
	path.dirs = dirs;
	struct plugin_host *host = plugin_host_new(s, &path, 1, &d);
	/* the path's files are the layer's own: freed as plugin_path_free does */
	path.dirs = NULL;
	path.n = 0;
	plugin_path_free(&path);
	if (host == NULL) {
		check_entries(&d);
	} else {
		if (diag_errors(&d) != 0)
			abort(); /* success has nothing to say */
		simulate(s, host);
		plugin_host_free(host);
	}
	scenario_free(s);
	diag_free(&d);
	return 0;
}

/*
 * plugin: the sandboxed Lua 5.4 host for policy plugins (docs/model.md section 6).
 *
 * A plugin is plugins/NAME.lua returning a table { name, description,
 * params, setup, week }. setup runs once, before any replication, on a
 * mutable view of the resolved scenario; whatever it writes is checked by
 * the rules that check the file. week runs after every weekly step of every
 * replication in a Lua state of the thread's own, on the open problems and
 * the rates of that replication.
 *
 * The sandbox: text chunks only; base (less dofile, loadfile and binary
 * load), string, table, math and utf8; reading an undefined global or
 * creating one is an error; math.random is the replication's own stream;
 * no finalizers. Each call has a budget, which counts its Lua instructions
 * and the work it has C functions do (bytes allocated, pattern matching,
 * copies), and a wall-clock deadline (LIMIT_PLUGIN_SECONDS); each state has
 * a memory cap. A broken rule, a spent budget, the deadline or the cap
 * kills the call with an error that a pcall inside the plugin cannot
 * swallow. Every error names the plugin, the hook (load, setup, week) and
 * the plugin's file, with the line where Lua knows it.
 *
 * Modules (plugin_int.h): sandbox, guard and pattern (the limits), loader,
 * params, view, host, week, listing.
 */
#ifndef CCSIM_PLUGIN_H
#define CCSIM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "inventory.h"
#include "replication.h"
#include "scenario.h"


/* A plugin's file as read (private to the plugin layer). */
struct plugin_file;

/*
 * Where plugins are looked for, in order, and the plugin files read so far:
 * a command builds one and gives it to every plugin_host_new, which then
 * finds and reads each plugin's file once, however many variants use it.
 * One thread at a time.
 */
struct plugin_path {
	int n;
	char **dirs;
	int out_of_memory;          /* a directory could not be recorded */
	int n_files;
	struct plugin_file **files; /* [n_files]: the plugins looked up (each entry stays put) */
};

/*
 * The scenario file's own directory (when SCENARIO_FILE is not NULL), then
 * each directory of $CCSIM_PLUGIN_PATH (colon-separated), then the
 * installed plugins directory, then the source tree's plugins/ (a build
 * that was never installed). Never fails: out of memory, it marks the path
 * and the first plugin_host_new given it says so.
 */
void plugin_path_init(struct plugin_path *path, const char *scenario_file);
void plugin_path_free(struct plugin_path *path);

struct plugin_host;

/*
 * Loads every policy of S and runs their setup, in order, on S, which they
 * change; PATH finds their plugins (and keeps the files read, for the next
 * call given it). SEED keys setup's math.random. Returns the host (also
 * when S has no policies), or NULL with the reasons in D, whose kinds tell
 * them apart: DIAG_INPUT for the scenario's problems (no such plugin, an
 * unknown or mistyped parameter, with their lines), DIAG_PLUGIN for a
 * plugin's own error (plugin, hook, file and line), DIAG_NO_MEMORY.
 */
struct plugin_host *plugin_host_new(struct scenario *s, struct plugin_path *path, uint64_t seed,
				    struct diag *d);
void plugin_host_free(struct plugin_host *host);

/* Policy I's summary for reports, for I in [0, policies): name, plugin, cost. */
const struct policy_summary *plugin_host_summaries(const struct plugin_host *host);

/* The week hooks a run calls on its threads, or NULL when no policy has one. */
const struct week_hooks *plugin_host_hooks(const struct plugin_host *host);

/* Policy I's plugin-given name, its plugin (file stem) and the cost its setup returned. */
const char *plugin_host_name(const struct plugin_host *host, int i);
const char *plugin_host_plugin(const struct plugin_host *host, int i);
double plugin_host_cost(const struct plugin_host *host, int i);

/* Policy I's parameter KEY (the scenario's value, else the plugin's
 * default): 1 with it in *VALUE when a number, -1 when of another kind, 0
 * when the plugin has no such parameter. */
int plugin_host_number(const struct plugin_host *host, int i, const char *key, double *value);

/* The week hooks of one thread: a Lua state for each policy with one. */
struct plugin_thread;

/* NULL with the reason in D when a state cannot be made. */
struct plugin_thread *plugin_thread_new(const struct plugin_host *host, struct diag *d);
void plugin_thread_free(struct plugin_thread *thread);

/*
 * Runs every week hook after week WEEK of replication REPLICATION, on the
 * replication's INVENTORIES (cell k = district * categories + category at
 * [k * STRIDE]). Returns 0, or -1: plugin_thread_error then says why.
 */
int plugin_thread_week(struct plugin_thread *thread, uint64_t seed, uint64_t replication,
		       int week, struct inventory *inventories, size_t stride);
/* Adds the error of the last week call that failed to D, as the plugin's. */
void plugin_thread_error(const struct plugin_thread *thread, struct diag *d);

/* Lists every plugin found on PATH with its description and parameters.
 * Returns the number that failed to load (each reported on ERR). */
int plugin_list(const struct plugin_path *path, FILE *out, FILE *err);

#endif

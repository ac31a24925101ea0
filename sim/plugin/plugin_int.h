/*
 * plugin_int: what the modules of the plugin host share (private to
 * sim/plugin; plugin.h is the layer's public API).
 *
 *   sandbox  a Lua state with its memory cap, instruction budget and safe
 *            libraries; kills a runaway call with the plugin's position
 *   watchdog the timer that lets week calls run without counting
 *   loader   finding a plugin on the path and running its file to its table
 *   params   the parameters a plugin declares and a scenario overrides
 *   view     the mutable view of the scenario that setup receives
 *   host     each policy's setup, cost and summary; the week hooks offered
 *   week     a thread's Lua states and the week call
 *   listing  the `plugins` command's listing
 */
#ifndef CCSIM_PLUGIN_INT_H
#define CCSIM_PLUGIN_INT_H

#include <lua.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "plugin.h"
#include "rng.h"

/* The stream setup's math.random draws from (a replication index no run reaches). */
#define PLUGIN_SETUP_REPLICATION UINT64_MAX

/* ==== sandbox.c ==== */

/* One Lua state's limits and context, reachable from any C function that
 * state calls (sandbox_of). A week state embeds it as its first member. */
struct sandbox {
	lua_State *L;
	struct rng *rng;              /* math.random and state.random */
	char file[256];               /* the plugin's file as Lua names it ("p.lua"), or "" */
	size_t used, limit;
	int out_of_memory;            /* the cap was reached: the call fails, caught or not */
	int no_memory;                /* the system's memory ran out */
	int memory_line;              /* where the cap was reached */
	long long instructions, budget;  /* units of work of the call, and its budget */
	long long next_check;         /* when the budget and the clock are checked next */
	double deadline;              /* the call's end by the clock (0: not started) */
	int hook_count;               /* instructions between two calls of the count hook */
	int killed;                   /* the call is being ended: see message */
	int kill_line;
	char message[768];
	int handled, handler_line;    /* where the message handler saw the error */
	int counting;                 /* the count hook is set */
	/* an uncounted call (sandbox_call_watched): run again counted when
	 * the watchdog interrupts it or it spends a quarter of its budget */
	int uncounted, again;
	volatile sig_atomic_t interrupted;
};

/* The signal the watchdog's timer sends (a real-time one nobody else uses). */
#define WATCHDOG_SIGNAL (SIGRTMIN + 6)

/* A timer on the thread's CPU clock that interrupts long uncounted calls
 * (watchdog.c). Zeroed to start; one per thread of a run. */
struct watchdog {
	timer_t timer;
	pid_t owner;                  /* the thread the timer signals (its id) */
	int armed, unavailable;       /* a timer signals owner; none can be made */
	struct sandbox *volatile sb;  /* the call running */
	/* calls started, and the one the last tick saw running */
	volatile sig_atomic_t serial, seen;
};

/* Watches an uncounted call of SB on this thread: 0, or -1 when no timer
 * can (the call is then counted). */
int watchdog_enter(struct watchdog *w, struct sandbox *sb);
/* The call has ended. */
void watchdog_leave(struct watchdog *w);
/* Deletes the timer (from any thread). */
void watchdog_stop(struct watchdog *w);

/* ==== week.c ==== */

/* The week calls of THREAD run again counted after an uncounted start
 * (a diagnostic for tests). */
int week_thread_again(const struct plugin_thread *thread);

/* Why a call into a plugin failed: where in the plugin's file, and what. */
struct sandbox_error {
	int no_memory;                /* the system's memory ran out: not the plugin's fault */
	char file[256];               /* the plugin's file ("p.lua") */
	int line;                     /* 0: unknown */
	char message[900];
};

/* A new sandboxed state whose context is SB (zeroed by the caller but for
 * rng and file), or NULL when out of memory. */
lua_State *sandbox_open(struct sandbox *sb);

/* The sandbox of L. */
struct sandbox *sandbox_of(lua_State *L);

/* Names the plugin's file (its last component is what Lua shows). */
void sandbox_set_file(struct sandbox *sb, const char *file);

/* Starts a call's budget. */
void sandbox_arm(struct sandbox *sb, long long budget);

/*
 * Calls the function below the NARGS arguments at the top of SB's state,
 * protected, with the instruction budget BUDGET. Returns 0 with NRESULTS
 * results, or -1 (the function and arguments gone) with why in ERR: a Lua
 * error, a kill, or the memory cap reached, even when the plugin caught it.
 */
int sandbox_call(struct sandbox *sb, int nargs, int nresults, long long budget,
		 struct sandbox_error *err);

/*
 * As sandbox_call, but without counting the call's Lua instructions while
 * WATCHDOG sees it end within a few milliseconds of CPU and its other work
 * stays within a quarter of BUDGET. Returns SANDBOX_AGAIN (the function
 * and arguments gone) when it did not: the caller undoes what the call did
 * and calls it again with sandbox_call, which meets the budget and the
 * errors a counted call meets. Where WATCHDOG has no timer, it is
 * sandbox_call.
 */
#define SANDBOX_AGAIN 1
int sandbox_call_watched(struct sandbox *sb, struct watchdog *watchdog, int nargs, int nresults,
			 long long budget, struct sandbox_error *err);

/* Ends an uncounted call at once, to be run again counted (SANDBOX_AGAIN):
 * for a change it could not undo. Never returns. */
int sandbox_again(lua_State *L);

/* Asks the running uncounted call to end, to be run again counted: safe
 * in a signal handler on the call's thread (watchdog.c). */
void sandbox_interrupt(struct sandbox *sb);

/* Lets SB's state take calls again after a failed one (a kill and the
 * memory cap are otherwise final: later calls fail at once, as the failed
 * one did): a week state whose call failed for one replication of a
 * hooked block still runs the replications before it. Lua's state is
 * whole after any error; the plugin keeps nothing between calls that a
 * failed call could have left half done (docs/model.md 5). */
void sandbox_revive(struct sandbox *sb);

/* Runs FN(CONTEXT as a light userdata) as sandbox_call does: every use of
 * the Lua API that may raise an error runs inside one. */
int sandbox_run(struct sandbox *sb, lua_CFunction fn, void *context, long long budget,
		struct sandbox_error *err);

/* Ends the call as out of memory (a C allocation failed). Never returns. */
int sandbox_no_memory(lua_State *L);

/* Adds ERR to D as the error of PLUGIN's HOOK (out of memory as such). */
void sandbox_report(struct diag *d, const char *plugin, const char *hook,
		    const struct sandbox_error *err);

/* Ends the plugin's call with a message that no pcall inside the plugin
 * can swallow, at the plugin's current line. Never returns. */
int sandbox_kill(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Charges UNITS of work done in C to the running call's budget; raises
 * the kill when the budget or the deadline is spent. */
void sandbox_charge(lua_State *L, long long units);

/* math.random and state.random on the state's stream. */
int sandbox_random(lua_State *L);

/* Sets FIELD of the table at the top to the C function FN. */
void sandbox_set_function(lua_State *L, const char *field, lua_CFunction fn);

/* Sets the metatable at the top's __metatable, so that plugins cannot reach it. */
void sandbox_lock_metatable(lua_State *L);

/* ==== guard.c, pattern.c ==== */

/* Puts the guarded library functions in place (in the state's preparation). */
void guard_install(lua_State *L);

/* string.find, match, gmatch and gsub with the search charged. */
int pattern_find(lua_State *L);
int pattern_match(lua_State *L);
int pattern_gmatch(lua_State *L);
int pattern_gsub(lua_State *L);

/* ==== loader.c ==== */

/* A plugin looked up on a path: where it is and its text, read once. */
struct plugin_file {
	char *stem;
	char *file;      /* NULL: not found on the path */
	char *text;      /* NULL when not found, or not read: see error */
	size_t length;
	char *error;     /* why the file could not be read */
};

/* Plugin STEM on PATH, found and read the first time it is asked for;
 * NULL when out of memory. */
const struct plugin_file *loader_source(struct plugin_path *path, const char *stem);

/* Reads FILE whole (a regular file of at most LIMIT_PLUGIN_FILE bytes);
 * NULL with a sentence in ERROR, and *NO_MEMORY set when memory ran out. */
char *loader_read(const char *file, size_t *length, char *error, size_t size, int *no_memory);

/* 1 when NAME is a plugin name: letters, digits, _ and - only. */
int loader_valid_name(const char *name);

/* The last component of PATH. */
const char *loader_base_name(const char *path);

/*
 * Runs the plugin's TEXT (LENGTH bytes, from FILE, which names SB's file)
 * and pushes its table, checked for its shape; raises a Lua error when it
 * cannot. Like every function below that touches Lua values, it runs
 * inside sandbox_run.
 */
void loader_push_table(lua_State *L, const char *text, size_t length, const char *file);

/* Pushes the field KEY of the table at INDEX, raw; returns its type. */
int loader_field(lua_State *L, int index, const char *key);

/* ==== params.c ==== */

void params_free(struct policy_param *p);

/*
 * Reads the plugin's params table at INDEX into *OUT[*N], sorted by key;
 * raises a Lua error for a value that is not a parameter. What was read is
 * in *OUT even then, for the caller to free.
 */
void params_read_defaults(lua_State *L, int index, struct policy_param **out, int *n);

/* Pushes a table of the N parameters. */
void params_push(lua_State *L, const struct policy_param *params, int n);

/* Prints one parameter's value as the listing shows it. */
void params_print_value(FILE *out, const struct policy_param *p);

/*
 * Overrides DEFAULTS with the scenario's params of policy P: an unknown key,
 * or a value of another kind than the default, is a scenario problem in D.
 */
void params_merge(const struct policy *p, int index, struct policy_param *defaults,
		  int n_defaults, struct diag *d);

/* ==== view.c ==== */

/* Pushes the mutable view of S that setup receives (docs/model.md 6.1). */
void view_push(lua_State *L, const struct scenario *s);

/* Reads the view at the top back into S; each problem goes to D as an
 * error of plugin STEM's setup in FILE. */
void view_read(lua_State *L, const char *stem, const char *file, struct scenario *s,
	       struct diag *d);

/* A by-name map MAP_KEY over the array field ARRAY_KEY of the table at the top. */
void view_add_name_map(lua_State *L, const char *array_key, const char *map_key);

/*
 * Hides the fields of the view at index VIEW that S's uncertain inputs set
 * (docs/model.md 3.12) behind metamethods that set *TOUCHED when setup reads,
 * writes or iterates them: the proof that a setup reads no uncertain input,
 * and may run once. view_unhide puts them back before view_read.
 */
void view_hide_uncertain(lua_State *L, int view, const struct scenario *s, int *touched);
void view_unhide(lua_State *L);

/* ==== host.c ==== */

struct policy_runtime {
	char *stem;                   /* the plugin's file stem (the scenario's `plugin`) */
	char *file;
	char *text;                   /* the plugin's source, for the week states */
	size_t length;
	char *name;                   /* the plugin's own `name` */
	double cost;
	int has_week;
	int n_params;
	struct policy_param *params;  /* defaults overridden by the scenario */
	int n_targets;
	char **targets;               /* the districts it applies to */
	int has_setup;
	int touches_uncertain;        /* its setup read or wrote an uncertain input's value */
};

struct plugin_host {
	const struct scenario *scenario;
	int n;
	struct policy_runtime *policies;
	int any_week;
	struct policy_summary *summaries; /* [n]: for reports */
	struct week_hooks hooks;   /* what a run calls: the thread functions of week.c */
	/* some setup reads uncertain inputs (docs/model.md 3.12): it runs again in
	 * every replication, on the scenario as it was before setup */
	int per_replication;
	struct scenario *before_setup;
};

/* The substream of policy I's setup run again in a replication (past the
 * week hooks' RNG_SUBSTREAM_POLICIES + I). */
#define PLUGIN_SETUP_SUBSTREAM (RNG_SUBSTREAM_POLICIES + (UINT64_C(1) << 31))

/* One thread's Lua states for setups run again in each replication (one a
 * policy with a setup, made on first use, kept for the run). */
struct setup_states;

struct setup_states *host_setup_states_new(const struct plugin_host *host);
void host_setup_states_free(struct setup_states *states);

/*
 * Runs every policy's setup again on S in STATES, as the host's own setup
 * ran it but on the replication's stream, for setups that read uncertain
 * inputs; checks that it changed nothing the run was compiled from. 0, or
 * -1 with the failing policy in *FAILED and why in ERR.
 */
int host_setup_replication(const struct plugin_host *host, struct setup_states *states,
			   struct scenario *s, uint64_t seed, uint64_t replication, int *failed,
			   struct sandbox_error *err);

/* THREAD's setup states (made on first use; NULL when out of memory). */
struct setup_states *week_thread_setup_states(struct plugin_thread *thread);

/* The host THREAD runs the hooks of. */
const struct plugin_host *week_thread_host(const struct plugin_thread *thread);

/* Records that policy POLICY's HOOK failed with ERR on THREAD (plugin_thread_error reports it). */
void week_thread_failed(struct plugin_thread *thread, int policy, const char *hook,
			const struct sandbox_error *err);

/* Pushes the list of the districts policy P applies to. */
void host_push_targets(lua_State *L, const struct policy_runtime *p);

#endif

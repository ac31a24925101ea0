/*
 * host: the policies of a scenario: each one's plugin loaded, its
 * parameters merged, its setup run on the scenario; their summaries for
 * reports and the week hooks a run calls (week.c).
 */
#include "plugin_int.h"
#include "ccsim_limits.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void host_push_targets(lua_State *L, const struct policy_runtime *p)
{
	lua_createtable(L, p->n_targets, 0);
	for (int i = 0; i < p->n_targets; i++) {
		lua_pushstring(L, p->targets[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

void plugin_host_free(struct plugin_host *host)
{
	if (host == NULL)
		return;
	for (int i = 0; host->policies != NULL && i < host->n; i++) {
		struct policy_runtime *p = &host->policies[i];
		free(p->stem);
		free(p->file);
		free(p->text);
		free(p->name);
		for (int j = 0; p->params != NULL && j < p->n_params; j++)
			params_free(&p->params[j]);
		free(p->params);
		for (int j = 0; p->targets != NULL && j < p->n_targets; j++)
			free(p->targets[j]);
		free(p->targets);
	}
	free(host->policies);
	free(host->summaries);
	free(host);
}

/* One policy's load and setup, run protected (setup_run). */
struct setup_call {
	struct scenario *s;
	int index;
	const struct policy *policy;
	struct policy_runtime *p;
	struct diag *d;
	const char *hook;             /* the phase: "load", then "setup" */
	int bad_parameters;           /* the scenario's params do not fit the plugin's */
	int refused;                  /* what setup returned or wrote was refused (in D) */
};

/* Loads the plugin's table, reads and merges its parameters and runs its
 * setup on the view of the scenario; checks what comes back. */
static int setup_run(lua_State *L)
{
	struct setup_call *c = lua_touserdata(L, 1);
	struct policy_runtime *p = c->p;
	lua_settop(L, 0);
	loader_push_table(L, p->text, p->length, p->file);   /* 1: the plugin's table */
	loader_field(L, 1, "name");
	p->name = text_copy(lua_tostring(L, -1));
	if (p->name == NULL)
		return sandbox_no_memory(L);
	p->has_week = loader_field(L, 1, "week") == LUA_TFUNCTION;
	if (loader_field(L, 1, "params") == LUA_TTABLE)
		params_read_defaults(L, lua_gettop(L), &p->params, &p->n_params);
	lua_settop(L, 1);
	int before = c->d->count;
	params_merge(c->policy, c->index, p->params, p->n_params, c->d);
	if (c->d->count != before || c->d->out_of_memory) {
		c->bad_parameters = 1;
		return 0;
	}

	c->hook = "setup";
	if (loader_field(L, 1, "setup") != LUA_TFUNCTION)
		return 0; /* a week-only plugin */
	view_push(L, c->s);                                   /* 3: the view */
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	params_push(L, p->params, p->n_params);
	host_push_targets(L, p);
	sandbox_arm(sandbox_of(L), LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	lua_call(L, 3, 1);                                    /* 4: what setup returned */
	before = c->d->count;
	if (lua_istable(L, 4)) {
		int type = loader_field(L, 4, "cost");
		double cost = type == LUA_TNUMBER ? lua_tonumber(L, -1) : 0.0;
		if (type == LUA_TNUMBER && !isfinite(cost))
			diag_add_plugin(c->d, p->stem, "setup", sandbox_of(L)->file, 0,
					"returned cost = %s, must be a finite number",
					isnan(cost) ? "nan" : cost > 0 ? "inf" : "-inf");
		else if (type == LUA_TNUMBER)
			p->cost = cost;
		else if (type != LUA_TNIL)
			diag_add_plugin(c->d, p->stem, "setup", sandbox_of(L)->file, 0,
					"returned cost must be a number, not %s", luaL_typename(L, -1));
	} else if (!lua_isnil(L, 4)) {
		diag_add_plugin(c->d, p->stem, "setup", sandbox_of(L)->file, 0,
				"must return nil or { cost = number }, not %s", luaL_typename(L, 4));
	}
	if (c->d->count == before) {
		lua_settop(L, 3);
		view_read(L, p->stem, sandbox_of(L)->file, c->s, c->d);
	}
	c->refused = c->d->count != before || c->d->out_of_memory;
	return 0;
}

/* What setup left must still make a simulable scenario: problems are the
 * policy's, in D. */
static int check_after_setup(struct scenario *s, const struct policy_runtime *p, const char *file,
			     int derive, struct diag *d)
{
	struct diag after;
	diag_init(&after, NULL);
	scenario_check_consistency(s, NULL, "after setup, ", &after);
	if (after.count == 0 && derive)
		scenario_derive(s, &after);
	int failed = after.count > 0 || after.out_of_memory;
	for (int k = 0; k < after.count; k++) {
		if (after.entries[k].kind == DIAG_NO_MEMORY)
			diag_no_memory(d, "checking the scenario after setup");
		else
			diag_add_plugin(d, p->stem, "setup", file, 0, "%s", after.entries[k].message);
	}
	if (after.out_of_memory)
		diag_no_memory(d, "checking the scenario after setup");
	diag_free(&after);
	return failed ? -1 : 0;
}

/*
 * Finds policy I's plugin on PATH, loads it, merges its parameters and runs
 * its setup on S. Returns 0, or -1 with the problems in D: the scenario's
 * (no such plugin, bad parameters) as input problems, the plugin's own as
 * its errors. *BAD_SCENARIO tells the first kind, which lets the other
 * policies be checked too.
 */
static int setup_policy(struct plugin_host *host, struct scenario *s, int i,
			struct plugin_path *path, uint64_t seed, struct diag *d, int *bad_scenario)
{
	const struct policy *policy = &s->policies[i];
	struct policy_runtime *p = &host->policies[i];
	*bad_scenario = 0;
	if (!loader_valid_name(policy->plugin)) {
		diag_add_at(d, DIAG_INPUT, policy->file, policy->line,
			    "policy %d: plugin '%s' is not a plugin name (letters, "
			    "digits, _ and - only)", i + 1, policy->plugin);
		*bad_scenario = 1;
		return -1;
	}
	p->stem = text_copy(policy->plugin);
	const struct plugin_file *f = p->stem ? loader_source(path, policy->plugin) : NULL;
	if (f == NULL) {
		diag_no_memory(d, "finding the policies' plugins");
		return -1;
	}
	if (f->file == NULL) {
		char dirs[1024];
		size_t used = 0;
		dirs[0] = '\0';
		for (int k = 0; k < path->n && used + 8 < sizeof dirs; k++)
			used += (size_t)snprintf(dirs + used, sizeof dirs - used, "%s%s", k ? ", " : "",
						 path->dirs[k]);
		diag_add_at(d, DIAG_INPUT, policy->file, policy->line,
			    "policy %d: no plugin '%s' (looked for %s.lua in %s); "
			    "'ccsim plugins' lists those found", i + 1, policy->plugin, policy->plugin, dirs);
		*bad_scenario = 1;
		return -1;
	}
	struct sandbox sb = {0};
	sandbox_set_file(&sb, f->file);
	if (f->text == NULL) {
		diag_add_plugin(d, p->stem, "load", sb.file, 0, "%s", f->error);
		return -1;
	}
	p->file = text_copy(f->file);
	/* the week states load it on the run's threads, long after the path is gone */
	p->text = malloc(f->length + 1);
	/* the districts it applies to: those named, else all */
	p->n_targets = policy->n_targets ? policy->n_targets : s->n_districts;
	p->targets = calloc((size_t)p->n_targets + 1, sizeof *p->targets);
	int copied = p->file && p->text && p->targets;
	for (int t = 0; copied && t < p->n_targets; t++)
		copied = (p->targets[t] = text_copy(policy->n_targets ? policy->targets[t]
								      : s->districts[t].name)) != NULL;
	if (!copied) {
		diag_no_memory(d, "setting up the policies");
		return -1;
	}
	memcpy(p->text, f->text, f->length);
	p->length = f->length;

	struct rng stream;
	rng_init(&stream, seed, PLUGIN_SETUP_REPLICATION, RNG_SUBSTREAM_POLICIES + (uint64_t)i);
	sb.rng = &stream;
	if (sandbox_open(&sb) == NULL) {
		diag_no_memory(d, "making a Lua state");
		return -1;
	}
	struct setup_call c = {s, i, policy, p, d, "load", 0, 0};
	struct sandbox_error err;
	int status = 0;
	if (sandbox_run(&sb, setup_run, &c, LIMIT_PLUGIN_SETUP_INSTRUCTIONS, &err) != 0) {
		sandbox_report(d, p->stem, c.hook, &err);
		status = -1;
	} else if (c.bad_parameters) {
		*bad_scenario = 1;
		status = -1;
	} else if (c.refused || check_after_setup(s, p, sb.file, 0, d) != 0) {
		status = -1;
	}
	lua_close(sb.L);
	return status;
}

/* The week hooks as a run calls them (struct week_hooks). */
static void *hooks_thread_start(const void *context, struct diag *d)
{
	return plugin_thread_new(context, d);
}

static int hooks_week(void *thread, uint64_t seed, uint64_t replication, int week,
		      struct inventory *inventories)
{
	return plugin_thread_week(thread, seed, replication, week, inventories);
}

static void hooks_thread_error(const void *thread, struct diag *d)
{
	plugin_thread_error(thread, d);
}

static void hooks_thread_end(void *thread)
{
	plugin_thread_free(thread);
}

struct plugin_host *plugin_host_new(struct scenario *s, struct plugin_path *path, uint64_t seed,
				    struct diag *d)
{
	struct plugin_host *host = calloc(1, sizeof *host);
	if (host == NULL || path->out_of_memory) {
		free(host);
		diag_no_memory(d, "setting up the policies");
		return NULL;
	}
	host->scenario = s;
	host->n = s->n_policies;
	host->policies = calloc((size_t)host->n + 1, sizeof *host->policies);
	host->summaries = calloc((size_t)host->n + 1, sizeof *host->summaries);
	if (host->policies == NULL || host->summaries == NULL) {
		plugin_host_free(host);
		diag_no_memory(d, "setting up the policies");
		return NULL;
	}
	int failed = 0, last = -1;
	for (int i = 0; i < host->n; i++) {
		int bad_scenario;
		if (setup_policy(host, s, i, path, seed, d, &bad_scenario) != 0) {
			failed = 1;
			if (bad_scenario)
				continue; /* keep looking: report every policy's problems */
			break;
		}
		host->any_week |= host->policies[i].has_week;
		last = i;
	}
	/* the scenario's derived values, from what every setup left */
	if (!failed && last >= 0)
		failed = check_after_setup(s, &host->policies[last],
					   loader_base_name(host->policies[last].file), 1, d) != 0;
	if (failed) {
		plugin_host_free(host);
		return NULL;
	}
	for (int i = 0; i < host->n; i++)
		host->summaries[i] = (struct policy_summary){host->policies[i].name,
							    host->policies[i].stem,
							    host->policies[i].cost};
	host->hooks = (struct week_hooks){host, hooks_thread_start, hooks_week, hooks_thread_error,
					  hooks_thread_end};
	return host;
}

const struct policy_summary *plugin_host_summaries(const struct plugin_host *host)
{
	return host != NULL ? host->summaries : NULL;
}

const struct week_hooks *plugin_host_hooks(const struct plugin_host *host)
{
	return host != NULL && host->any_week ? &host->hooks : NULL;
}

const char *plugin_host_name(const struct plugin_host *host, int i)
{
	return host->policies[i].name;
}

const char *plugin_host_plugin(const struct plugin_host *host, int i)
{
	return host->policies[i].stem;
}

double plugin_host_cost(const struct plugin_host *host, int i)
{
	return host->policies[i].cost;
}

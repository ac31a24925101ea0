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
#include "i18n.h"

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
	if (host->before_setup != NULL) {
		struct scenario *b = host->before_setup;
		free(b->categories);
		free(b->districts);
		free(b->cells);
		free(b->materials);
		free(b->negatives);
		free(b->bonus.honors);
		free(b);
	}
	free(host);
}

/* A copy of COUNT items of SIZE bytes (NULL for none); 0, or -1. */
static int copy_items(void **to, const void *from, int count, size_t size)
{
	*to = NULL;
	if (count <= 0)
		return 0;
	*to = malloc((size_t)count * size);
	if (*to == NULL)
		return -1;
	memcpy(*to, from, (size_t)count * size);
	return 0;
}

/* S as it is before setup: the values setup may change, in arrays of the
 * copy's own (names and the rest borrowed). NULL when out of memory. */
static struct scenario *snapshot(const struct scenario *s)
{
	struct scenario *b = malloc(sizeof *b);
	if (b == NULL)
		return NULL;
	*b = *s;
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	int failed = copy_items((void **)&b->categories, s->categories, s->n_categories,
				sizeof *s->categories) |
		     copy_items((void **)&b->districts, s->districts, s->n_districts,
				sizeof *s->districts) |
		     copy_items((void **)&b->cells, s->cells, (int)cells, sizeof *s->cells) |
		     copy_items((void **)&b->materials, s->materials, s->n_materials,
				sizeof *s->materials) |
		     copy_items((void **)&b->negatives, s->negatives, s->n_negatives,
				sizeof *s->negatives) |
		     copy_items((void **)&b->bonus.honors, s->bonus.honors, s->bonus.n_honors,
				sizeof *s->bonus.honors);
	if (failed) {
		free(b->categories);
		free(b->districts);
		free(b->cells);
		free(b->materials);
		free(b->negatives);
		free(b->bonus.honors);
		free(b);
		return NULL;
	}
	return b;
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
	int touched;                  /* setup read or wrote an uncertain input's value */
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
	p->has_setup = 1;
	view_push(L, c->s);                                   /* 3: the view */
	if (c->s->uncertain != NULL)
		view_hide_uncertain(L, 3, c->s, &c->touched);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	params_push(L, p->params, p->n_params);
	host_push_targets(L, p);
	sandbox_arm(sandbox_of(L), LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	lua_call(L, 3, 1);                                    /* 4: what setup returned */
	if (c->s->uncertain != NULL)
		view_unhide(L);
	before = c->d->count;
	if (lua_istable(L, 4)) {
		int type = loader_field(L, 4, "cost");
		double cost = type == LUA_TNUMBER ? lua_tonumber(L, -1) : 0.0;
		if (type == LUA_TNUMBER && !isfinite(cost))
			diag_add_plugin(c->d, p->stem, "setup", sandbox_of(L)->file, 0,
					_("returned cost = %s, must be a finite number"),
					isnan(cost) ? "nan" : cost > 0 ? "inf" : "-inf");
		else if (type == LUA_TNUMBER)
			p->cost = cost;
		else if (type != LUA_TNIL)
			diag_add_plugin(c->d, p->stem, "setup", sandbox_of(L)->file, 0,
					_("returned cost must be a number, not %s"), luaL_typename(L, -1));
	} else if (!lua_isnil(L, 4)) {
		diag_add_plugin(c->d, p->stem, "setup", sandbox_of(L)->file, 0,
				_("must return nil or { cost = number }, not %s"), luaL_typename(L, 4));
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
	scenario_check_consistency(s, NULL, _("after setup, "), &after);
	if (after.count == 0 && derive)
		scenario_derive(s, &after);
	int failed = after.count > 0 || after.out_of_memory;
	for (int k = 0; k < after.count; k++) {
		if (after.entries[k].kind == DIAG_NO_MEMORY)
			diag_no_memory(d, _("checking the scenario after setup"));
		else
			diag_add_plugin(d, p->stem, "setup", file, 0, "%s", after.entries[k].message);
	}
	if (after.out_of_memory)
		diag_no_memory(d, _("checking the scenario after setup"));
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
			    _("policy %d: plugin '%s' is not a plugin name (letters, "
			    "digits, _ and - only)"), i + 1, policy->plugin);
		*bad_scenario = 1;
		return -1;
	}
	p->stem = text_copy(policy->plugin);
	const struct plugin_file *f = p->stem ? loader_source(path, policy->plugin) : NULL;
	if (f == NULL) {
		diag_no_memory(d, _("finding the policies' plugins"));
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
			    _("policy %d: no plugin '%s' (looked for %s.lua in %s); "
			    "'ccsim plugins' lists those found"), i + 1, policy->plugin, policy->plugin, dirs);
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
		diag_no_memory(d, _("setting up the policies"));
		return -1;
	}
	memcpy(p->text, f->text, f->length);
	p->length = f->length;

	struct rng stream;
	rng_init(&stream, seed, PLUGIN_SETUP_REPLICATION, RNG_SUBSTREAM_POLICIES + (uint64_t)i);
	sb.rng = &stream;
	if (sandbox_open(&sb) == NULL) {
		diag_no_memory(d, _("making a Lua state"));
		return -1;
	}
	struct setup_call c = {s, i, policy, p, d, "load", 0, 0, 0};
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
	p->touches_uncertain = c.touched;
	lua_close(sb.L);
	return status;
}

/* ---- setup again in a replication (setups that read uncertain inputs) ---- */

/* One policy's Lua state for its setup run again, kept for a thread's run. */
struct setup_state {
	struct sandbox sb;            /* first: the state's allocator context */
	struct rng stream;            /* math.random: the replication's */
	int setup_ref;                /* the plugin's setup function */
	int ready;
};

struct setup_states {
	int n;
	struct setup_state *states;   /* [n]: policy i's */
};

struct setup_states *host_setup_states_new(const struct plugin_host *host)
{
	struct setup_states *all = calloc(1, sizeof *all);
	if (all == NULL)
		return NULL;
	all->n = host->n;
	all->states = calloc((size_t)host->n + 1, sizeof *all->states);
	if (all->states == NULL) {
		free(all);
		return NULL;
	}
	return all;
}

void host_setup_states_free(struct setup_states *all)
{
	if (all == NULL)
		return;
	for (int i = 0; i < all->n; i++)
		if (all->states[i].sb.L != NULL)
			lua_close(all->states[i].sb.L);
	free(all->states);
	free(all);
}

/* Loads the plugin into a setup state: its setup function kept. */
static int again_prepare(lua_State *L)
{
	const struct policy_runtime *p = lua_touserdata(L, 1);
	lua_settop(L, 0);
	loader_push_table(L, p->text, p->length, p->file);
	loader_field(L, 1, "setup");
	struct setup_state *st = (struct setup_state *)(void *)sandbox_of(L);
	st->setup_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_settop(L, 0);
	return 0;
}

/* One policy's setup run again on the view of the replication's scenario,
 * the view read back (problems in D). */
struct again_call {
	struct scenario *s;
	const struct policy_runtime *p;
	struct diag *d;
};

static int again_run(lua_State *L)
{
	struct again_call *c = lua_touserdata(L, 1);
	const struct policy_runtime *p = c->p;
	struct setup_state *st = (struct setup_state *)(void *)sandbox_of(L);
	lua_settop(L, 0);
	lua_rawgeti(L, LUA_REGISTRYINDEX, st->setup_ref);      /* 1: setup */
	view_push(L, c->s);                                   /* 2: the view */
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	params_push(L, p->params, p->n_params);               /* fresh: setup may change them */
	host_push_targets(L, p);
	sandbox_arm(sandbox_of(L), LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	lua_call(L, 3, 1);
	lua_settop(L, 2);
	view_read(L, p->stem, sandbox_of(L)->file, c->s, c->d);
	lua_settop(L, 0);
	return 0;
}

/* Why S after setup cannot run on the model compiled from BASE (the first
 * setup's scenario): the first thing setup changed that the model depends on,
 * in WHY; 0 when nothing. */
static int changed_structure(const struct scenario *s, const struct scenario *base, char *why,
			     size_t size)
{
	for (int c = 0; c < s->n_categories; c++) {
		const struct category *a = &s->categories[c], *b = &base->categories[c];
		if (a->weight != b->weight || a->lottery != b->lottery || a->random_view != b->random_view) {
			snprintf(why, size, _("category '%s': its weight, lottery or random_view"), a->name);
			return 1;
		}
	}
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	for (size_t k = 0; k < cells; k++) {
		if (s->cells[k].sites != base->cells[k].sites ||
		    s->cells[k].declared != base->cells[k].declared) {
			snprintf(why, size, _("district '%s', category '%s': its sites or declared sites"),
				 s->districts[k / (size_t)s->n_categories].name,
				 s->categories[k % (size_t)s->n_categories].name);
			return 1;
		}
	}
	for (int i = 0; i < s->n_materials; i++)
		if (s->materials[i].items != base->materials[i].items ||
		    s->materials[i].points != base->materials[i].points) {
			snprintf(why, size, _("material '%s': its items or points"), s->materials[i].name);
			return 1;
		}
	for (int i = 0; i < s->n_negatives; i++)
		if (s->negatives[i].deduct != base->negatives[i].deduct ||
		    s->negatives[i].veto != base->negatives[i].veto) {
			snprintf(why, size, _("negative-list event '%s': its deduct or veto"),
				 s->negatives[i].name);
			return 1;
		}
	for (int i = 0; i < s->bonus.n_honors; i++)
		if (s->bonus.honors[i].points != base->bonus.honors[i].points) {
			snprintf(why, size, _("honour '%s': its points"), s->bonus.honors[i].name);
			return 1;
		}
	if (s->survey.weight != base->survey.weight || s->overall.weight != base->overall.weight ||
	    s->bonus.cap != base->bonus.cap) {
		snprintf(why, size, _("the survey's or the overall impression's weight, or the bonus cap"));
		return 1;
	}
	return 0;
}

int host_setup_replication(const struct plugin_host *host, struct setup_states *states,
			   struct scenario *s, uint64_t seed, uint64_t replication, int *failed,
			   struct sandbox_error *err)
{
	memset(err, 0, sizeof *err);
	*failed = 0;
	if (states == NULL) {
		err->no_memory = 1;
		return -1;
	}
	for (int i = 0; i < host->n; i++) {
		const struct policy_runtime *p = &host->policies[i];
		if (!p->has_setup)
			continue;
		*failed = i;
		struct setup_state *st = &states->states[i];
		rng_init(&st->stream, seed, replication, PLUGIN_SETUP_SUBSTREAM + (uint64_t)i);
		if (!st->ready) {
			sandbox_set_file(&st->sb, p->file);
			st->sb.rng = &st->stream;
			if (sandbox_open(&st->sb) == NULL) {
				err->no_memory = 1;
				return -1;
			}
			if (sandbox_run(&st->sb, again_prepare, (void *)p, LIMIT_PLUGIN_SETUP_INSTRUCTIONS,
					err) != 0)
				return -1;
			st->ready = 1;
		}
		struct diag d;
		diag_init(&d, NULL);
		struct again_call c = {s, p, &d};
		int status = sandbox_run(&st->sb, again_run, &c, LIMIT_PLUGIN_SETUP_INSTRUCTIONS, err);
		if (status == 0 && (d.count > 0 || d.out_of_memory)) {
			/* what setup wrote was refused: its first problem */
			snprintf(err->file, sizeof err->file, "%s", st->sb.file);
			err->no_memory = d.count == 0;
			snprintf(err->message, sizeof err->message, "%s",
				 d.count > 0 ? d.entries[0].message : "");
			status = -1;
		}
		diag_free(&d);
		if (status != 0)
			return -1;
	}
	/* what every setup left: simulable, and on the model the run compiled */
	struct diag after;
	diag_init(&after, NULL);
	scenario_check_consistency(s, NULL, _("after setup, "), &after);
	char why[400];
	int broken = after.count > 0 || after.out_of_memory;
	if (after.count > 0)
		snprintf(why, sizeof why, "%s", after.entries[0].message);
	else if (!broken && changed_structure(s, host->scenario, why, sizeof why))
		broken = 2;
	diag_free(&after);
	if (!broken)
		return 0;
	snprintf(err->file, sizeof err->file, "%s", loader_base_name(host->policies[*failed].file));
	err->line = 0;
	if (broken == 2)
		snprintf(err->message, sizeof err->message,
			 _("run again on replication %llu's uncertain inputs, setup changed %s from "
			 "what it set before the run; a setup that reads uncertain inputs may change "
			 "rates, problems and probabilities from one replication to the next, not "
			 "what the inspection and the score's bounds are built on"),
			 (unsigned long long)replication, why);
	else
		snprintf(err->message, sizeof err->message, _("%s (replication %llu's uncertain inputs)"),
			 why, (unsigned long long)replication);
	return -1;
}

/* The week hooks as a run calls them (struct week_hooks). */
static void *hooks_thread_start(const void *context, struct diag *d)
{
	return plugin_thread_new(context, d);
}

static int hooks_week(void *thread, uint64_t seed, uint64_t replication, int week,
		      struct inventory *inventories, size_t stride)
{
	return plugin_thread_week(thread, seed, replication, week, inventories, stride);
}

static void hooks_thread_error(const void *thread, struct diag *d)
{
	plugin_thread_error(thread, d);
}

static void hooks_thread_end(void *thread)
{
	plugin_thread_free(thread);
}

static int hooks_setup(void *thread, struct scenario *s, uint64_t seed, uint64_t replication)
{
	struct plugin_thread *t = thread;
	const struct plugin_host *host = week_thread_host(t);
	int failed = 0;
	struct sandbox_error err;
	if (host_setup_replication(host, week_thread_setup_states(t), s, seed, replication, &failed,
				   &err) == 0)
		return 0;
	week_thread_failed(t, failed, "setup", &err);
	return -1;
}

struct plugin_host *plugin_host_new(struct scenario *s, struct plugin_path *path, uint64_t seed,
				    struct diag *d)
{
	struct plugin_host *host = calloc(1, sizeof *host);
	if (host == NULL || path->out_of_memory) {
		free(host);
		diag_no_memory(d, _("setting up the policies"));
		return NULL;
	}
	host->scenario = s;
	host->n = s->n_policies;
	/* what setup reads in each replication, should it read uncertain inputs */
	if (s->uncertain != NULL && s->n_policies > 0 && (host->before_setup = snapshot(s)) == NULL) {
		plugin_host_free(host);
		diag_no_memory(d, _("setting up the policies"));
		return NULL;
	}
	host->policies = calloc((size_t)host->n + 1, sizeof *host->policies);
	host->summaries = calloc((size_t)host->n + 1, sizeof *host->summaries);
	if (host->policies == NULL || host->summaries == NULL) {
		plugin_host_free(host);
		diag_no_memory(d, _("setting up the policies"));
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
		host->per_replication |= host->policies[i].touches_uncertain;
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
	host->hooks = (struct week_hooks){host, hooks_thread_start, host->any_week ? hooks_week : NULL,
					  hooks_thread_error, hooks_thread_end,
					  host->per_replication ? hooks_setup : NULL,
					  host->per_replication ? host->before_setup : NULL};
	return host;
}

const struct policy_summary *plugin_host_summaries(const struct plugin_host *host)
{
	return host != NULL ? host->summaries : NULL;
}

const struct week_hooks *plugin_host_hooks(const struct plugin_host *host)
{
	return host != NULL && (host->any_week || host->per_replication) ? &host->hooks : NULL;
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

int plugin_host_number(const struct plugin_host *host, int i, const char *key, double *value)
{
	const struct policy_runtime *p = &host->policies[i];
	for (int j = 0; j < p->n_params; j++) {
		if (strcmp(p->params[j].key, key) != 0)
			continue;
		if (p->params[j].type != POLICY_VALUE_NUMBER)
			return -1;
		*value = p->params[j].number;
		return 1;
	}
	return 0;
}

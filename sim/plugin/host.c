/*
 * host: the policies of a scenario: each one's plugin loaded, its
 * parameters merged, its setup run on the scenario; their summaries for
 * reports and the week hooks a run calls (week.c).
 */
#include "plugin_int.h"
#include "ccsim_limits.h"

#include <lauxlib.h>
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
		for (int j = 0; j < p->n_params; j++)
			params_free(&p->params[j]);
		free(p->params);
		for (int j = 0; j < p->n_targets; j++)
			free(p->targets[j]);
		free(p->targets);
	}
	free(host->policies);
	free(host->summaries);
	free(host);
}

/*
 * Loads policy I, merges its parameters and runs its setup on S. Returns a
 * status; problems of the scenario go to D, the plugin's own to ERROR.
 */
static enum plugin_status setup_policy(struct plugin_host *host, struct scenario *s, int i,
				       struct plugin_path *path, uint64_t seed,
				       struct diag *d, char *error, size_t size)
{
	const struct policy *policy = &s->policies[i];
	struct policy_runtime *p = &host->policies[i];
	p->stem = text_copy(policy->plugin);
	if (!loader_valid_name(policy->plugin)) {
		diag_add(d, policy->line, "policy %d: plugin '%s' is not a plugin name (letters, "
			 "digits, _ and - only)", i + 1, policy->plugin);
		return PLUGIN_BAD_SCENARIO;
	}
	const struct plugin_file *f = loader_source(path, policy->plugin);
	if (f == NULL)
		return PLUGIN_NO_MEMORY;
	if (f->file == NULL) {
		char dirs[1024];
		size_t used = 0;
		dirs[0] = '\0';
		for (int k = 0; k < path->n && used + 8 < sizeof dirs; k++)
			used += (size_t)snprintf(dirs + used, sizeof dirs - used, "%s%s", k ? ", " : "",
						 path->dirs[k]);
		diag_add(d, policy->line, "policy %d: no plugin '%s' (looked for %s.lua in %s); "
			 "'ccsim plugins' lists those found", i + 1, policy->plugin, policy->plugin, dirs);
		return PLUGIN_BAD_SCENARIO;
	}
	p->file = text_copy(f->file);
	if (f->text == NULL) {
		snprintf(error, size, "%s: load: %.900s", p->stem, f->error);
		return PLUGIN_FAILED;
	}
	/* the week states load it on the run's threads, long after the path is gone */
	p->text = malloc(f->length + 1);
	if (p->text == NULL)
		return PLUGIN_NO_MEMORY;
	memcpy(p->text, f->text, f->length);
	p->length = f->length;

	/* the districts it applies to: those named, else all */
	p->n_targets = policy->n_targets ? policy->n_targets : s->n_districts;
	p->targets = calloc((size_t)p->n_targets + 1, sizeof *p->targets);
	if (p->targets == NULL)
		return PLUGIN_NO_MEMORY;
	for (int t = 0; t < p->n_targets; t++)
		p->targets[t] = text_copy(policy->n_targets ? policy->targets[t] : s->districts[t].name);

	struct sandbox sb = {0};
	struct rng stream;
	rng_init(&stream, seed, PLUGIN_SETUP_REPLICATION, RNG_SUBSTREAM_POLICIES + (uint64_t)i);
	sb.rng = &stream;
	lua_State *L = sandbox_open(&sb);
	if (L == NULL)
		return PLUGIN_NO_MEMORY;
	enum plugin_status status = PLUGIN_OK;
	char message[1024];

	if (loader_load_table(L, &sb, p->text, p->length, p->file, p->stem, error, size) != 0) {
		status = PLUGIN_FAILED;
		goto done;
	}
	lua_getfield(L, -1, "name");
	p->name = text_copy(lua_tostring(L, -1));
	lua_pop(L, 1);
	p->has_week = lua_getfield(L, -1, "week") == LUA_TFUNCTION;
	lua_pop(L, 1);
	if (lua_getfield(L, -1, "params") == LUA_TTABLE) {
		p->n_params = params_read_defaults(L, p->stem, &p->params, error, size);
		if (p->n_params < 0) {
			p->n_params = 0;
			status = PLUGIN_FAILED;
			goto done;
		}
	}
	lua_pop(L, 1);
	int before = d->count;
	params_merge(policy, i, p->params, p->n_params, d);
	if (d->count != before) {
		status = PLUGIN_BAD_SCENARIO;
		goto done;
	}

	if (lua_getfield(L, -1, "setup") != LUA_TFUNCTION) {
		lua_pop(L, 1);
		goto done; /* a week-only plugin */
	}
	view_push(L, s);
	lua_pushvalue(L, -1);
	lua_insert(L, -3); /* keep the view below the function for reading back */
	params_push(L, p->params, p->n_params);
	host_push_targets(L, p);
	sandbox_arm(&sb, LIMIT_PLUGIN_SETUP_INSTRUCTIONS);
	if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
		snprintf(error, size, "%s: setup: %.900s", p->stem,
			 sandbox_failure(L, &sb, message, sizeof message));
		status = PLUGIN_FAILED;
		goto done;
	}
	if (lua_istable(L, -1)) {
		int type = lua_getfield(L, -1, "cost");
		if (type == LUA_TNUMBER)
			p->cost = lua_tonumber(L, -1);
		else if (type != LUA_TNIL) {
			snprintf(error, size, "%s: setup: returned cost must be a number, not %s", p->stem,
				 luaL_typename(L, -1));
			status = PLUGIN_FAILED;
			goto done;
		}
		lua_pop(L, 1);
	} else if (!lua_isnil(L, -1)) {
		snprintf(error, size, "%s: setup: must return nil or { cost = number }, not %s",
			 p->stem, luaL_typename(L, -1));
		status = PLUGIN_FAILED;
		goto done;
	}
	lua_pop(L, 1);

	struct diag written;
	diag_init(&written, "");
	view_read(L, p->stem, s, &written);
	if (written.count > 0) {
		snprintf(error, size, "%s", written.entries[0].message);
		for (int k = 1; k < written.count; k++) {
			size_t used = strlen(error);
			snprintf(error + used, size - used, "\n%s", written.entries[k].message);
		}
		status = PLUGIN_FAILED;
	}
	diag_free(&written);
done:
	lua_close(L);
	return status;
}

/* The week hooks as a run calls them (struct week_hooks). */
static void *hooks_thread_start(const void *context, char *error, size_t error_size)
{
	return plugin_thread_new(context, error, error_size);
}

static int hooks_week(void *thread, uint64_t seed, uint64_t replication, int week,
		      struct inventory *inventories)
{
	return plugin_thread_week(thread, seed, replication, week, inventories);
}

static const char *hooks_thread_error(const void *thread)
{
	return plugin_thread_error(thread);
}

static void hooks_thread_end(void *thread)
{
	plugin_thread_free(thread);
}

struct plugin_host *plugin_host_new(struct scenario *s, struct plugin_path *path,
				    uint64_t seed, struct diag *d, char *error, size_t error_size,
				    enum plugin_status *status)
{
	struct plugin_host *host = calloc(1, sizeof *host);
	*status = PLUGIN_NO_MEMORY;
	error[0] = '\0';
	if (host == NULL || path->out_of_memory) {
		free(host);
		return NULL;
	}
	host->scenario = s;
	host->n = s->n_policies;
	host->policies = calloc((size_t)host->n + 1, sizeof *host->policies);
	host->summaries = calloc((size_t)host->n + 1, sizeof *host->summaries);
	if (host->policies == NULL || host->summaries == NULL) {
		plugin_host_free(host);
		return NULL;
	}
	*status = PLUGIN_OK;
	for (int i = 0; i < host->n; i++) {
		enum plugin_status one = setup_policy(host, s, i, path, seed, d, error, error_size);
		if (one == PLUGIN_BAD_SCENARIO) {
			*status = PLUGIN_BAD_SCENARIO; /* keep looking: report every policy's problems */
			continue;
		}
		if (one != PLUGIN_OK) {
			*status = one;
			break;
		}
		host->any_week |= host->policies[i].has_week;
	}
	if (*status == PLUGIN_OK && host->n > 0) {
		/* what setup wrote must still make a simulable scenario */
		struct diag after;
		diag_init(&after, "");
		scenario_check_consistency(s, NULL, "after the policies' setup, ", &after);
		if (after.count == 0)
			scenario_derive(s, &after);
		if (after.count > 0) {
			snprintf(error, error_size, "%s", after.entries[0].message);
			*status = PLUGIN_FAILED;
		}
		diag_free(&after);
	}
	if (*status != PLUGIN_OK) {
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

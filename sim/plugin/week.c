/*
 * week: the week hooks of one thread. Each policy with a week hook has a
 * Lua state of the thread's own, holding the plugin's table and a `state`
 * whose cells read and write the running replication's inventories.
 */
#include "plugin_int.h"
#include "campaign.h"
#include "ccsim_limits.h"
#include "i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a cell handle, in dispatch order. */
enum cell_key {
	KEY_OPEN, KEY_RECTIFY_RATE, KEY_REBOUND, KEY_NEW_PER_WEEK, KEY_SITES, KEY_DECLARED,
	KEY_PROBLEMS, KEY_BASE_RECTIFY_RATE, KEY_BASE_REBOUND, KEY_BASE_NEW_PER_WEEK, CELL_KEYS
};
static const char *const cell_key_names[CELL_KEYS] = {
	"open", "rectify_rate", "rebound", "new_per_week", "sites", "declared", "problems",
	"base_rectify_rate", "base_rebound", "base_new_per_week"};

/* One policy's Lua state on one thread. */
struct week_state {
	struct sandbox sb;            /* first: the state's allocator context is the week state */
	int week;                     /* the week being run */
	/* Lua interns short strings, so a key is one of the cell's fields
	 * exactly when its pointer is one of these. */
	const char *cell_key[CELL_KEYS];
	const struct value_rule *rule[CELL_KEYS]; /* the writable fields' rules */
	int policy;
	struct plugin_thread *thread;
	lua_State *L;
	/* the streams of the replications a hooked block interleaves, each in
	 * the slot of its index modulo CAMPAIGN_HOOKED_BLOCK */
	struct rng streams[CAMPAIGN_HOOKED_BLOCK];
	/* its last call failed, killed or over the cap for good, in this
	 * replication: a replication before it in the block runs on */
	int failed_call;
	uint64_t failed_replication;
	int week_ref, state_ref, params_ref, targets_ref, week_name_ref;
	const char *hook;             /* while preparing: the part being prepared */
};

/* The stack slots of a week state's values between calls (the sandbox's
 * message handler is at 1). */
enum { SLOT_KEY = 2, SLOT_HOOK, SLOT_STATE, SLOT_PARAMS, SLOT_TARGETS };

static struct week_state *week_of(lua_State *L)
{
	return (struct week_state *)(void *)sandbox_of(L);
}

struct plugin_thread {
	const struct plugin_host *host;
	int n;
	struct week_state *states;
	struct inventory *inventories;   /* the replication's, during a week call */
	int failed;                      /* the policy whose week call failed */
	struct sandbox_error error;      /* and why */
	const char *failed_hook;         /* "week", or "setup" run again in a replication */
	struct setup_states *setup_states; /* setups run again in each replication */
};

/*
 * A cell of the running replication, as a plugin sees it: an empty table
 * whose metatable's __index is a table of the cell's fixed fields (sites,
 * declared), read as plain Lua, with its own __index a C closure for the
 * fields of the replication (open and the three rates, which change, and
 * problems and base_*, its start, which uncertain inputs may draw anew in
 * each replication); the cell's __newindex checks every write. The
 * handle, a full userdata, is the closures' upvalue.
 */
struct cell_handle {
	struct plugin_thread *thread;
	int district, category;
};

static const char *const cell_keys_list =
	N_("open, rectify_rate, rebound, new_per_week (read and write); sites, declared, problems, "
	"base_rectify_rate, base_rebound, base_new_per_week (read)");

/* The field KEY (at INDEX) names, or CELL_KEYS. */
static enum cell_key cell_key_of(lua_State *L, const struct week_state *ws, int index)
{
	const char *key = lua_type(L, index) == LUA_TSTRING ? lua_tostring(L, index) : NULL;
	int k = 0;
	while (k < CELL_KEYS && ws->cell_key[k] != key)
		k++;
	return (enum cell_key)k;
}

static struct inventory *cell_inventory(const struct cell_handle *h)
{
	const struct scenario *s = h->thread->host->scenario;
	return &h->thread->inventories[(size_t)h->district * (size_t)s->n_categories + (size_t)h->category];
}

/* __index of a cell's fixed fields: the fields that change. */
static int cell_index(lua_State *L)
{
	const struct cell_handle *h = lua_touserdata(L, lua_upvalueindex(1));
	const struct inventory *inv = cell_inventory(h);
	switch (cell_key_of(L, week_of(L), 2)) {
	case KEY_OPEN: lua_pushinteger(L, (lua_Integer)inventory_open(inv)); break;
	case KEY_RECTIFY_RATE: lua_pushnumber(L, inventory_rate(inv, INVENTORY_RECTIFY_RATE)); break;
	case KEY_REBOUND: lua_pushnumber(L, inventory_rate(inv, INVENTORY_REBOUND)); break;
	case KEY_NEW_PER_WEEK: lua_pushnumber(L, inventory_rate(inv, INVENTORY_NEW_PER_WEEK)); break;
	/* the replication's start: an uncertain input's draw where one sets it */
	case KEY_PROBLEMS: lua_pushinteger(L, (lua_Integer)inventory_problems(inv)); break;
	case KEY_BASE_RECTIFY_RATE: lua_pushnumber(L, inventory_rate(inv, INVENTORY_BASE_RECTIFY_RATE)); break;
	case KEY_BASE_REBOUND: lua_pushnumber(L, inventory_rate(inv, INVENTORY_BASE_REBOUND)); break;
	case KEY_BASE_NEW_PER_WEEK:
		lua_pushnumber(L, inventory_rate(inv, INVENTORY_BASE_NEW_PER_WEEK));
		break;
	default:
		return sandbox_kill(L, _("a cell has no field '%s' (it has %s)"),
				    luaL_tolstring(L, 2, NULL), _(cell_keys_list));
	}
	return 1;
}

static int cell_newindex(lua_State *L)
{
	const struct cell_handle *h = lua_touserdata(L, lua_upvalueindex(1));
	const struct week_state *ws = week_of(L);
	const struct scenario *s = h->thread->host->scenario;
	struct inventory *inv = cell_inventory(h);
	enum cell_key key = cell_key_of(L, ws, 2);
	int writable = key == KEY_RECTIFY_RATE || key == KEY_REBOUND || key == KEY_NEW_PER_WEEK;
	enum inventory_rate rate = key == KEY_RECTIFY_RATE ? INVENTORY_RECTIFY_RATE
				     : key == KEY_REBOUND    ? INVENTORY_REBOUND
							     : INVENTORY_NEW_PER_WEEK;
	int is_number = lua_type(L, 3) == LUA_TNUMBER;
	double value = is_number ? lua_tonumber(L, 3) : 0.0;
	char why[128] = "";
	if (key == KEY_OPEN && is_number && value >= 0.0 && value <= LIMIT_PLUGIN_OPEN && value == floor(value)) {
		inventory_set_open(inv, (int64_t)value);
		return 0;
	}
	if (is_number && !isfinite(value))
		snprintf(why, sizeof why, _("must be a finite number"));
	else if (writable && is_number &&
		 scenario_rule_check(ws->rule[key], value, why, sizeof why) == 0) {
		inventory_set_rate(inv, rate, value);
		return 0;
	}

	/* a refused write: say what and why */
	const char *name = luaL_tolstring(L, 2, NULL);
	const char *district = s->districts[h->district].name;
	const char *category = s->categories[h->category].name;
	char number[32];
	if (key != KEY_OPEN && !writable)
		return sandbox_kill(L, _("week %d: a cell's '%s' cannot be written (a cell has %s)"),
				    ws->week, name, _(cell_keys_list));
	if (!is_number)
		return sandbox_kill(L, _("week %d set districts.%s.%s.%s to %s, must be a number"),
				    ws->week, district, name, category, luaL_typename(L, 3));
	if (isfinite(value))
		diag_format_number(value, number, sizeof number);
	else
		snprintf(number, sizeof number, "%s", isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
	if (key == KEY_OPEN)
		return sandbox_kill(L, _("week %d set districts.%s.open.%s = %s, must be a whole number "
				    "within [0, %g]"), ws->week, district, category, number,
				    LIMIT_PLUGIN_OPEN);
	return sandbox_kill(L, _("week %d set districts.%s.%s.%s = %s, %s"), ws->week, district, name,
			    category, number, why[0] ? why : _("must be a number"));
}

/* __index of a district: `open`, its open problems over all categories. */
static int district_index(lua_State *L)
{
	const struct cell_handle *h = lua_touserdata(L, lua_upvalueindex(1));
	if (cell_key_of(L, week_of(L), 2) != KEY_OPEN)
		return sandbox_kill(L, _("a district has no field '%s' (it has name, categories, sites, open)"),
				    luaL_tolstring(L, 2, NULL));
	const struct scenario *s = h->thread->host->scenario;
	const struct inventory *inv = &h->thread->inventories[(size_t)h->district * (size_t)s->n_categories];
	lua_Integer open = 0;
	for (int c = 0; c < s->n_categories; c++)
		open += (lua_Integer)inventory_open(&inv[c]);
	lua_pushinteger(L, open);
	return 1;
}

static int district_newindex(lua_State *L)
{
	return sandbox_kill(L, _("a district's '%s' cannot be written: write its cells' fields"),
			    luaL_tolstring(L, 2, NULL));
}

/* Pushes a new handle for (D, C) of THREAD. */
static void push_handle(lua_State *L, struct plugin_thread *thread, int d, int c)
{
	struct cell_handle *h = lua_newuserdatauv(L, sizeof *h, 0);
	h->thread = thread;
	h->district = d;
	h->category = c;
}

/* Pushes the cell (D, C) of the running replication. */
static void push_cell(lua_State *L, struct plugin_thread *thread, int d, int c)
{
	const struct cell *fixed = scenario_cell(thread->host->scenario, d, c);
	lua_newtable(L);                                  /* the cell */
	lua_createtable(L, 0, 3);                         /* its metatable */
	lua_createtable(L, 0, 2);                         /* the fixed fields */
	lua_pushinteger(L, fixed->sites);
	lua_setfield(L, -2, "sites");
	lua_pushinteger(L, fixed->declared);
	lua_setfield(L, -2, "declared");
	lua_createtable(L, 0, 2);                         /* the fixed fields' metatable */
	push_handle(L, thread, d, c);
	lua_pushcclosure(L, cell_index, 1);
	lua_setfield(L, -2, "__index");
	sandbox_lock_metatable(L);
	lua_setmetatable(L, -2);
	lua_setfield(L, -2, "__index");                   /* cell's metatable.__index = fixed */
	push_handle(L, thread, d, c);
	lua_pushcclosure(L, cell_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	sandbox_lock_metatable(L);
	lua_setmetatable(L, -2);
}

/* Builds, once per state, the `state` table whose cells read the running replication. */
static void push_week_state(lua_State *L, struct plugin_thread *thread)
{
	const struct scenario *s = thread->host->scenario;
	struct week_state *ws = week_of(L);

	/* the interned keys, kept alive in the registry */
	lua_createtable(L, CELL_KEYS, 0);
	for (int k = 0; k < CELL_KEYS; k++) {
		lua_pushstring(L, cell_key_names[k]);
		ws->cell_key[k] = lua_tostring(L, -1);
		lua_rawseti(L, -2, k + 1);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "ccsim.cell_keys");
	ws->rule[KEY_RECTIFY_RATE] = scenario_field_rule("cell.rectify_rate");
	ws->rule[KEY_REBOUND] = scenario_field_rule("cell.rebound");
	ws->rule[KEY_NEW_PER_WEEK] = scenario_field_rule("cell.new_per_week");

	lua_createtable(L, 0, 6);
	lua_pushinteger(L, 0);
	lua_setfield(L, -2, "week");
	lua_pushinteger(L, s->weeks);              /* T, the campaign's weeks */
	lua_setfield(L, -2, "weeks");
	sandbox_set_function(L, "random", sandbox_random);
	/* the category names in the scenario's order: ipairs over them is
	 * reproducible, pairs over a district's categories is not */
	lua_createtable(L, s->n_categories, 0);
	for (int c = 0; c < s->n_categories; c++) {
		lua_pushstring(L, s->categories[c].name);
		lua_rawseti(L, -2, c + 1);
	}
	lua_setfield(L, -2, "categories");
	lua_createtable(L, s->n_districts, 0);
	for (int d = 0; d < s->n_districts; d++) {
		lua_Integer sites = 0;
		lua_createtable(L, 0, 3);
		lua_pushstring(L, s->districts[d].name);
		lua_setfield(L, -2, "name");
		lua_createtable(L, 0, s->n_categories);
		for (int c = 0; c < s->n_categories; c++) {
			push_cell(L, thread, d, c);
			lua_setfield(L, -2, s->categories[c].name);
			sites += scenario_cell(s, d, c)->sites;
		}
		lua_setfield(L, -2, "categories");
		lua_pushinteger(L, sites);
		lua_setfield(L, -2, "sites");
		lua_createtable(L, 0, 3);                 /* the district's metatable */
		push_handle(L, thread, d, 0);
		lua_pushcclosure(L, district_index, 1);
		lua_setfield(L, -2, "__index");
		sandbox_set_function(L, "__newindex", district_newindex);
		sandbox_lock_metatable(L);
		lua_setmetatable(L, -2);
		lua_rawseti(L, -2, d + 1);
	}
	lua_setfield(L, -2, "districts");
	view_add_name_map(L, "districts", "district");
}

/* Makes the state's plugin table, week, state, params and targets (run
 * protected: ws->hook says which part failed). */
static int prepare_week_state(lua_State *L)
{
	struct week_state *ws = lua_touserdata(L, 1);
	struct plugin_thread *thread = ws->thread;
	const struct policy_runtime *p = &thread->host->policies[ws->policy];
	lua_settop(L, 0);
	ws->hook = "load";
	loader_push_table(L, p->text, p->length, p->file);
	ws->hook = "week";
	loader_field(L, 1, "week");
	ws->week_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	push_week_state(L, thread);
	ws->state_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	params_push(L, p->params, p->n_params);
	ws->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	host_push_targets(L, p);
	ws->targets_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushliteral(L, "week");
	ws->week_name_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

void plugin_thread_free(struct plugin_thread *thread)
{
	if (thread == NULL)
		return;
	for (int i = 0; thread->states != NULL && i < thread->n; i++)
		if (thread->states[i].L != NULL)
			lua_close(thread->states[i].L);
	free(thread->states);
	host_setup_states_free(thread->setup_states);
	free(thread);
}

struct plugin_thread *plugin_thread_new(const struct plugin_host *host, struct diag *d)
{
	struct plugin_thread *thread = calloc(1, sizeof *thread);
	if (thread == NULL) {
		diag_no_memory(d, _("making the plugins' states"));
		return NULL;
	}
	thread->host = host;
	for (int i = 0; i < host->n; i++)
		thread->n += host->policies[i].has_week;
	/* fixed size: each state's allocator points into this array */
	thread->states = calloc((size_t)thread->n + 1, sizeof *thread->states);
	if (thread->states == NULL) {
		free(thread);
		diag_no_memory(d, _("making the plugins' states"));
		return NULL;
	}
	int k = 0;
	for (int i = 0; i < host->n; i++) {
		if (!host->policies[i].has_week)
			continue;
		struct week_state *ws = &thread->states[k++];
		struct sandbox_error err;
		ws->policy = i;
		ws->thread = thread;
		ws->sb.rng = &ws->streams[0];
		sandbox_set_file(&ws->sb, host->policies[i].file);
		ws->L = sandbox_open(&ws->sb);
		if (ws->L == NULL) {
			diag_no_memory(d, _("making the plugins' states"));
			plugin_thread_free(thread);
			return NULL;
		}
		if (sandbox_run(&ws->sb, prepare_week_state, ws, LIMIT_PLUGIN_SETUP_INSTRUCTIONS,
				&err) != 0) {
			sandbox_report(d, host->policies[i].stem, ws->hook, &err);
			plugin_thread_free(thread);
			return NULL;
		}
		/* the week call's values in their slots, for good (nothing here
		 * can raise an error) */
		if (lua_gettop(ws->L) != SLOT_KEY - 1 || !lua_checkstack(ws->L, SLOT_TARGETS + 8)) {
			diag_no_memory(d, _("making the plugins' states"));
			plugin_thread_free(thread);
			return NULL;
		}
		lua_rawgeti(ws->L, LUA_REGISTRYINDEX, ws->week_name_ref);
		lua_rawgeti(ws->L, LUA_REGISTRYINDEX, ws->week_ref);
		lua_rawgeti(ws->L, LUA_REGISTRYINDEX, ws->state_ref);
		lua_rawgeti(ws->L, LUA_REGISTRYINDEX, ws->params_ref);
		lua_rawgeti(ws->L, LUA_REGISTRYINDEX, ws->targets_ref);
	}
	return thread;
}

/* The week call when state.week cannot be stored unprotected: the week,
 * then the plugin's week hook (the hook, state, params, targets and week
 * at 1 to 5). */
static int week_call(lua_State *L)
{
	lua_setfield(L, 2, "week");
	lua_call(L, 3, 0);
	return 0;
}

/* Stores WEEK in the state when that can raise no error: the state still
 * holds a number at `week` (the plugin may have changed or removed it), so
 * the store, raw, neither calls a metamethod nor allocates. Returns 1 when
 * done; else the week call stores it, as Lua would (week_call). */
static int store_week(lua_State *L, int week)
{
	lua_pushvalue(L, SLOT_KEY);
	int present = lua_rawget(L, SLOT_STATE) == LUA_TNUMBER;
	lua_pop(L, 1);
	if (!present)
		return 0;
	lua_pushvalue(L, SLOT_KEY);
	lua_pushinteger(L, week);
	lua_rawset(L, SLOT_STATE);
	return 1;
}

int plugin_thread_week(struct plugin_thread *thread, uint64_t seed, uint64_t replication,
		       int week, struct inventory *inventories)
{
	/* a replication's calls continue its own stream, whatever other
	 * replications' calls come between (campaign_run_hooked) */
	size_t slot = (size_t)(replication % CAMPAIGN_HOOKED_BLOCK);
	for (int i = 0; i < thread->n; i++) {
		if (week == 1)
			rng_init(&thread->states[i].streams[slot], seed, replication,
				 RNG_SUBSTREAM_POLICIES + (uint64_t)thread->states[i].policy);
		thread->states[i].sb.rng = &thread->states[i].streams[slot];
	}
	thread->inventories = inventories;
	for (int i = 0; i < thread->n; i++) {
		struct week_state *ws = &thread->states[i];
		lua_State *L = ws->L;
		ws->week = week;
		if (ws->failed_call && replication < ws->failed_replication) {
			sandbox_revive(&ws->sb);
			ws->failed_call = 0;
		}
		/* the stack has room for these and nothing here can raise an
		 * error: the hook, its state (with its week), params, targets */
		int quick = store_week(L, week);
		if (!quick)
			lua_pushcfunction(L, week_call);
		lua_pushvalue(L, SLOT_HOOK);
		lua_pushvalue(L, SLOT_STATE);
		lua_pushvalue(L, SLOT_PARAMS);
		lua_pushvalue(L, SLOT_TARGETS);
		if (!quick)
			lua_pushinteger(L, week);
		int nargs = quick ? 3 : 5;
		if (sandbox_call(&ws->sb, nargs, 0, LIMIT_PLUGIN_WEEK_INSTRUCTIONS, &thread->error) != 0) {
			thread->failed = ws->policy;
			thread->failed_hook = "week";
			ws->failed_call = 1;
			ws->failed_replication = replication;
			return -1;
		}
	}
	return 0;
}

void plugin_thread_error(const struct plugin_thread *thread, struct diag *d)
{
	sandbox_report(d, thread->host->policies[thread->failed].stem,
		       thread->failed_hook ? thread->failed_hook : "week", &thread->error);
}

const struct plugin_host *week_thread_host(const struct plugin_thread *thread)
{
	return thread->host;
}

struct setup_states *week_thread_setup_states(struct plugin_thread *thread)
{
	if (thread->setup_states == NULL)
		thread->setup_states = host_setup_states_new(thread->host);
	return thread->setup_states;
}

void week_thread_failed(struct plugin_thread *thread, int policy, const char *hook,
			const struct sandbox_error *err)
{
	thread->failed = policy;
	thread->failed_hook = hook;
	thread->error = *err;
}

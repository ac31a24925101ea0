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
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The fields of a cell: first those its values table shows as the running
 * replication's (SHOWN_KEYS: its start, which uncertain inputs may draw
 * anew in each replication), then those read from the replication at
 * each read (open and the rates in force, which change from week to week
 * and by the hooks' writes), then the scenario's sites and declared sites.
 */
enum cell_key {
	KEY_PROBLEMS, KEY_BASE_RECTIFY_RATE, KEY_BASE_REBOUND, KEY_BASE_NEW_PER_WEEK, SHOWN_KEYS,
	KEY_OPEN = SHOWN_KEYS, KEY_RECTIFY_RATE, KEY_REBOUND, KEY_NEW_PER_WEEK, KEY_SITES,
	KEY_DECLARED, CELL_KEYS
};
static const char *const cell_key_names[CELL_KEYS] = {
	"problems", "base_rectify_rate", "base_rebound", "base_new_per_week", "open",
	"rectify_rate", "rebound", "new_per_week", "sites", "declared"};

/* The key of a cell's values table that holds the cell's index (a light
 * userdata: no plugin can name it). */
static const char cell_index_key = 0;

/* Writes an uncounted week call may make to the cells before it is run
 * counted instead: at most these can be undone (plus one a cell). */
#define WEEK_UNDO_ENTRIES 256
/* Calls of a state run again counted before all its calls are counted. */
#define WEEK_AGAIN_MOST 8

/* A cell's field as it was before an uncounted call wrote it. */
struct week_undo {
	uint32_t cell;
	uint32_t key;                 /* KEY_OPEN or a rate's key */
	union {
		int64_t open;
		double rate;
	} was;
};

/* One policy's Lua state on one thread. */
struct week_state {
	struct sandbox sb;            /* first: the state's allocator context is the week state */
	int week;                     /* the week being run */
	/* Lua interns short strings, so a key is one of the cell's fields
	 * exactly when its pointer is one of these. */
	const char *cell_key[CELL_KEYS];
	const char *categories_key;   /* a district's "categories" */
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
	/* the week after which each replication of the block (by its slot)
	 * calls the hook next: the next week, or a later one the hook returned */
	int next_week[CAMPAIGN_HOOKED_BLOCK];
	int week_ref, state_ref, params_ref, targets_ref, week_name_ref;
	const char *hook;             /* while preparing: the part being prepared */
	/* the cells' values tables: what each holds of SHOWN_KEYS, as the bits
	 * of its number ([cell][SHOWN_KEYS]), and the call whose replication
	 * each district's cells show ([district]; CALL counts this state's
	 * week calls, from 1) */
	uint64_t *shown;
	uint64_t *fresh;
	uint64_t call;
	/* every replication starts from the same values (no uncertain input):
	 * once shown, a district's cells are never brought up to date again,
	 * and its `categories` becomes a plain field */
	int same_start;
	/* calls run uncounted (sandbox_call_watched) until WEEK_AGAIN_MOST of
	 * them, or one with more writes than the undo log holds, ran again;
	 * the running call's writes while it is uncounted, to undo when it
	 * runs again */
	int watched, again;
	struct week_undo *undo;
	size_t undo_count, undo_size;
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
	/* the replication's, during a week call: cell k's at inventories[k * stride] */
	struct inventory *inventories;
	size_t stride;
	struct watchdog watchdog;        /* times the uncounted calls */
	int failed;                      /* the policy whose week call failed */
	struct sandbox_error error;      /* and why */
	const char *failed_hook;         /* "week", or "setup" run again in a replication */
	struct setup_states *setup_states; /* setups run again in each replication */
};

/* Cell K's inventory in the running replication. */
static inline struct inventory *cell_inventory(const struct plugin_thread *thread, size_t k)
{
	return &thread->inventories[k * thread->stride];
}

/*
 * A cell of the running replication, as a plugin sees it: an empty table
 * whose metatable's __index is the cell's values table, a plain table of
 * its start (problems, base_*), sites and declared sites, read by the
 * plugin as plain Lua (no C call); a field the values table lacks reaches
 * its metatable's __index, which reads open and the rates in force from
 * the replication's inventory and refuses any other. The cell's
 * __newindex, a C closure of the cell's index, checks every write and
 * makes it in the inventory. A district's `categories`, read in a week
 * call, first brings its cells' values tables to the call's replication
 * (the fields that differ from what they show; a district the call does
 * not reach costs nothing); when every replication starts alike, it does
 * so once and becomes a plain field.
 */
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

/* The inventory rate of a rate key. */
static enum inventory_rate rate_of(enum cell_key key)
{
	switch (key) {
	case KEY_RECTIFY_RATE: return INVENTORY_RECTIFY_RATE;
	case KEY_REBOUND: return INVENTORY_REBOUND;
	case KEY_NEW_PER_WEEK: return INVENTORY_NEW_PER_WEEK;
	case KEY_BASE_RECTIFY_RATE: return INVENTORY_BASE_RECTIFY_RATE;
	case KEY_BASE_REBOUND: return INVENTORY_BASE_REBOUND;
	default: return INVENTORY_BASE_NEW_PER_WEEK;
	}
}

static uint64_t bits_of(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	return b;
}

/* The value of shown key KEY of INV, as the bits of its number. */
static inline uint64_t shown_bits(const struct inventory *inv, enum cell_key key)
{
	if (key == KEY_PROBLEMS)
		return (uint64_t)inventory_problems(inv);
	return bits_of(inventory_rate(inv, rate_of(key)));
}

/* Pushes shown key KEY's value from its BITS: problems is an integer. */
static void push_shown(lua_State *L, enum cell_key key, uint64_t bits)
{
	if (key == KEY_PROBLEMS) {
		lua_pushinteger(L, (lua_Integer)(int64_t)bits);
	} else {
		double x;
		memcpy(&x, &bits, sizeof x);
		lua_pushnumber(L, x);
	}
}

/* __index of a cell's values table (at 1): open and the rates in force,
 * or a field the cell does not have. */
static int cell_index(lua_State *L)
{
	struct week_state *ws = week_of(L);
	enum cell_key key = cell_key_of(L, ws, 2);
	if (key < KEY_OPEN || key > KEY_NEW_PER_WEEK)
		return sandbox_kill(L, _("a cell has no field '%s' (it has %s)"),
				    luaL_tolstring(L, 2, NULL), _(cell_keys_list));
	lua_rawgetp(L, 1, &cell_index_key);
	const struct inventory *inv = cell_inventory(ws->thread, (size_t)lua_tointeger(L, -1));
	if (key == KEY_OPEN)
		lua_pushinteger(L, (lua_Integer)inventory_open(inv));
	else
		lua_pushnumber(L, inventory_rate(inv, rate_of(key)));
	return 1;
}

/* Keeps what field KEY of cell K (INV) holds before an uncounted call
 * writes it; a write past the log ends the call, to run again counted,
 * and the state's calls are counted from then on. */
static void log_write(lua_State *L, struct week_state *ws, size_t k, enum cell_key key,
		      const struct inventory *inv)
{
	if (ws->undo_count == ws->undo_size) {
		ws->watched = 0;
		sandbox_again(L);
	}
	struct week_undo *u = &ws->undo[ws->undo_count++];
	u->cell = (uint32_t)k;
	u->key = (uint32_t)key;
	if (key == KEY_OPEN)
		u->was.open = inventory_open(inv);
	else
		u->was.rate = inventory_rate(inv, rate_of(key));
}

/* Undoes the logged writes, last first. */
static void undo_writes(struct week_state *ws)
{
	while (ws->undo_count > 0) {
		const struct week_undo *u = &ws->undo[--ws->undo_count];
		struct inventory *inv = cell_inventory(ws->thread, u->cell);
		if (u->key == KEY_OPEN)
			inventory_set_open(inv, u->was.open);
		else
			inventory_set_rate(inv, rate_of((enum cell_key)u->key), u->was.rate);
	}
}

/* __newindex of a cell (upvalue: the cell's index). */
static int cell_newindex(lua_State *L)
{
	size_t k = (size_t)lua_tointeger(L, lua_upvalueindex(1));
	struct week_state *ws = week_of(L);
	const struct scenario *s = ws->thread->host->scenario;
	struct inventory *inv = cell_inventory(ws->thread, k);
	enum cell_key key = cell_key_of(L, ws, 2);
	int writable = key == KEY_RECTIFY_RATE || key == KEY_REBOUND || key == KEY_NEW_PER_WEEK;
	int is_number = lua_type(L, 3) == LUA_TNUMBER;
	double value = is_number ? lua_tonumber(L, 3) : 0.0;
	char why[128] = "";
	if (key == KEY_OPEN && is_number && value >= 0.0 && value <= LIMIT_PLUGIN_OPEN && value == floor(value)) {
		if (ws->sb.uncounted)
			log_write(L, ws, k, key, inv);
		inventory_set_open(inv, (int64_t)value);
		return 0;
	}
	if (is_number && !isfinite(value))
		snprintf(why, sizeof why, _("must be a finite number"));
	else if (writable && is_number &&
		 scenario_rule_check(ws->rule[key], value, why, sizeof why) == 0) {
		if (ws->sb.uncounted)
			log_write(L, ws, k, key, inv);
		inventory_set_rate(inv, rate_of(key), value);
		return 0;
	}

	/* a refused write: say what and why */
	const char *name = luaL_tolstring(L, 2, NULL);
	const char *district = s->districts[k / (size_t)s->n_categories].name;
	const char *category = s->categories[k % (size_t)s->n_categories].name;
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

/* The upvalues of a district's __index: its index, its categories table,
 * its cells' values tables in the categories' order, then the shown keys. */
enum { UP_DISTRICT = 1, UP_CATEGORIES, UP_VALUES, UP_KEYS, DISTRICT_UPVALUES = UP_KEYS + SHOWN_KEYS - 1 };

/* Brings district D's values tables (run from its __index) to the running
 * replication: the fields that differ from what they show. */
static void refresh_district(lua_State *L, struct week_state *ws, int d)
{
	const struct scenario *s = ws->thread->host->scenario;
	size_t categories = (size_t)s->n_categories;
	uint64_t *shown = &ws->shown[(size_t)d * categories * SHOWN_KEYS];
	for (size_t c = 0; c < categories; c++, shown += SHOWN_KEYS) {
		const struct inventory *inv = cell_inventory(ws->thread, (size_t)d * categories + c);
		int pushed = 0;
		for (int key = 0; key < SHOWN_KEYS; key++) {
			uint64_t bits = shown_bits(inv, (enum cell_key)key);
			if (bits == shown[key])
				continue;
			if (!pushed)
				lua_rawgeti(L, lua_upvalueindex(UP_VALUES), (lua_Integer)c + 1);
			pushed = 1;
			lua_pushvalue(L, lua_upvalueindex(UP_KEYS + key));
			push_shown(L, (enum cell_key)key, bits);
			lua_rawset(L, -3);
			shown[key] = bits;
		}
		if (pushed)
			lua_pop(L, 1);
	}
	ws->fresh[d] = ws->call;
}

/* __index of a district: its `categories` (its cells, brought to the
 * running replication) and `open`, its open problems over all categories. */
static int district_index(lua_State *L)
{
	struct week_state *ws = week_of(L);
	int d = (int)lua_tointeger(L, lua_upvalueindex(UP_DISTRICT));
	const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
	if (key == ws->categories_key) {
		if (ws->fresh[d] != ws->call)
			refresh_district(L, ws, d);
		lua_pushvalue(L, lua_upvalueindex(UP_CATEGORIES));
		if (ws->same_start) {
			/* shown for good: later reads take the field as it is */
			lua_pushvalue(L, 2);
			lua_pushvalue(L, -2);
			lua_rawset(L, 1);
		}
		return 1;
	}
	if (key != ws->cell_key[KEY_OPEN])
		return sandbox_kill(L, _("a district has no field '%s' (it has name, categories, sites, open)"),
				    luaL_tolstring(L, 2, NULL));
	const struct scenario *s = ws->thread->host->scenario;
	size_t first = (size_t)d * (size_t)s->n_categories;
	lua_Integer open = 0;
	for (size_t c = 0; c < (size_t)s->n_categories; c++)
		open += (lua_Integer)inventory_open(cell_inventory(ws->thread, first + c));
	lua_pushinteger(L, open);
	return 1;
}

static int district_newindex(lua_State *L)
{
	return sandbox_kill(L, _("a district's '%s' cannot be written: write its cells' fields"),
			    luaL_tolstring(L, 2, NULL));
}

/* Pushes the cell (D, C) and its values table (at the top), whose
 * metatable is at VALUES_META; the shown fields are placeholders until
 * their district is first read (its SHOWN entries match no value). */
static void push_cell(lua_State *L, struct week_state *ws, int values_meta, int d, int c)
{
	const struct scenario *s = ws->thread->host->scenario;
	const struct cell *fixed = scenario_cell(s, d, c);
	size_t k = (size_t)d * (size_t)s->n_categories + (size_t)c;
	lua_newtable(L);                                  /* the cell */
	lua_createtable(L, 0, CELL_KEYS);                 /* its values */
	for (int key = 0; key < SHOWN_KEYS; key++) {
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, cell_key_names[key]);
		ws->shown[k * SHOWN_KEYS + (size_t)key] = UINT64_MAX; /* a NaN, never a count */
	}
	lua_pushinteger(L, (lua_Integer)k);
	lua_rawsetp(L, -2, &cell_index_key);
	lua_pushinteger(L, fixed->sites);
	lua_setfield(L, -2, "sites");
	lua_pushinteger(L, fixed->declared);
	lua_setfield(L, -2, "declared");
	lua_pushvalue(L, values_meta);
	lua_setmetatable(L, -2);
	lua_createtable(L, 0, 3);                         /* the cell's metatable */
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "__index");
	lua_pushinteger(L, (lua_Integer)k);
	lua_pushcclosure(L, cell_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	sandbox_lock_metatable(L);
	lua_setmetatable(L, -3);
}

/* Builds, once per state, the `state` table whose cells read the running replication. */
static void push_week_state(lua_State *L, struct plugin_thread *thread)
{
	const struct scenario *s = thread->host->scenario;
	struct week_state *ws = week_of(L);

	/* the interned keys, kept alive in the registry */
	lua_createtable(L, CELL_KEYS + 1, 0);
	for (int k = 0; k < CELL_KEYS; k++) {
		lua_pushstring(L, cell_key_names[k]);
		ws->cell_key[k] = lua_tostring(L, -1);
		lua_rawseti(L, -2, k + 1);
	}
	lua_pushliteral(L, "categories");
	ws->categories_key = lua_tostring(L, -1);
	lua_rawseti(L, -2, CELL_KEYS + 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "ccsim.cell_keys");
	ws->rule[KEY_RECTIFY_RATE] = scenario_field_rule("cell.rectify_rate");
	ws->rule[KEY_REBOUND] = scenario_field_rule("cell.rebound");
	ws->rule[KEY_NEW_PER_WEEK] = scenario_field_rule("cell.new_per_week");
	ws->same_start = s->uncertain == NULL;

	/* the values tables' metatable: a field a cell lacks is an error */
	lua_createtable(L, 0, 2);
	sandbox_set_function(L, "__index", cell_index);
	sandbox_lock_metatable(L);
	int values_meta = lua_gettop(L);

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
		lua_createtable(L, 0, 3);                 /* the district (categories joins) */
		lua_pushstring(L, s->districts[d].name);
		lua_setfield(L, -2, "name");
		for (int c = 0; c < s->n_categories; c++)
			sites += scenario_cell(s, d, c)->sites;
		lua_pushinteger(L, sites);
		lua_setfield(L, -2, "sites");
		lua_createtable(L, 0, 3);                 /* its metatable */
		lua_pushinteger(L, d);                    /* UP_DISTRICT */
		lua_createtable(L, 0, s->n_categories);   /* UP_CATEGORIES */
		lua_createtable(L, s->n_categories, 0);   /* UP_VALUES */
		for (int c = 0; c < s->n_categories; c++) {
			push_cell(L, ws, values_meta, d, c);
			lua_rawseti(L, -3, c + 1);
			lua_setfield(L, -3, s->categories[c].name);
		}
		for (int key = 0; key < SHOWN_KEYS; key++)  /* UP_KEYS ... */
			lua_pushstring(L, cell_key_names[key]);
		lua_pushcclosure(L, district_index, DISTRICT_UPVALUES);
		lua_setfield(L, -2, "__index");
		sandbox_set_function(L, "__newindex", district_newindex);
		sandbox_lock_metatable(L);
		lua_setmetatable(L, -2);
		lua_rawseti(L, -2, d + 1);
	}
	lua_setfield(L, -2, "districts");
	view_add_name_map(L, "districts", "district");
	lua_remove(L, values_meta);
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
	watchdog_stop(&thread->watchdog);
	for (int i = 0; thread->states != NULL && i < thread->n; i++) {
		if (thread->states[i].L != NULL)
			lua_close(thread->states[i].L);
		free(thread->states[i].shown);
		free(thread->states[i].fresh);
		free(thread->states[i].undo);
	}
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
		const struct scenario *s = host->scenario;
		ws->shown = malloc((size_t)s->n_districts * (size_t)s->n_categories * SHOWN_KEYS *
				   sizeof *ws->shown + 1);
		ws->fresh = calloc((size_t)s->n_districts + 1, sizeof *ws->fresh);
		ws->undo_size = WEEK_UNDO_ENTRIES + (size_t)s->n_districts * (size_t)s->n_categories;
		if (ws->undo_size > 16 * WEEK_UNDO_ENTRIES)
			ws->undo_size = 16 * WEEK_UNDO_ENTRIES;
		ws->undo = malloc(ws->undo_size * sizeof *ws->undo);
		ws->watched = 1;
		sandbox_set_file(&ws->sb, host->policies[i].file);
		ws->L = ws->shown && ws->fresh && ws->undo ? sandbox_open(&ws->sb) : NULL;
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
	lua_call(L, 3, 1);
	return 1;
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

/* The week after which WS's hook asked to be called next, from what its
 * call after week WEEK returned (at the top): nil, or a later week; -1 when
 * it returned anything else (SB's error then says what). */
static int asked_week(struct week_state *ws, int week, struct sandbox_error *err)
{
	lua_State *L = ws->L;
	int type = lua_type(L, -1);
	lua_Integer later = 0;
	int next = week + 1;
	if (type == LUA_TNUMBER && lua_isinteger(L, -1))
		later = lua_tointeger(L, -1);
	else if (type == LUA_TNUMBER && lua_tonumber(L, -1) == floor(lua_tonumber(L, -1)) &&
		 fabs(lua_tonumber(L, -1)) < 1e15)
		later = (lua_Integer)lua_tonumber(L, -1);
	if (later > week)
		next = later > ws->thread->host->scenario->weeks ? ws->thread->host->scenario->weeks + 1
								 : (int)later;
	else if (type != LUA_TNIL) {
		memset(err, 0, sizeof *err);
		snprintf(err->file, sizeof err->file, "%s", ws->sb.file);
		snprintf(err->message, sizeof err->message,
			 _("week %d returned %s, must return nothing or a later week (a whole number)"),
			 week, type == LUA_TNUMBER ? lua_tostring(L, -1) : lua_typename(L, type));
		next = -1;
	}
	lua_pop(L, 1);
	return next;
}

/* Pushes the week call of WS after WEEK (nothing here can raise an error,
 * and the stack has room): the hook, its state (with its week), params,
 * targets, or the same behind week_call. Returns the arguments' count. */
static int push_week_call(struct week_state *ws, int week)
{
	lua_State *L = ws->L;
	int quick = store_week(L, week);
	if (!quick)
		lua_pushcfunction(L, week_call);
	lua_pushvalue(L, SLOT_HOOK);
	lua_pushvalue(L, SLOT_STATE);
	lua_pushvalue(L, SLOT_PARAMS);
	lua_pushvalue(L, SLOT_TARGETS);
	if (!quick)
		lua_pushinteger(L, week);
	return quick ? 3 : 5;
}

/*
 * Calls WS's week hook after WEEK: uncounted while that serves, else
 * counted; an uncounted call that must run counted is undone first (its
 * writes to the cells, its draws from the replication's stream), so that
 * the counted call starts where it started. Returns sandbox_call's.
 */
static int call_week(struct plugin_thread *thread, struct week_state *ws, int week)
{
	int nargs = push_week_call(ws, week);
	if (!ws->watched)
		return sandbox_call(&ws->sb, nargs, 1, LIMIT_PLUGIN_WEEK_INSTRUCTIONS, &thread->error);
	struct rng stream = *ws->sb.rng;
	ws->undo_count = 0;
	int status = sandbox_call_watched(&ws->sb, &thread->watchdog, nargs, 1,
					  LIMIT_PLUGIN_WEEK_INSTRUCTIONS, &thread->error);
	if (status != SANDBOX_AGAIN)
		return status;
	undo_writes(ws);
	*ws->sb.rng = stream;
	/* the uncounted start's garbage, which would count against the
	 * counted call's memory cap (no finalizer runs: the sandbox has none) */
	lua_gc(ws->L, LUA_GCCOLLECT);
	if (++ws->again >= WEEK_AGAIN_MOST)
		ws->watched = 0;
	nargs = push_week_call(ws, week);
	return sandbox_call(&ws->sb, nargs, 1, LIMIT_PLUGIN_WEEK_INSTRUCTIONS, &thread->error);
}

int plugin_thread_week(struct plugin_thread *thread, uint64_t seed, uint64_t replication,
		       int week, struct inventory *inventories, size_t stride)
{
	/* a replication's calls continue its own stream, whatever other
	 * replications' calls come between (campaign_run_hooked) */
	size_t slot = (size_t)(replication % CAMPAIGN_HOOKED_BLOCK);
	for (int i = 0; i < thread->n; i++) {
		if (week == 1) {
			rng_init(&thread->states[i].streams[slot], seed, replication,
				 RNG_SUBSTREAM_POLICIES + (uint64_t)thread->states[i].policy);
			thread->states[i].next_week[slot] = 1;
		}
		thread->states[i].sb.rng = &thread->states[i].streams[slot];
	}
	thread->inventories = inventories;
	thread->stride = stride;
	int next = INT_MAX;
	for (int i = 0; i < thread->n; i++) {
		struct week_state *ws = &thread->states[i];
		if (ws->next_week[slot] > week) {
			/* it asked for a later week */
			next = ws->next_week[slot] < next ? ws->next_week[slot] : next;
			continue;
		}
		ws->week = week;
		ws->call++; /* the cells show another replication, or another week */
		if (ws->failed_call && replication < ws->failed_replication) {
			sandbox_revive(&ws->sb);
			ws->failed_call = 0;
		}
		int asked = -1;
		if (call_week(thread, ws, week) == 0)
			asked = asked_week(ws, week, &thread->error);
		if (asked < 0) {
			thread->failed = ws->policy;
			thread->failed_hook = "week";
			ws->failed_call = 1;
			ws->failed_replication = replication;
			return -1;
		}
		ws->next_week[slot] = asked;
		next = asked < next ? asked : next;
	}
	if (next == INT_MAX || next == week + 1)
		return 0;
	return CAMPAIGN_HOOK_LATER + next;
}

void plugin_thread_error(const struct plugin_thread *thread, struct diag *d)
{
	sandbox_report(d, thread->host->policies[thread->failed].stem,
		       thread->failed_hook ? thread->failed_hook : "week", &thread->error);
}

int week_thread_again(const struct plugin_thread *thread)
{
	int again = 0;
	for (int i = 0; i < thread->n; i++)
		again += thread->states[i].again;
	return again;
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

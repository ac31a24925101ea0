/*
 * view: the mutable view of the scenario that a policy's setup receives
 * (docs/model.md 6.1), and reading it back: every written value is checked by the
 * rules that check the file, names, weeks and batches are read-only.
 */
#include "plugin_int.h"
#include "uncertain.h"
#include "i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * A record's fields in the view are the schema's keys of that record which a
 * setup may write (SCENARIO_KEY_SETUP), under their own names; the root's
 * are grouped by their section (survey.weight is view.survey.weight). A key
 * the schema gains with that flag is in the view, read back and checked by
 * its rule, with no change here.
 */

/* The next key of record KIND after PREVIOUS that a setup may write; for the
 * root, only those of SECTION ("survey"). */
static const struct scenario_key *next_field(const struct scenario_key *previous,
					     enum scenario_record kind, const char *section)
{
	const struct scenario_key *k = previous;
	while ((k = scenario_schema_next(k, kind, SCENARIO_KEY_SETUP)) != NULL) {
		size_t n = section != NULL ? strlen(section) : 0;
		if (section == NULL || (strncmp(k->path, section, n) == 0 && k->path[n] == '.'))
			return k;
	}
	return NULL;
}

/* One entry of a record kind: where the schema finds its values. */
struct view_entry {
	enum scenario_record kind;
	const char *section;     /* the root's section, else NULL */
	int item, category;      /* scenario_value_get's ITEM and CATEGORY */
};

/* Sets the fields of ENTRY on the table at the top. */
static void push_fields(lua_State *L, const struct scenario *s, struct view_entry e)
{
	for (const struct scenario_key *k = NULL; (k = next_field(k, e.kind, e.section)) != NULL;) {
		double v = scenario_value_get(s, k, e.item, e.category);
		if (k->type == SCENARIO_TYPE_INTEGER)
			lua_pushinteger(L, (lua_Integer)v);
		else if (k->type == SCENARIO_TYPE_BOOLEAN)
			lua_pushboolean(L, v != 0.0);
		else
			lua_pushnumber(L, v);
		lua_setfield(L, -2, scenario_key_name(k));
	}
}

/* A new table { name = NAME, fields... } at the top. */
static void push_record(lua_State *L, const char *name, const struct scenario *s, struct view_entry e)
{
	lua_createtable(L, 0, 8);
	if (name != NULL) {
		lua_pushstring(L, name);
		lua_setfield(L, -2, "name");
	}
	push_fields(L, s, e);
}

/* The name of entry I of the list record KIND. */
static const char *entry_name(const struct scenario *s, enum scenario_record kind, int i)
{
	switch (kind) {
	case SCENARIO_RECORD_CATEGORY: return s->categories[i].name;
	case SCENARIO_RECORD_DISTRICT: return s->districts[i].name;
	case SCENARIO_RECORD_MATERIAL: return s->materials[i].name;
	case SCENARIO_RECORD_NEGATIVE: return s->negatives[i].name;
	case SCENARIO_RECORD_HONOR: return s->bonus.honors[i].name;
	default: return NULL;
	}
}

/* Sets KEY of the table at the top to the list of record KIND's entries. */
static void push_named_array(lua_State *L, const char *key, const struct scenario *s,
			     enum scenario_record kind)
{
	int count = scenario_record_count(s, kind);
	lua_createtable(L, count, 0);
	for (int i = 0; i < count; i++) {
		push_record(L, entry_name(s, kind, i), s, (struct view_entry){kind, NULL, i, -1});
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, key);
}

/* A by-name map over the array field ARRAY_KEY of the table at the top. */
void view_add_name_map(lua_State *L, const char *array_key, const char *map_key)
{
	loader_field(L, -1, array_key);
	lua_newtable(L);
	lua_Integer n = (lua_Integer)lua_rawlen(L, -2);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -2, i);
		loader_field(L, -1, "name");
		lua_insert(L, -2);
		lua_rawset(L, -3);
	}
	lua_setfield(L, -3, map_key);
	lua_pop(L, 1);
}

/* The root's sections in the view as plain groups (bonus also holds honors). */
static const char *const root_groups[] = {"survey", "overall"};

void view_push(lua_State *L, const struct scenario *s)
{
	lua_createtable(L, 0, 16);
	lua_pushstring(L, s->name);
	lua_setfield(L, -2, "name");
	lua_pushinteger(L, s->weeks);
	lua_setfield(L, -2, "weeks");
	lua_createtable(L, 2, 0);
	lua_pushinteger(L, s->window_first);
	lua_rawseti(L, -2, 1);
	lua_pushinteger(L, s->window_last);
	lua_rawseti(L, -2, 2);
	lua_setfield(L, -2, "window");
	lua_pushinteger(L, s->batches);
	lua_setfield(L, -2, "batches");

	push_named_array(L, "categories", s, SCENARIO_RECORD_CATEGORY);
	view_add_name_map(L, "categories", "category");

	lua_createtable(L, s->n_districts, 0);
	for (int d = 0; d < s->n_districts; d++) {
		push_record(L, s->districts[d].name, s,
			    (struct view_entry){SCENARIO_RECORD_DISTRICT, NULL, d, -1});
		lua_createtable(L, 0, s->n_categories);
		for (int c = 0; c < s->n_categories; c++) {
			push_record(L, NULL, s, (struct view_entry){SCENARIO_RECORD_CELL, NULL, d, c});
			lua_setfield(L, -2, s->categories[c].name);
		}
		lua_setfield(L, -2, "categories");
		lua_rawseti(L, -2, d + 1);
	}
	lua_setfield(L, -2, "districts");
	view_add_name_map(L, "districts", "district");

	for (int i = 0; i < 2; i++) {
		lua_newtable(L);
		push_fields(L, s, (struct view_entry){SCENARIO_RECORD_ROOT, root_groups[i], -1, -1});
		lua_setfield(L, -2, root_groups[i]);
	}
	push_named_array(L, "materials", s, SCENARIO_RECORD_MATERIAL);
	push_named_array(L, "negative_list", s, SCENARIO_RECORD_NEGATIVE);
	lua_newtable(L);
	push_fields(L, s, (struct view_entry){SCENARIO_RECORD_ROOT, "bonus", -1, -1});
	push_named_array(L, "honors", s, SCENARIO_RECORD_HONOR);
	lua_setfield(L, -2, "bonus");
}

/* ---- uncertain fields: setup's reads and writes of them, tracked ---------- */

/*
 * A field an uncertain input sets (docs/model.md 3.12) is moved out of its
 * record into a backing table that the record's metatable serves: reading
 * it, writing it or iterating its record (pairs) marks the setup as one
 * that touches uncertain inputs, which must then run in every replication.
 * The registry holds the records so treated, with their backing tables, so
 * that view_unhide puts every field back before the view is read.
 */
static const char hidden_key; /* its address: the registry's key */

/* __index(record, key): a hidden field from the backing (upvalue 1). */
static int hidden_index(lua_State *L)
{
	int *touched = lua_touserdata(L, lua_upvalueindex(2));
	lua_settop(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		*touched = 1;
	return 1;
}

/* __newindex(record, key, value): a hidden field to the backing, any other raw. */
static int hidden_newindex(lua_State *L)
{
	int *touched = lua_touserdata(L, lua_upvalueindex(2));
	lua_settop(L, 3);
	lua_pushvalue(L, 2);
	int hidden = lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL;
	lua_pop(L, 1);
	if (hidden) {
		*touched = 1;
		lua_rawset(L, lua_upvalueindex(1));
	} else {
		lua_rawset(L, 1);
	}
	return 0;
}

/* next(table, key), as Lua's own (a plugin may not have replaced it for this). */
static int hidden_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, 1) != 0)
		return 2;
	lua_pushnil(L);
	return 1;
}

/* __pairs(record): next over a copy holding the hidden fields too. */
static int hidden_pairs(lua_State *L)
{
	int *touched = lua_touserdata(L, lua_upvalueindex(2));
	*touched = 1;
	lua_newtable(L);                               /* 2: the copy */
	for (int from = 1; from <= 2; from++) {
		int table = from == 1 ? 1 : lua_upvalueindex(1);
		lua_pushnil(L);
		while (lua_next(L, table) != 0) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, 2);
		}
	}
	lua_pushcfunction(L, hidden_next);
	lua_pushvalue(L, 2);
	lua_pushnil(L);
	return 3;
}

/* Hides FIELD of the record table at the top (its metatable made on first use). */
static void hide_field(lua_State *L, const char *field, int *touched)
{
	int record = lua_gettop(L);
	if (!lua_getmetatable(L, record)) {
		lua_newtable(L);                           /* the backing */
		lua_newtable(L);                           /* the metatable */
		const lua_CFunction functions[3] = {hidden_index, hidden_newindex, hidden_pairs};
		const char *const names[3] = {"__index", "__newindex", "__pairs"};
		for (int i = 0; i < 3; i++) {
			lua_pushvalue(L, -2);
			lua_pushlightuserdata(L, touched);
			lua_pushcclosure(L, functions[i], 2);
			lua_setfield(L, -2, names[i]);
		}
		sandbox_lock_metatable(L);
		lua_setmetatable(L, record);
		/* the record and its backing, for view_unhide */
		lua_rawgetp(L, LUA_REGISTRYINDEX, &hidden_key);
		lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
		lua_pushvalue(L, record);
		lua_rawseti(L, -2, n + 1);
		lua_pushvalue(L, -2);
		lua_rawseti(L, -2, n + 2);
		lua_pop(L, 1);
	} else {
		lua_pop(L, 1);
		/* the backing: the registry's entry after the record's */
		lua_rawgetp(L, LUA_REGISTRYINDEX, &hidden_key);
		lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
		for (lua_Integer i = 1; i < n; i += 2) {
			lua_rawgeti(L, -1, i);
			int same = lua_rawequal(L, -1, record);
			lua_pop(L, 1);
			if (same) {
				lua_rawgeti(L, -1, i + 1);
				break;
			}
		}
		lua_remove(L, -2);
	}
	/* the backing at the top: move the field (raw: no metamethod sees it) */
	int backing = lua_gettop(L);
	lua_pushstring(L, field);
	if (lua_rawget(L, record) != LUA_TNIL) {
		lua_pushstring(L, field);
		lua_insert(L, -2);
		lua_rawset(L, backing);
		lua_pushstring(L, field);
		lua_pushnil(L);
		lua_rawset(L, record);
	}
	lua_settop(L, record);
}

/* Raw field KEY of the table at the top, pushed (a table, or nil). */
static int raw_field(lua_State *L, const char *key)
{
	if (!lua_istable(L, -1)) {
		lua_pushnil(L);
		return LUA_TNIL;
	}
	lua_pushstring(L, key);
	return lua_rawget(L, -2);
}

static int raw_item(lua_State *L, lua_Integer i)
{
	if (!lua_istable(L, -1)) {
		lua_pushnil(L);
		return LUA_TNIL;
	}
	return lua_rawgeti(L, -1, i);
}

void view_hide_uncertain(lua_State *L, int view, const struct scenario *s, int *touched)
{
	view = lua_absindex(L, view);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &hidden_key);
	int n = s->uncertain != NULL ? s->uncertain_first[uncertain_count(s->uncertain)] : 0;
	for (int t = 0; t < n; t++) {
		const struct uncertain_target *x = &s->uncertain_targets[t];
		const char *field = scenario_key_name(x->key);
		int top = lua_gettop(L);
		lua_pushvalue(L, view);
		switch (x->key->record) {
		case SCENARIO_RECORD_CELL:
			raw_field(L, "districts");
			raw_item(L, x->item + 1);
			raw_field(L, "categories");
			raw_field(L, s->categories[x->category].name);
			break;
		case SCENARIO_RECORD_DISTRICT:
			raw_field(L, "districts");
			raw_item(L, x->item + 1);
			break;
		case SCENARIO_RECORD_CATEGORY:
			raw_field(L, "categories");
			raw_item(L, x->item + 1);
			break;
		case SCENARIO_RECORD_MATERIAL:
			raw_field(L, "materials");
			raw_item(L, x->item + 1);
			break;
		case SCENARIO_RECORD_NEGATIVE:
			raw_field(L, "negative_list");
			raw_item(L, x->item + 1);
			break;
		case SCENARIO_RECORD_HONOR:
			raw_field(L, "bonus");
			raw_field(L, "honors");
			raw_item(L, x->item + 1);
			break;
		case SCENARIO_RECORD_ROOT: {
			/* survey.KEY, overall.KEY; the minors and pass are not in the view */
			const char *dot = strchr(x->key->path, '.');
			char section[32];
			snprintf(section, sizeof section, "%.*s", dot ? (int)(dot - x->key->path) : 0,
				 x->key->path);
			if (strcmp(section, "survey") == 0 || strcmp(section, "overall") == 0)
				raw_field(L, section);
			else
				lua_pushnil(L);
			break;
		}
		default:
			lua_pushnil(L);
			break;
		}
		if (lua_istable(L, -1))
			hide_field(L, field, touched);
		lua_settop(L, top);
	}
}

void view_unhide(lua_State *L)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &hidden_key) != LUA_TTABLE) {
		lua_pop(L, 1);
		return;
	}
	int list = lua_gettop(L);
	lua_Integer n = (lua_Integer)lua_rawlen(L, list);
	for (lua_Integer i = 1; i < n; i += 2) {
		lua_rawgeti(L, list, i);                   /* the record */
		lua_rawgeti(L, list, i + 1);               /* its backing */
		lua_pushnil(L);
		while (lua_next(L, -2) != 0) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -5);
		}
		lua_pop(L, 1);
		lua_pushnil(L);
		lua_setmetatable(L, -2);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &hidden_key);
}

/* Reading the view back: every problem is an error of plugin STEM's setup. */
struct readback {
	lua_State *L;
	const char *stem;
	const char *file;
	struct diag *d;
	struct scenario *s;
};

static void problem(struct readback *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct readback *R, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	diag_add_plugin(R->d, R->stem, "setup", R->file, 0, "%s", message);
}

/* 1 when KEY is a field of ENTRY or one of EXTRA. */
static int known_key(const char *key, struct view_entry e, const char *const *extra, int n_extra)
{
	for (const struct scenario_key *k = NULL; (k = next_field(k, e.kind, e.section)) != NULL;)
		if (strcmp(key, scenario_key_name(k)) == 0)
			return 1;
	for (int i = 0; i < n_extra; i++)
		if (strcmp(key, extra[i]) == 0)
			return 1;
	return 0;
}

/* The path of key K in messages: PREFIX.key.SUFFIX (SUFFIX may be ""). */
static const char *field_path(char *path, size_t size, const struct scenario_key *k,
			      const char *prefix, const char *suffix)
{
	(void)snprintf(path, size, "%s.%s%s", prefix, scenario_key_name(k), suffix);
	return path;
}

/* Checks the value of key K at the top (a setup's) and stores it in ENTRY;
 * its path and number are written out only for a problem (a setup reads
 * every field of every cell back: formatting each was most of its cost). */
static void read_field(struct readback *R, const struct scenario_key *k, struct view_entry e,
		       const char *prefix, const char *suffix)
{
	lua_State *L = R->L;
	char why[128], number[32], path[512];
	if (k->type == SCENARIO_TYPE_BOOLEAN) {
		if (lua_type(L, -1) != LUA_TBOOLEAN)
			problem(R, _("set %s to %s, must be true or false"),
				field_path(path, sizeof path, k, prefix, suffix), luaL_typename(L, -1));
		else
			(void)scenario_value_set(R->s, k, e.item, e.category, lua_toboolean(L, -1), why,
						 sizeof why);
		return;
	}
	if (lua_type(L, -1) != LUA_TNUMBER) {
		problem(R, _("set %s to %s, must be a number"),
			field_path(path, sizeof path, k, prefix, suffix), luaL_typename(L, -1));
		return;
	}
	double value = lua_tonumber(L, -1);
	if (!isfinite(value)) {
		problem(R, _("set %s = %s, must be a finite number"),
			field_path(path, sizeof path, k, prefix, suffix),
			isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
		return;
	}
	if (k->type == SCENARIO_TYPE_INTEGER && value != floor(value)) {
		diag_format_number(value, number, sizeof number);
		problem(R, _("set %s = %s, must be a whole number"),
			field_path(path, sizeof path, k, prefix, suffix), number);
	} else if (scenario_value_set(R->s, k, e.item, e.category, value, why, sizeof why) != 0) {
		diag_format_number(value, number, sizeof number);
		problem(R, _("set %s = %s, %s"), field_path(path, sizeof path, k, prefix, suffix),
			number, why);
	}
}

/*
 * Checks the record table at the top against ENTRY's fields and stores its
 * values. Paths in messages are PREFIX.key.SUFFIX (SUFFIX may be "").
 */
static void read_record(struct readback *R, const char *name, struct view_entry e,
			const char *const *extra, int n_extra, const char *prefix, const char *suffix)
{
	lua_State *L = R->L;
	if (!lua_istable(L, -1)) {
		problem(R, _("replaced %s with a %s; change its fields instead"),
			 prefix, luaL_typename(L, -1));
		return;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		if (key == NULL || !known_key(key, e, extra, n_extra))
			problem(R, _("wrote %s.%s, which is not a field"), prefix,
				 key ? key : _("[a non-name key]"));
		lua_pop(L, 1);
	}
	if (name != NULL) {
		loader_field(L, -1, "name");
		const char *now = lua_tostring(L, -1);
		if (now == NULL || strcmp(now, name) != 0)
			problem(R, _("changed the name of %s; names are read-only"),
				 prefix);
		lua_pop(L, 1);
	}
	for (const struct scenario_key *k = NULL; (k = next_field(k, e.kind, e.section)) != NULL;) {
		(void)loader_field(L, -1, scenario_key_name(k));
		read_field(R, k, e, prefix, suffix);
		lua_pop(L, 1);
	}
}

/* Reads the array KEY of the table at the top into record KIND's entries. */
static void read_named_array(struct readback *R, const char *key, enum scenario_record kind)
{
	static const char *const named[] = {"name"};
	lua_State *L = R->L;
	int count = scenario_record_count(R->s, kind);
	loader_field(L, -1, key);
	if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != count) {
		problem(R, _("must leave %s a list of its %d entries"), key, count);
		lua_pop(L, 1);
		return;
	}
	for (int i = 0; i < count; i++) {
		const char *name = entry_name(R->s, kind, i);
		char prefix[256];
		snprintf(prefix, sizeof prefix, "%s.%s", key, name);
		lua_rawgeti(L, -1, i + 1);
		read_record(R, name, (struct view_entry){kind, NULL, i, -1}, named, 1, prefix, "");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Reads the root's section KEY of the table at the top. */
static void read_group(struct readback *R, const char *key, const char *const *extra, int n_extra)
{
	loader_field(R->L, -1, key);
	read_record(R, NULL, (struct view_entry){SCENARIO_RECORD_ROOT, key, -1, -1}, extra, n_extra,
		    key, "");
}

/* The map MAP_KEY must still hold the array ARRAY_KEY's own tables. */
static void check_name_map(struct readback *R, const char *array_key, const char *map_key)
{
	lua_State *L = R->L;
	loader_field(L, -1, array_key);
	loader_field(L, -2, map_key);
	if (!lua_istable(L, -1) || !lua_istable(L, -2)) {
		lua_pop(L, 2);
		return;
	}
	lua_Integer n = (lua_Integer)lua_rawlen(L, -2);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, -2, i);
		loader_field(L, -1, "name");
		lua_rawget(L, -3);
		if (!lua_rawequal(L, -1, -2))
			problem(R, _("replaced an entry of scenario.%s; change the fields "
				 "of the entry instead"), map_key);
		lua_pop(L, 2);
	}
	lua_pop(L, 2);
}

/* Reads the whole view (at the top) back into R->s; problems go to R->d. */
static void read_scenario_view(struct readback *R)
{
	static const char *const top[] = {"name", "weeks", "window", "batches", "categories",
					  "category", "districts", "district", "survey", "overall",
					  "materials", "negative_list", "bonus"};
	static const char *const district_extra[] = {"name", "categories"};
	static const char *const bonus_extra[] = {"honors"};
	lua_State *L = R->L;
	struct scenario *s = R->s;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int known = 0;
		for (size_t i = 0; key && i < sizeof top / sizeof *top; i++)
			known |= strcmp(key, top[i]) == 0;
		if (!known)
			problem(R, _("wrote scenario.%s, which is not part of the scenario"),
				 key ? key : _("[a non-name key]"));
		lua_pop(L, 1);
	}
	static const char *const fixed[] = {"weeks", "batches"};
	const int fixed_value[] = {s->weeks, s->batches};
	for (int i = 0; i < 2; i++) {
		loader_field(L, -1, fixed[i]);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != fixed_value[i])
			problem(R, _("changed scenario.%s, which plugins cannot change"),
				 fixed[i]);
		lua_pop(L, 1);
	}

	read_named_array(R, "categories", SCENARIO_RECORD_CATEGORY);
	check_name_map(R, "categories", "category");
	check_name_map(R, "districts", "district");

	loader_field(L, -1, "districts");
	if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != s->n_districts) {
		problem(R, _("must leave districts a list of its %d entries"),
			 s->n_districts);
	} else {
		for (int d = 0; d < s->n_districts; d++) {
			char prefix[256];
			snprintf(prefix, sizeof prefix, "districts.%s", s->districts[d].name);
			lua_rawgeti(L, -1, d + 1);
			read_record(R, s->districts[d].name,
				    (struct view_entry){SCENARIO_RECORD_DISTRICT, NULL, d, -1},
				    district_extra, 2, prefix, "");
			loader_field(L, -1, "categories");
			for (int c = 0; lua_istable(L, -1) && c < s->n_categories; c++) {
				char suffix[160];
				snprintf(suffix, sizeof suffix, ".%s", s->categories[c].name);
				loader_field(L, -1, s->categories[c].name);
				read_record(R, NULL, (struct view_entry){SCENARIO_RECORD_CELL, NULL, d, c},
					    NULL, 0, prefix, suffix);
				lua_pop(L, 1);
			}
			lua_pop(L, 2);
		}
	}
	lua_pop(L, 1);

	for (int i = 0; i < 2; i++) {
		read_group(R, root_groups[i], NULL, 0);
		lua_pop(L, 1);
	}
	read_named_array(R, "materials", SCENARIO_RECORD_MATERIAL);
	read_named_array(R, "negative_list", SCENARIO_RECORD_NEGATIVE);
	read_group(R, "bonus", bonus_extra, 1);
	if (lua_istable(L, -1))
		read_named_array(R, "honors", SCENARIO_RECORD_HONOR);
	lua_pop(L, 1);
}

void view_read(lua_State *L, const char *stem, const char *file, struct scenario *s,
	       struct diag *d)
{
	struct readback R = {L, stem, file, d, s};
	read_scenario_view(&R);
}

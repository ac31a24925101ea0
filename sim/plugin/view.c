/*
 * view: the mutable view of the scenario that a policy's setup receives
 * (MODEL.md 5), and reading it back: every written value is checked by the
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

enum field_kind { FIELD_REAL, FIELD_INTEGER, FIELD_BOOLEAN };

/* One number of a record: its key, the rule that checks it, where it lives. */
struct view_field {
	const char *key;
	const char *rule;
	enum field_kind kind;
	size_t offset;
};

#define FIELD(type, key, rule, kind) {#key, rule, kind, offsetof(type, key)}
static const struct view_field category_fields[] = {
	FIELD(struct category, weight, "category.weight", FIELD_REAL),
	FIELD(struct category, deduction, "category.deduction", FIELD_REAL),
	FIELD(struct category, lottery, "category.lottery", FIELD_INTEGER),
	FIELD(struct category, random_view, "category.random_view", FIELD_INTEGER),
	FIELD(struct category, prepared, "category.prepared", FIELD_REAL)};
static const struct view_field district_fields[] = {
	FIELD(struct district, population, "district.population", FIELD_REAL),
	FIELD(struct district, satisfaction, "district.satisfaction", FIELD_REAL),
	FIELD(struct district, satisfaction_concentration, "district.satisfaction_concentration",
	      FIELD_REAL)};
static const struct view_field cell_fields[] = {
	FIELD(struct cell, sites, "cell.sites", FIELD_INTEGER),
	FIELD(struct cell, declared, "cell.declared", FIELD_INTEGER),
	FIELD(struct cell, problems, "cell.problems", FIELD_INTEGER),
	FIELD(struct cell, new_per_week, "cell.new_per_week", FIELD_REAL),
	FIELD(struct cell, rectify_rate, "cell.rectify_rate", FIELD_REAL),
	FIELD(struct cell, rebound, "cell.rebound", FIELD_REAL)};
static const struct view_field material_fields[] = {
	FIELD(struct material, items, "material.items", FIELD_INTEGER),
	FIELD(struct material, points, "material.points", FIELD_REAL),
	FIELD(struct material, loss_probability, "material.loss_probability", FIELD_REAL)};
static const struct view_field negative_fields[] = {
	FIELD(struct negative_event, probability, "negative.probability", FIELD_REAL),
	FIELD(struct negative_event, deduct, "negative.deduct", FIELD_REAL),
	FIELD(struct negative_event, veto, NULL, FIELD_BOOLEAN)};
static const struct view_field honor_fields[] = {
	FIELD(struct honor, probability, "honor.probability", FIELD_REAL),
	FIELD(struct honor, points, "honor.points", FIELD_REAL)};
static const struct view_field survey_fields[] = {
	{"respondents", "survey.respondents", FIELD_INTEGER, offsetof(struct scenario, survey.respondents)},
	{"weight", "survey.weight", FIELD_REAL, offsetof(struct scenario, survey.weight)},
	{"veto_below", "survey.veto_below", FIELD_REAL, offsetof(struct scenario, survey.veto_below)}};
static const struct view_field overall_fields[] = {
	{"weight", "overall.weight", FIELD_REAL, offsetof(struct scenario, overall.weight)},
	{"noise_sd", "overall.noise_sd", FIELD_REAL, offsetof(struct scenario, overall.noise_sd)}};
static const struct view_field bonus_fields[] = {
	{"cap", "bonus.cap", FIELD_REAL, offsetof(struct scenario, bonus.cap)}};
#undef FIELD
#define N_FIELDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static double field_get(const void *record, const struct view_field *f)
{
	const char *at = (const char *)record + f->offset;
	switch (f->kind) {
	case FIELD_INTEGER: return (double)*(const int64_t *)(const void *)at;
	case FIELD_BOOLEAN: return (double)*(const int *)(const void *)at;
	default: return *(const double *)(const void *)at;
	}
}

static void field_set(void *record, const struct view_field *f, double value)
{
	char *at = (char *)record + f->offset;
	switch (f->kind) {
	case FIELD_INTEGER: *(int64_t *)(void *)at = (int64_t)value; break;
	case FIELD_BOOLEAN: *(int *)(void *)at = value != 0.0; break;
	default: *(double *)(void *)at = value; break;
	}
}

/* Sets the fields of the table at the top from RECORD. */
static void push_fields(lua_State *L, const void *record, const struct view_field *fields, int n)
{
	for (int i = 0; i < n; i++) {
		double v = field_get(record, &fields[i]);
		if (fields[i].kind == FIELD_INTEGER)
			lua_pushinteger(L, (lua_Integer)v);
		else if (fields[i].kind == FIELD_BOOLEAN)
			lua_pushboolean(L, v != 0.0);
		else
			lua_pushnumber(L, v);
		lua_setfield(L, -2, fields[i].key);
	}
}

/* A new table { name = NAME, fields... } at the top. */
static void push_record(lua_State *L, const char *name, const void *record,
			const struct view_field *fields, int n)
{
	lua_createtable(L, 0, n + 2);
	if (name != NULL) {
		lua_pushstring(L, name);
		lua_setfield(L, -2, "name");
	}
	push_fields(L, record, fields, n);
}

/* Sets KEY of the table at the top to an array of named records (each item's
 * first member is its `char *name`). */
static void push_named_array(lua_State *L, const char *key, const void *items, size_t item_size,
			     int count, const struct view_field *fields, int n)
{
	lua_createtable(L, count, 0);
	for (int i = 0; i < count; i++) {
		const char *item = (const char *)items + (size_t)i * item_size;
		push_record(L, *(char *const *)(const void *)item, item, fields, n);
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

	push_named_array(L, "categories", s->categories, sizeof *s->categories, s->n_categories,
			 category_fields, N_FIELDS(category_fields));
	view_add_name_map(L, "categories", "category");

	lua_createtable(L, s->n_districts, 0);
	for (int d = 0; d < s->n_districts; d++) {
		push_record(L, s->districts[d].name, &s->districts[d], district_fields,
			    N_FIELDS(district_fields));
		lua_createtable(L, 0, s->n_categories);
		for (int c = 0; c < s->n_categories; c++) {
			push_record(L, NULL, scenario_cell(s, d, c), cell_fields, N_FIELDS(cell_fields));
			lua_setfield(L, -2, s->categories[c].name);
		}
		lua_setfield(L, -2, "categories");
		lua_rawseti(L, -2, d + 1);
	}
	lua_setfield(L, -2, "districts");
	view_add_name_map(L, "districts", "district");

	lua_newtable(L);
	push_fields(L, s, survey_fields, N_FIELDS(survey_fields));
	lua_setfield(L, -2, "survey");
	lua_newtable(L);
	push_fields(L, s, overall_fields, N_FIELDS(overall_fields));
	lua_setfield(L, -2, "overall");
	push_named_array(L, "materials", s->materials, sizeof *s->materials, s->n_materials,
			 material_fields, N_FIELDS(material_fields));
	push_named_array(L, "negative_list", s->negatives, sizeof *s->negatives, s->n_negatives,
			 negative_fields, N_FIELDS(negative_fields));
	lua_newtable(L);
	push_fields(L, s, bonus_fields, N_FIELDS(bonus_fields));
	push_named_array(L, "honors", s->bonus.honors, sizeof *s->bonus.honors, s->bonus.n_honors,
			 honor_fields, N_FIELDS(honor_fields));
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
	/* the fields' rules, looked up once a readback (by the rule name's pointer) */
	int n_rules;
	const char *rule_name[32];
	const struct value_rule *rule[32];
};

/* The rule of field NAME (scenario_field_rule), remembered for the readback. */
static const struct value_rule *rule_for(struct readback *R, const char *name)
{
	for (int i = 0; i < R->n_rules; i++)
		if (R->rule_name[i] == name)
			return R->rule[i];
	const struct value_rule *rule = scenario_field_rule(name);
	if (R->n_rules < 32) {
		R->rule_name[R->n_rules] = name;
		R->rule[R->n_rules++] = rule;
	}
	return rule;
}

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

static int known_key(const char *key, const struct view_field *fields, int n,
		     const char *const *extra, int n_extra)
{
	for (int i = 0; i < n; i++)
		if (strcmp(key, fields[i].key) == 0)
			return 1;
	for (int i = 0; i < n_extra; i++)
		if (strcmp(key, extra[i]) == 0)
			return 1;
	return 0;
}

/*
 * Checks the record table at the top against FIELDS and stores its values in
 * RECORD. Paths in messages are PREFIX.key.SUFFIX (SUFFIX may be "").
 */
static void read_record(struct readback *R, void *record, const char *name,
			const struct view_field *fields, int n, const char *const *extra,
			int n_extra, const char *prefix, const char *suffix)
{
	lua_State *L = R->L;
	char path[512];
	if (!lua_istable(L, -1)) {
		problem(R, _("replaced %s with a %s; change its fields instead"),
			 prefix, luaL_typename(L, -1));
		return;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		if (key == NULL || !known_key(key, fields, n, extra, n_extra))
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
	for (int i = 0; i < n; i++) {
		const struct view_field *f = &fields[i];
		int type = loader_field(L, -1, f->key);
		if (f->kind == FIELD_BOOLEAN) {
			if (type != LUA_TBOOLEAN) {
				(void)snprintf(path, sizeof path, "%s.%s%s", prefix, f->key, suffix);
				problem(R, _("set %s to %s, must be true or false"), path,
					luaL_typename(L, -1));
			} else {
				field_set(record, f, lua_toboolean(L, -1));
			}
			lua_pop(L, 1);
			continue;
		}
		if (type != LUA_TNUMBER) {
			(void)snprintf(path, sizeof path, "%s.%s%s", prefix, f->key, suffix);
			problem(R, _("set %s to %s, must be a number"), path,
				 luaL_typename(L, -1));
			lua_pop(L, 1);
			continue;
		}
		double value = lua_tonumber(L, -1);
		lua_pop(L, 1);
		char why[128], number[32];
		if (!isfinite(value)) {
			(void)snprintf(path, sizeof path, "%s.%s%s", prefix, f->key, suffix);
			problem(R, _("set %s = %s, must be a finite number"), path,
				isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
			continue;
		}
		if (f->kind == FIELD_INTEGER && value != floor(value)) {
			diag_format_number(value, number, sizeof number);
			(void)snprintf(path, sizeof path, "%s.%s%s", prefix, f->key, suffix);
			problem(R, _("set %s = %s, must be a whole number"), path,
				 number);
			continue;
		}
		const struct value_rule *rule = rule_for(R, f->rule);
		if (rule != NULL ? scenario_rule_check(rule, value, why, sizeof why) != 0
				 : scenario_field_check(f->rule, value, why, sizeof why) != 0) {
			diag_format_number(value, number, sizeof number);
			(void)snprintf(path, sizeof path, "%s.%s%s", prefix, f->key, suffix);
			problem(R, _("set %s = %s, %s"), path, number, why);
			continue;
		}
		field_set(record, f, value);
	}
}

/* Reads the array KEY of the table at the top into ITEMS (named records). */
static void read_named_array(struct readback *R, const char *key, void *items, size_t item_size,
			     int count, const struct view_field *fields, int n,
			     const char *const *extra, int n_extra)
{
	lua_State *L = R->L;
	loader_field(L, -1, key);
	if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != count) {
		problem(R, _("must leave %s a list of its %d entries"), key, count);
		lua_pop(L, 1);
		return;
	}
	for (int i = 0; i < count; i++) {
		char *item = (char *)items + (size_t)i * item_size;
		const char *name = *(char **)(void *)item;
		char prefix[256];
		snprintf(prefix, sizeof prefix, "%s.%s", key, name);
		lua_rawgeti(L, -1, i + 1);
		read_record(R, item, name, fields, n, extra, n_extra, prefix, "");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* Reads the group KEY (a record inside struct scenario) of the table at the top. */
static void read_group(struct readback *R, struct scenario *s, const char *key,
		       const struct view_field *fields, int n, const char *const *extra, int n_extra)
{
	loader_field(R->L, -1, key);
	read_record(R, s, NULL, fields, n, extra, n_extra, key, "");
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

/* Reads the whole view (at the top) back into S; problems go to R->d. */
static void read_scenario_view(struct readback *R, struct scenario *s)
{
	static const char *const top[] = {"name", "weeks", "window", "batches", "categories",
					  "category", "districts", "district", "survey", "overall",
					  "materials", "negative_list", "bonus"};
	static const char *const district_extra[] = {"name", "categories"};
	static const char *const named[] = {"name"};
	static const char *const bonus_extra[] = {"honors"};
	lua_State *L = R->L;

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

	read_named_array(R, "categories", s->categories, sizeof *s->categories, s->n_categories,
			 category_fields, N_FIELDS(category_fields), named, 1);
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
			read_record(R, &s->districts[d], s->districts[d].name, district_fields,
				    N_FIELDS(district_fields), district_extra, 2, prefix, "");
			loader_field(L, -1, "categories");
			for (int c = 0; lua_istable(L, -1) && c < s->n_categories; c++) {
				char suffix[160];
				snprintf(suffix, sizeof suffix, ".%s", s->categories[c].name);
				loader_field(L, -1, s->categories[c].name);
				read_record(R, scenario_cell(s, d, c), NULL, cell_fields,
					    N_FIELDS(cell_fields), NULL, 0, prefix, suffix);
				lua_pop(L, 1);
			}
			lua_pop(L, 2);
		}
	}
	lua_pop(L, 1);

	read_group(R, s, "survey", survey_fields, N_FIELDS(survey_fields), NULL, 0);
	lua_pop(L, 1);
	read_group(R, s, "overall", overall_fields, N_FIELDS(overall_fields), NULL, 0);
	lua_pop(L, 1);
	read_named_array(R, "materials", s->materials, sizeof *s->materials, s->n_materials,
			 material_fields, N_FIELDS(material_fields), named, 1);
	read_named_array(R, "negative_list", s->negatives, sizeof *s->negatives, s->n_negatives,
			 negative_fields, N_FIELDS(negative_fields), named, 1);
	read_group(R, s, "bonus", bonus_fields, N_FIELDS(bonus_fields), bonus_extra, 1);
	if (lua_istable(L, -1))
		read_named_array(R, "honors", s->bonus.honors, sizeof *s->bonus.honors,
				 s->bonus.n_honors, honor_fields, N_FIELDS(honor_fields), named, 1);
	lua_pop(L, 1);
}

void view_read(lua_State *L, const char *stem, const char *file, struct scenario *s,
	       struct diag *d)
{
	struct readback R = {L, stem, file, d, 0, {0}, {0}};
	read_scenario_view(&R, s);
}

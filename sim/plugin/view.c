/*
 * view: the mutable view of the scenario that a policy's setup receives
 * (MODEL.md 5), and reading it back: every written value is checked by the
 * rules that check the file, names, weeks and batches are read-only.
 */
#include "plugin_int.h"

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

/* Reading the view back: every problem is an error of plugin STEM's setup. */
struct readback {
	lua_State *L;
	const char *stem;
	const char *file;
	struct diag *d;
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
		problem(R, "replaced %s with a %s; change its fields instead",
			 prefix, luaL_typename(L, -1));
		return;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		if (key == NULL || !known_key(key, fields, n, extra, n_extra))
			problem(R, "wrote %s.%s, which is not a field", prefix,
				 key ? key : "[a non-name key]");
		lua_pop(L, 1);
	}
	if (name != NULL) {
		loader_field(L, -1, "name");
		const char *now = lua_tostring(L, -1);
		if (now == NULL || strcmp(now, name) != 0)
			problem(R, "changed the name of %s; names are read-only",
				 prefix);
		lua_pop(L, 1);
	}
	for (int i = 0; i < n; i++) {
		const struct view_field *f = &fields[i];
		snprintf(path, sizeof path, "%s.%s%s", prefix, f->key, suffix);
		int type = loader_field(L, -1, f->key);
		if (f->kind == FIELD_BOOLEAN) {
			if (type != LUA_TBOOLEAN)
				problem(R, "set %s to %s, must be true or false",
					 path, luaL_typename(L, -1));
			else
				field_set(record, f, lua_toboolean(L, -1));
			lua_pop(L, 1);
			continue;
		}
		if (type != LUA_TNUMBER) {
			problem(R, "set %s to %s, must be a number", path,
				 luaL_typename(L, -1));
			lua_pop(L, 1);
			continue;
		}
		double value = lua_tonumber(L, -1);
		lua_pop(L, 1);
		char why[128], number[32];
		diag_format_number(value, number, sizeof number);
		if (!isfinite(value)) {
			problem(R, "set %s = %s, must be a finite number", path,
				isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
			continue;
		}
		if (f->kind == FIELD_INTEGER && value != floor(value)) {
			problem(R, "set %s = %s, must be a whole number", path,
				 number);
			continue;
		}
		if (scenario_field_check(f->rule, value, why, sizeof why) != 0) {
			problem(R, "set %s = %s, %s", path, number, why);
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
		problem(R, "must leave %s a list of its %d entries", key, count);
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
			problem(R, "replaced an entry of scenario.%s; change the fields "
				 "of the entry instead", map_key);
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
			problem(R, "wrote scenario.%s, which is not part of the scenario",
				 key ? key : "[a non-name key]");
		lua_pop(L, 1);
	}
	static const char *const fixed[] = {"weeks", "batches"};
	const int fixed_value[] = {s->weeks, s->batches};
	for (int i = 0; i < 2; i++) {
		loader_field(L, -1, fixed[i]);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) != fixed_value[i])
			problem(R, "changed scenario.%s, which plugins cannot change",
				 fixed[i]);
		lua_pop(L, 1);
	}

	read_named_array(R, "categories", s->categories, sizeof *s->categories, s->n_categories,
			 category_fields, N_FIELDS(category_fields), named, 1);
	check_name_map(R, "categories", "category");
	check_name_map(R, "districts", "district");

	loader_field(L, -1, "districts");
	if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != s->n_districts) {
		problem(R, "must leave districts a list of its %d entries",
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
	struct readback R = {L, stem, file, d};
	read_scenario_view(&R, s);
}

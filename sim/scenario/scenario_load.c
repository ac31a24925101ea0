/*
 * Reading a scenario file (libconfig syntax) into a resolved struct scenario,
 * reporting every problem at once as FILE:LINE: message (MODEL.md section 2).
 */
#include "scenario.h"
#include "ccsim_limits.h"
#include "text.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define N_ELEMENTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct loader {
	struct diag *d;
	struct scenario *s;
	const char *prefix;  /* the parameter path of the group being read; NULL: none */
	struct parameter_setting *settings;  /* values set by path (--set, variants) */
	int n_settings;
	char **offered;      /* every path that could have been set, for suggestions */
	int n_offered, offered_capacity;
};

/* A number's type and range, and the words that say so. */
struct value_rule {
	const char *key;
	int integer;       /* 1: an integer is required */
	double lo, hi;     /* inclusive bounds, +-INFINITY for none */
	int lo_open;       /* 1: lo itself is excluded */
	int hi_open;
};

#define UNBOUNDED INFINITY

/* ---- small helpers ---------------------------------------------------- */

static void *allocate_zeroed(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size);
	if (p == NULL)
		abort(); /* the sizes come from a file that fitted in memory */
	return p;
}

/* What follows WHERE in a message: ": ", or nothing at the top level (""). */
static const char *sep(const char *where)
{
	return where[0] ? ": " : "";
}

static int line_of(const config_setting_t *setting)
{
	return setting ? (int)setting->line : 0;
}

static const char *type_name(const config_setting_t *setting)
{
	switch (config_setting_type(setting)) {
	case CONFIG_TYPE_GROUP: return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a real number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array [ ... ]";
	case CONFIG_TYPE_LIST: return "a list ( ... )";
	default: return "nothing";
	}
}

static int is_integer_setting(const config_setting_t *setting)
{
	int type = config_setting_type(setting);
	return type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
}

static double number_of(const config_setting_t *setting)
{
	if (is_integer_setting(setting))
		return (double)config_setting_get_int64(setting);
	return config_setting_get_float(setting);
}

/* Levenshtein distance, for "did you mean". */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 128 || lb > 128)
		return 1000;
	int row[129];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diagonal = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int above = row[j];
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int best = diagonal + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[lb];
}

/* The candidate nearest to WORD (the first of equals). */
static const char *nearest(const char *word, const char *const *candidates, int n)
{
	const char *best = NULL;
	int best_distance = 0;
	for (int i = 0; i < n; i++) {
		int distance = edit_distance(word, candidates[i]);
		if (best == NULL || distance < best_distance) {
			best = candidates[i];
			best_distance = distance;
		}
	}
	return best;
}

static void describe_range(const struct value_rule *rule, char *out, size_t size)
{
	const char *kind = rule->integer ? "an integer" : "a number";
	const char *form = rule->integer ? "%.0f" : "%g"; /* integers in full: 1000000, not 1e+06 */
	char lo[24], hi[24];
	snprintf(lo, sizeof lo, form, rule->lo);
	snprintf(hi, sizeof hi, form, rule->hi);
	int has_lo = isfinite(rule->lo), has_hi = isfinite(rule->hi);
	if (has_lo && has_hi)
		snprintf(out, size, "%s within %s%s, %s%s", kind, rule->lo_open ? "(" : "[", lo, hi,
			 rule->hi_open ? ")" : "]");
	else if (has_lo)
		snprintf(out, size, "%s %s %s", kind, rule->lo_open ? "greater than" : "at least", lo);
	else if (has_hi)
		snprintf(out, size, "%s %s %s", kind, rule->hi_open ? "less than" : "at most", hi);
	else
		snprintf(out, size, "%s", kind);
}

/* Returns 1 when VALUE breaks RULE (NaN always does), else 0. */
static int breaks_rule(const struct value_rule *rule, double value)
{
	if (isnan(value))
		return 1;
	if (rule->integer && value != floor(value))
		return 1;
	if (value < rule->lo || (rule->lo_open && value == rule->lo))
		return 1;
	if (value > rule->hi || (rule->hi_open && value == rule->hi))
		return 1;
	return 0;
}

/*
 * Checks that SETTING (named KEY, in WHERE) is a number that keeps RULE and
 * stores it in OUT. Reports and returns 0 otherwise.
 */
static int take_number(struct loader *L, const config_setting_t *setting, const char *where,
		       const char *key, const struct value_rule *rule, double *out)
{
	char range[128];
	describe_range(rule, range, sizeof range);
	if (!config_setting_is_number(setting)) {
		diag_add(L->d, line_of(setting), "%s%s'%s' must be %s, not %s", where, sep(where), key, range,
			 type_name(setting));
		return 0;
	}
	if (rule->integer && !is_integer_setting(setting)) {
		diag_add(L->d, line_of(setting), "%s%s'%s' must be %s, not a real number (write %s = %.0f;)", where, sep(where), key, range, key, floor(number_of(setting)));
		return 0;
	}
	double value = number_of(setting);
	if (breaks_rule(rule, value)) {
		char number[32];
		if (is_integer_setting(setting))
			snprintf(number, sizeof number, "%lld", config_setting_get_int64(setting));
		else
			diag_format_number(value, number, sizeof number);
		diag_add(L->d, line_of(setting), "%s%s'%s' is %s, must be %s", where, sep(where), key,
			 number, range);
		return 0;
	}
	*out = value;
	return 1;
}

/* Records PATH as settable; returns the setting that sets it, if any (marked used). */
static struct parameter_setting *setting_for(struct loader *L, const char *path)
{
	if (L->n_offered == L->offered_capacity) {
		int capacity = L->offered_capacity ? 2 * L->offered_capacity : 64;
		char **grown = realloc(L->offered, (size_t)capacity * sizeof *grown);
		if (grown == NULL)
			abort();
		L->offered = grown;
		L->offered_capacity = capacity;
	}
	L->offered[L->n_offered++] = text_copy(path);
	struct parameter_setting *found = NULL;
	for (int i = 0; i < L->n_settings; i++)
		if (strcmp(L->settings[i].path, path) == 0) {
			L->settings[i].used = 1;
			found = &L->settings[i]; /* the last of several wins */
		}
	return found;
}

/* Checks a value set by path against RULE; reported at line 0 as "--set PATH=VALUE". */
static int take_setting(struct loader *L, const struct parameter_setting *set,
			const struct value_rule *rule, double *out)
{
	char range[128], number[32];
	describe_range(rule, range, sizeof range);
	diag_format_number(set->value, number, sizeof number);
	((struct parameter_setting *)set)->integer = rule->integer;
	if (breaks_rule(rule, set->value)) {
		diag_add(L->d, 0, "%s=%s: '%s' must be %s", set->path, number, rule->key, range);
		return 0;
	}
	*out = set->value;
	return 1;
}

/*
 * Reads GROUP's member RULE->key. Absent: FALLBACK when the key is optional
 * (REQUIRED 0), else a report naming what to add. Returns 1 when OUT holds a
 * valid value.
 */
static int get_number(struct loader *L, const config_setting_t *group, const char *where,
		      const struct value_rule *rule, int required, double fallback, double *out)
{
	if (L->prefix != NULL) {
		char path[512];
		snprintf(path, sizeof path, "%s.%s", L->prefix, rule->key);
		const struct parameter_setting *set = setting_for(L, path);
		if (set != NULL)
			return take_setting(L, set, rule, out);
	}
	const config_setting_t *member = config_setting_get_member(group, rule->key);
	if (member == NULL) {
		if (required) {
			char range[128];
			describe_range(rule, range, sizeof range);
			diag_add(L->d, line_of(group), "%s%smissing '%s': add %s = <%s>;", where, sep(where),
				 rule->key, rule->key, range);
			return 0;
		}
		*out = fallback;
		return 1;
	}
	return take_number(L, member, where, rule->key, rule, out);
}

static int64_t get_integer(struct loader *L, const config_setting_t *group, const char *where,
			   const struct value_rule *rule, int required, int64_t fallback)
{
	double value = (double)fallback;
	get_number(L, group, where, rule, required, (double)fallback, &value);
	return (int64_t)value;
}

static double get_real(struct loader *L, const config_setting_t *group, const char *where,
		       const struct value_rule *rule, int required, double fallback)
{
	double value = fallback;
	get_number(L, group, where, rule, required, fallback, &value);
	return value;
}

static int get_bool(struct loader *L, const config_setting_t *group, const char *where,
		    const char *key, int fallback)
{
	const config_setting_t *member = config_setting_get_member(group, key);
	if (member == NULL)
		return fallback;
	if (config_setting_type(member) != CONFIG_TYPE_BOOL) {
		diag_add(L->d, line_of(member), "%s%s'%s' must be true or false, not %s", where, sep(where), key,
			 type_name(member));
		return fallback;
	}
	return config_setting_get_bool(member);
}

/* A string member; NULL (reported when REQUIRED) when absent or not a string. */
static const char *get_string(struct loader *L, const config_setting_t *group, const char *where,
			      const char *key, int required)
{
	const config_setting_t *member = config_setting_get_member(group, key);
	if (member == NULL) {
		if (required)
			diag_add(L->d, line_of(group), "%s%smissing '%s': add %s = \"...\";", where, sep(where), key,
				 key);
		return NULL;
	}
	if (config_setting_type(member) != CONFIG_TYPE_STRING) {
		diag_add(L->d, line_of(member), "%s%s'%s' must be a string in double quotes, not %s", where, sep(where), key, type_name(member));
		return NULL;
	}
	return config_setting_get_string(member);
}

/* Reports every member of GROUP whose name is not among KNOWN. */
static void check_keys(struct loader *L, const config_setting_t *group, const char *where,
		       const char *const *known, int n_known)
{
	int n = config_setting_length(group);
	for (int i = 0; i < n; i++) {
		const config_setting_t *member = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(member);
		if (name == NULL)
			continue;
		int found = 0;
		for (int k = 0; k < n_known && !found; k++)
			found = strcmp(name, known[k]) == 0;
		if (!found)
			diag_add(L->d, line_of(member), "%s%sunknown key '%s'; did you mean '%s'?", where, sep(where),
				 name, nearest(name, known, n_known));
	}
}

/* A member that must be a group; NULL (reported when REQUIRED) otherwise. */
static const config_setting_t *get_group(struct loader *L, const config_setting_t *parent,
					 const char *where, const char *key, int required)
{
	const config_setting_t *member = config_setting_get_member(parent, key);
	if (member == NULL) {
		if (required)
			diag_add(L->d, line_of(parent), "%s%smissing section '%s': add %s: { ... };", where, sep(where), key, key);
		return NULL;
	}
	if (!config_setting_is_group(member)) {
		diag_add(L->d, line_of(member), "%s%s'%s' must be a group { ... }, not %s", where, sep(where), key,
			 type_name(member));
		return NULL;
	}
	return member;
}

/*
 * Reads a member that is an array or list of numbers keeping RULE into a
 * fresh array. Returns the count, or -1 (reported) when it is not one.
 */
static int get_numbers(struct loader *L, const config_setting_t *group, const char *where,
		       const char *key, const struct value_rule *rule, double **out)
{
	*out = NULL;
	const config_setting_t *member = config_setting_get_member(group, key);
	if (member == NULL)
		return -1;
	int type = config_setting_type(member);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		diag_add(L->d, line_of(member), "%s%s'%s' must be an array of numbers [a, b, ...], not %s", where, sep(where), key, type_name(member));
		return -1;
	}
	int n = config_setting_length(member);
	double *values = allocate_zeroed((size_t)n, sizeof *values);
	int ok = 1;
	for (int i = 0; i < n; i++) {
		char element[160];
		snprintf(element, sizeof element, "%s[%d]", key, i + 1);
		ok &= take_number(L, config_setting_get_elem(member, (unsigned)i), where, element, rule,
				  &values[i]);
	}
	if (!ok) {
		free(values);
		return -1;
	}
	*out = values;
	return n;
}

/* ---- lists of named groups --------------------------------------------- */

/* Reads one element of a list into ITEM (whose first member is its name). */
typedef void (*element_reader)(struct loader *L, const config_setting_t *element,
			       const char *where, void *item);

/*
 * Reads the list KEY of ROOT, each element a group with a unique 'name',
 * into a fresh array of items of SIZE bytes whose first member is
 * `char *name`. Returns the count (0 when absent and optional).
 */
static int read_named_list(struct loader *L, const config_setting_t *root, const char *key,
			   const char *path, const char *singular, int required, size_t size,
			   void **items, element_reader read)
{
	*items = NULL;
	const config_setting_t *list = config_setting_get_member(root, key);
	if (list == NULL) {
		if (required)
			diag_add(L->d, line_of(root), "missing list '%s': add %s = ( { name = \"...\"; ... } );",
				 key, key);
		return 0;
	}
	if (!config_setting_is_list(list)) {
		diag_add(L->d, line_of(list), "'%s' must be a list ( { ... }, { ... } ), not %s", key,
			 type_name(list));
		return 0;
	}
	int n = config_setting_length(list);
	if (n == 0 && required) {
		diag_add(L->d, line_of(list), "'%s' is empty: give at least one %s", key, singular);
		return 0;
	}
	char *array = allocate_zeroed((size_t)n, size);
	for (int i = 0; i < n; i++) {
		const config_setting_t *element = config_setting_get_elem(list, (unsigned)i);
		char **name = (char **)(void *)(array + (size_t)i * size);
		char where[192];
		if (!config_setting_is_group(element)) {
			diag_add(L->d, line_of(element), "%s entry %d must be a group { name = \"...\"; ... }, not %s",
				 key, i + 1, type_name(element));
			*name = text_copy("?");
			continue;
		}
		snprintf(where, sizeof where, "%s entry %d", key, i + 1);
		const char *text = get_string(L, element, where, "name", 1);
		if (text != NULL && text[0] == '\0') {
			diag_add(L->d, line_of(element), "%s: 'name' must not be empty", where);
			text = NULL;
		}
		*name = text_copy(text ? text : "?");
		if (text != NULL) {
			for (int j = 0; j < i; j++) {
				char *other = *(char **)(void *)(array + (size_t)j * size);
				if (strcmp(other, text) == 0) {
					diag_add(L->d, line_of(element),
						 "%s: the name '%s' is used twice in '%s' (names must be unique)",
						 where, text, key);
					break;
				}
			}
			snprintf(where, sizeof where, "%s '%s'", singular, text);
		}
		char prefix[256];
		snprintf(prefix, sizeof prefix, "%s.%s", path, text ? text : "?");
		const char *outer = L->prefix;
		L->prefix = text ? prefix : NULL;
		read(L, element, where, array + (size_t)i * size);
		L->prefix = outer;
	}
	*items = array;
	return n;
}

/* ---- sections ---------------------------------------------------------- */

static const struct value_rule rule_weight = {"weight", 0, 0.0, UNBOUNDED, 0, 0};
static const struct value_rule rule_deduction = {"deduction", 0, 0.0, 1.0, 0, 0};
static const struct value_rule rule_lottery = {"lottery", 1, 0.0, LIMIT_DRAW, 0, 0};
static const struct value_rule rule_random_view = {"random_view", 1, 0.0, LIMIT_DRAW, 0, 0};
static const struct value_rule rule_prepared = {"prepared", 0, 0.0, 1.0, 0, 0};
static const struct value_rule rule_population = {"population", 0, 0.0, LIMIT_COUNT, 1, 0};
static const struct value_rule rule_satisfaction = {"satisfaction", 0, 0.0, 1.0, 0, 0};
static const struct value_rule rule_concentration = {"satisfaction_concentration", 0, 0.0, UNBOUNDED, 0, 0};
static const struct value_rule rule_items = {"items", 1, 0.0, LIMIT_COUNT, 0, 0};
static const struct value_rule rule_points = {"points", 0, 0.0, UNBOUNDED, 0, 0};
static const struct value_rule rule_probability = {"probability", 0, 0.0, 1.0, 0, 0};
static const struct value_rule rule_loss = {"loss_probability", 0, 0.0, 1.0, 0, 0};
static const struct value_rule rule_deduct = {"deduct", 0, 0.0, UNBOUNDED, 0, 0};
static const struct value_rule rule_mean = {"mean", 0, -UNBOUNDED, UNBOUNDED, 0, 0};
static const struct value_rule rule_sd = {"sd", 0, 0.0, UNBOUNDED, 0, 0};
static const struct value_rule rule_respondents = {"respondents", 1, 1.0, LIMIT_COUNT, 0, 0};
static const struct value_rule rule_veto_below = {"veto_below", 0, 0.0, 100.0, 0, 0};
static const struct value_rule rule_any = {"", 0, -UNBOUNDED, UNBOUNDED, 0, 0};

/* The six per-district-and-category parameters, in struct cell order. */
enum { CELL_SITES, CELL_DECLARED, CELL_PROBLEMS, CELL_NEW, CELL_RECTIFY, CELL_REBOUND, CELL_KEYS };
static const struct value_rule cell_rules[CELL_KEYS] = {
	{"sites", 1, 1.0, LIMIT_COUNT, 0, 0},
	{"declared", 1, 0.0, LIMIT_COUNT, 0, 0},
	{"problems", 1, 0.0, LIMIT_COUNT, 0, 0},
	{"new_per_week", 0, 0.0, LIMIT_COUNT, 0, 0},
	{"rectify_rate", 0, 0.0, 1.0, 0, 0},
	{"rebound", 0, 0.0, 1.0, 0, 0},
};

/* The rules by field name, for checking what a plugin writes (scenario.h). */
static const struct {
	const char *field;
	const struct value_rule *rule;
} field_rules[] = {
	{"category.weight", &rule_weight},
	{"category.deduction", &rule_deduction},
	{"category.lottery", &rule_lottery},
	{"category.random_view", &rule_random_view},
	{"category.prepared", &rule_prepared},
	{"district.population", &rule_population},
	{"district.satisfaction", &rule_satisfaction},
	{"district.satisfaction_concentration", &rule_concentration},
	{"cell.sites", &cell_rules[CELL_SITES]},
	{"cell.declared", &cell_rules[CELL_DECLARED]},
	{"cell.problems", &cell_rules[CELL_PROBLEMS]},
	{"cell.new_per_week", &cell_rules[CELL_NEW]},
	{"cell.rectify_rate", &cell_rules[CELL_RECTIFY]},
	{"cell.rebound", &cell_rules[CELL_REBOUND]},
	{"material.items", &rule_items},
	{"material.points", &rule_points},
	{"material.loss_probability", &rule_loss},
	{"survey.respondents", &rule_respondents},
	{"survey.weight", &rule_weight},
	{"survey.veto_below", &rule_veto_below},
	{"overall.weight", &rule_weight},
	{"overall.noise_sd", &rule_sd},
	{"negative.probability", &rule_probability},
	{"negative.deduct", &rule_deduct},
	{"bonus.cap", &rule_points},
	{"honor.probability", &rule_probability},
	{"honor.points", &rule_points},
};

const struct value_rule *scenario_field_rule(const char *field)
{
	for (size_t i = 0; i < sizeof field_rules / sizeof field_rules[0]; i++)
		if (strcmp(field_rules[i].field, field) == 0)
			return field_rules[i].rule;
	return NULL;
}

int scenario_rule_check(const struct value_rule *rule, double value, char *why, size_t size)
{
	if (!breaks_rule(rule, value))
		return 0;
	char range[128];
	describe_range(rule, range, sizeof range);
	snprintf(why, size, "must be %s", range);
	return 1;
}

int scenario_field_check(const char *field, double value, char *why, size_t size)
{
	const struct value_rule *rule = scenario_field_rule(field);
	return rule ? scenario_rule_check(rule, value, why, size) : -1;
}

static void read_category(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	static const char *const keys[] = {"name", "weight", "deduction", "lottery", "random_view",
					   "prepared"};
	struct category *c = item;
	check_keys(L, g, where, keys, N_ELEMENTS(keys));
	c->weight = get_real(L, g, where, &rule_weight, 1, 0.0);
	c->deduction = get_real(L, g, where, &rule_deduction, 1, 0.0);
	c->lottery = get_integer(L, g, where, &rule_lottery, 0, 0);
	c->random_view = get_integer(L, g, where, &rule_random_view, 0, 0);
	c->prepared = get_real(L, g, where, &rule_prepared, 0, 1.0);
}

static void read_material(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	static const char *const keys[] = {"name", "items", "points", "loss_probability"};
	struct material *m = item;
	check_keys(L, g, where, keys, N_ELEMENTS(keys));
	m->items = get_integer(L, g, where, &rule_items, 1, 0);
	m->points = get_real(L, g, where, &rule_points, 1, 0.0);
	m->loss_probability = get_real(L, g, where, &rule_loss, 1, 0.0);
}

static void read_negative(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	static const char *const keys[] = {"name", "probability", "deduct", "veto"};
	struct negative_event *e = item;
	check_keys(L, g, where, keys, N_ELEMENTS(keys));
	e->probability = get_real(L, g, where, &rule_probability, 1, 0.0);
	e->deduct = get_real(L, g, where, &rule_deduct, 0, 0.0);
	e->veto = get_bool(L, g, where, "veto", 0);
}

static void read_honor(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	static const char *const keys[] = {"name", "probability", "points"};
	struct honor *h = item;
	check_keys(L, g, where, keys, N_ELEMENTS(keys));
	h->probability = get_real(L, g, where, &rule_probability, 1, 0.0);
	h->points = get_real(L, g, where, &rule_points, 1, 0.0);
}

static void read_competitor(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	static const char *const keys[] = {"name", "mean", "sd"};
	struct competitor *c = item;
	check_keys(L, g, where, keys, N_ELEMENTS(keys));
	c->mean = get_real(L, g, where, &rule_mean, 1, 0.0);
	c->sd = get_real(L, g, where, &rule_sd, 1, 0.0);
}

static void read_district(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	static const char *const keys[] = {"name", "population", "satisfaction",
					   "satisfaction_concentration", "sites", "declared",
					   "problems", "new_per_week", "rectify_rate", "rebound"};
	struct district *d = item;
	check_keys(L, g, where, keys, N_ELEMENTS(keys));
	d->population = get_real(L, g, where, &rule_population, 1, 1.0);
	d->satisfaction = get_real(L, g, where, &rule_satisfaction, 1, 0.5);
	d->satisfaction_concentration = get_real(L, g, where, &rule_concentration, 0, 0.0);
}

/* ---- per-district-and-category parameters ------------------------------ */

/* One level's value of one cell key for one category (or for all). */
struct level_value {
	int present;
	int valid;
	double value;
	int line;
};

/*
 * Reads key RULE at one level (the defaults or a district) into SCALAR and
 * PER_CATEGORY[C]: a scalar applies to every category, a group's entries to
 * the categories they name.
 */
static void read_cell_level(struct loader *L, const config_setting_t *level, const char *where,
			    const struct value_rule *rule, struct level_value *scalar,
			    struct level_value *per_category)
{
	const struct scenario *s = L->s;
	memset(scalar, 0, sizeof *scalar);
	memset(per_category, 0, (size_t)s->n_categories * sizeof *per_category);
	const config_setting_t *member = level ? config_setting_get_member(level, rule->key) : NULL;
	char path[512];
	snprintf(path, sizeof path, "%s.%s", L->prefix, rule->key);
	const struct parameter_setting *set = setting_for(L, path);
	for (int c = 0; c < s->n_categories; c++) {
		snprintf(path, sizeof path, "%s.%s.%s", L->prefix, rule->key, s->categories[c].name);
		const struct parameter_setting *entry = setting_for(L, path);
		if (entry != NULL) {
			per_category[c].present = 1;
			per_category[c].valid = take_setting(L, entry, rule, &per_category[c].value);
		}
	}
	if (set != NULL) {
		scalar->present = 1;
		scalar->valid = take_setting(L, set, rule, &scalar->value);
	}
	if (member == NULL)
		return;
	if (!config_setting_is_group(member)) {
		if (set == NULL) {
			scalar->present = 1;
			scalar->line = line_of(member);
			scalar->valid = take_number(L, member, where, rule->key, rule, &scalar->value);
		}
		return;
	}
	const char **names = allocate_zeroed((size_t)s->n_categories, sizeof *names);
	for (int c = 0; c < s->n_categories; c++)
		names[c] = s->categories[c].name;
	int n = config_setting_length(member);
	for (int i = 0; i < n; i++) {
		const config_setting_t *entry = config_setting_get_elem(member, (unsigned)i);
		const char *category = config_setting_name(entry);
		int c = 0;
		while (c < s->n_categories && strcmp(names[c], category) != 0)
			c++;
		if (c == s->n_categories) {
			diag_add(L->d, line_of(entry), "%s%s'%s' names no category; did you mean '%s'?", where, sep(where), category, nearest(category, names, s->n_categories));
			continue;
		}
		char key[160];
		snprintf(key, sizeof key, "%s.%s", rule->key, category);
		if (per_category[c].present)
			continue; /* set by path */
		per_category[c].present = 1;
		per_category[c].line = line_of(entry);
		per_category[c].valid = take_number(L, entry, where, key, rule, &per_category[c].value);
	}
	free(names);
}

/* The value that applies: district entry, district scalar, defaults entry, defaults scalar. */
static const struct level_value *winning_level(const struct level_value *levels[4])
{
	for (int i = 0; i < 4; i++)
		if (levels[i]->present)
			return levels[i];
	return NULL;
}

static void set_cell_value(struct cell *cell, int key, double value)
{
	switch (key) {
	case CELL_SITES: cell->sites = (int64_t)value; break;
	case CELL_DECLARED: cell->declared = (int64_t)value; break;
	case CELL_PROBLEMS: cell->problems = (int64_t)value; break;
	case CELL_NEW: cell->new_per_week = value; break;
	case CELL_RECTIFY: cell->rectify_rate = value; break;
	default: cell->rebound = value; break;
	}
}

static void resolve_cells(struct loader *L, const config_setting_t *defaults,
			  const config_setting_t *districts, int *declared_line,
			  unsigned char *cell_valid)
{
	struct scenario *s = L->s;
	int C = s->n_categories;
	struct level_value default_scalar[CELL_KEYS], district_scalar;
	struct level_value *default_entries = allocate_zeroed((size_t)CELL_KEYS * (size_t)C,
							      sizeof *default_entries);
	struct level_value *district_entries = allocate_zeroed((size_t)C, sizeof *district_entries);
	unsigned *valid = allocate_zeroed((size_t)C, sizeof *valid); /* bit k: key k resolved validly */
	char *missing = allocate_zeroed((size_t)C, 256);

	L->prefix = "defaults";
	for (int k = 0; k < CELL_KEYS; k++)
		read_cell_level(L, defaults, "defaults", &cell_rules[k], &default_scalar[k],
				&default_entries[(size_t)k * (size_t)C]);

	for (int d = 0; d < s->n_districts; d++) {
		const config_setting_t *group = config_setting_get_elem(districts, (unsigned)d);
		char where[192];
		snprintf(where, sizeof where, "district '%s'", s->districts[d].name);
		char prefix[256];
		snprintf(prefix, sizeof prefix, "districts.%s", s->districts[d].name);
		L->prefix = prefix;
		memset(valid, 0, (size_t)C * sizeof *valid);
		for (int k = 0; k < CELL_KEYS; k++) {
			read_cell_level(L, group, where, &cell_rules[k], &district_scalar, district_entries);
			size_t used = 0;
			missing[0] = '\0';
			for (int c = 0; c < C; c++) {
				const struct level_value *levels[4] = {
					&district_entries[c], &district_scalar,
					&default_entries[(size_t)k * (size_t)C + (size_t)c], &default_scalar[k]};
				const struct level_value *v = winning_level(levels);
				if (v == NULL) {
					if (used + strlen(s->categories[c].name) + 8 < 256 * (size_t)C)
						used += (size_t)sprintf(missing + used, "%s%s", used ? ", " : "",
									s->categories[c].name);
					continue;
				}
				if (v->valid) {
					set_cell_value(scenario_cell(s, d, c), k, v->value);
					valid[c] |= 1u << k;
				}
				if (k == CELL_DECLARED)
					declared_line[(size_t)d * (size_t)C + (size_t)c] = v->line;
			}
			if (used > 0)
				diag_add(L->d, line_of(group),
					 "%s: no '%s' for %s: give %s = <value>; (every category) or "
					 "%s = { %s = <value>; } in the district, or in defaults",
					 where, cell_rules[k].key, missing, cell_rules[k].key,
					 cell_rules[k].key, s->categories[0].name);
		}
		unsigned both = (1u << CELL_SITES) | (1u << CELL_DECLARED);
		for (int c = 0; c < C; c++)
			cell_valid[(size_t)d * (size_t)C + (size_t)c] = (valid[c] & both) == both;
	}
	L->prefix = NULL;
	free(default_entries);
	free(district_entries);
	free(valid);
	free(missing);
}

/* ---- the remaining sections -------------------------------------------- */

static void read_run(struct loader *L, const config_setting_t *root)
{
	static const char *const keys[] = {"replications", "seed"};
	static const struct value_rule replications = {"replications", 1, 1.0, 9007199254740992.0, 0, 0};
	static const struct value_rule seed = {"seed", 1, 0.0, 9223372036854775807.0, 0, 0};
	struct scenario *s = L->s;
	const config_setting_t *run = get_group(L, root, "", "run", 0);
	if (run == NULL)
		return;
	check_keys(L, run, "run", keys, N_ELEMENTS(keys));
	if (config_setting_get_member(run, "replications")) {
		s->has_replications = 1;
		s->replications = get_integer(L, run, "run", &replications, 1, 1);
	}
	if (config_setting_get_member(run, "seed")) {
		const config_setting_t *member = config_setting_get_member(run, "seed");
		double value = 0.0;
		if (take_number(L, member, "run", "seed", &seed, &value)) {
			s->has_seed = 1;
			s->seed = (uint64_t)config_setting_get_int64(member);
		}
	}
}

static void read_campaign_and_inspection(struct loader *L, const config_setting_t *root)
{
	static const char *const campaign_keys[] = {"weeks"};
	static const char *const inspection_keys[] = {"window", "batches"};
	static const struct value_rule weeks = {"weeks", 1, 1.0, LIMIT_WEEKS, 0, 0};
	static const struct value_rule batches = {"batches", 1, 1.0, LIMIT_BATCHES, 0, 0};
	static const struct value_rule week = {"window", 1, -UNBOUNDED, UNBOUNDED, 0, 0};
	struct scenario *s = L->s;

	const config_setting_t *campaign = get_group(L, root, "", "campaign", 1);
	if (campaign != NULL) {
		check_keys(L, campaign, "campaign", campaign_keys, N_ELEMENTS(campaign_keys));
		L->prefix = "campaign";
		s->weeks = (int)get_integer(L, campaign, "campaign", &weeks, 1, 0);
		L->prefix = NULL;
	}
	const config_setting_t *inspection = get_group(L, root, "", "inspection", 1);
	if (inspection == NULL)
		return;
	check_keys(L, inspection, "inspection", inspection_keys, N_ELEMENTS(inspection_keys));
	L->prefix = "inspection";
	s->batches = (int)get_integer(L, inspection, "inspection", &batches, 1, 0);
	L->prefix = NULL;
	double *window = NULL;
	const config_setting_t *member = config_setting_get_member(inspection, "window");
	if (member == NULL) {
		diag_add(L->d, line_of(inspection), "inspection: missing 'window': add window = [first_week, last_week];");
		return;
	}
	int n = get_numbers(L, inspection, "inspection", "window", &week, &window);
	if (n < 0)
		return;
	if (n != 2) {
		diag_add(L->d, line_of(member), "inspection: 'window' has %d values, must have 2: [first_week, last_week]", n);
	} else {
		s->window_first = (int)fmax(fmin(window[0], 1e9), -1e9);
		s->window_last = (int)fmax(fmin(window[1], 1e9), -1e9);
		if (window[0] < 1 || window[0] > window[1] || (s->weeks >= 1 && window[1] > s->weeks))
			diag_add(L->d, line_of(member),
				 "inspection: 'window' is [%g, %g], must satisfy 1 <= first <= last <= "
				 "weeks (%d): the inspection falls within the campaign",
				 window[0], window[1], s->weeks);
	}
	free(window);
}

static void read_survey_overall(struct loader *L, const config_setting_t *root)
{
	static const char *const survey_keys[] = {"respondents", "weight", "veto_below"};
	static const char *const overall_keys[] = {"weight", "noise_sd"};
	static const struct value_rule noise_sd = {"noise_sd", 0, 0.0, UNBOUNDED, 0, 0};
	struct scenario *s = L->s;

	const config_setting_t *survey = get_group(L, root, "", "survey", 1);
	if (survey != NULL) {
		check_keys(L, survey, "survey", survey_keys, N_ELEMENTS(survey_keys));
		L->prefix = "survey";
		s->survey.respondents = get_integer(L, survey, "survey", &rule_respondents, 1, 1);
		s->survey.weight = get_real(L, survey, "survey", &rule_weight, 1, 0.0);
		s->survey.veto_below = get_real(L, survey, "survey", &rule_veto_below, 0, 0.0);
		L->prefix = NULL;
	}
	const config_setting_t *overall = get_group(L, root, "", "overall", 0);
	if (overall != NULL) {
		check_keys(L, overall, "overall", overall_keys, N_ELEMENTS(overall_keys));
		L->prefix = "overall";
		s->overall.weight = get_real(L, overall, "overall", &rule_weight, 1, 0.0);
		s->overall.noise_sd = get_real(L, overall, "overall", &noise_sd, 1, 0.0);
		L->prefix = NULL;
	}
}

static void read_bonus_minors_history(struct loader *L, const config_setting_t *root)
{
	static const char *const bonus_keys[] = {"cap", "honors"};
	static const char *const minors_keys[] = {"mean", "sd", "weight", "minimum"};
	static const char *const history_keys[] = {"scores", "weights", "current_weight"};
	static const struct value_rule cap = {"cap", 0, 0.0, UNBOUNDED, 0, 0};
	static const struct value_rule score_0_100 = {"mean", 0, 0.0, 100.0, 0, 0};
	static const struct value_rule minimum = {"minimum", 0, 0.0, 100.0, 0, 0};
	static const struct value_rule share = {"weight", 0, 0.0, 1.0, 0, 0};
	static const struct value_rule history_weight = {"weights", 0, 0.0, UNBOUNDED, 0, 0};
	static const struct value_rule current_weight = {"current_weight", 0, 0.0, UNBOUNDED, 0, 0};
	struct scenario *s = L->s;

	const config_setting_t *bonus = get_group(L, root, "", "bonus", 0);
	if (bonus != NULL) {
		check_keys(L, bonus, "bonus", bonus_keys, N_ELEMENTS(bonus_keys));
		L->prefix = "bonus";
		s->bonus.cap = get_real(L, bonus, "bonus", &cap, 1, 0.0);
		L->prefix = NULL;
		void *items;
		s->bonus.n_honors = read_named_list(L, bonus, "honors", "bonus.honors", "honour", 0,
						    sizeof(struct honor), &items, read_honor);
		s->bonus.honors = items;
	}

	const config_setting_t *minors = get_group(L, root, "", "minors", 0);
	if (minors != NULL) {
		check_keys(L, minors, "minors", minors_keys, N_ELEMENTS(minors_keys));
		s->minors.present = 1;
		L->prefix = "minors";
		s->minors.mean = get_real(L, minors, "minors", &score_0_100, 1, 0.0);
		s->minors.sd = get_real(L, minors, "minors", &rule_sd, 1, 0.0);
		s->minors.weight = get_real(L, minors, "minors", &share, 1, 0.0);
		s->minors.minimum = get_real(L, minors, "minors", &minimum, 1, 0.0);
		L->prefix = NULL;
	}

	const config_setting_t *history = get_group(L, root, "", "history", 0);
	if (history == NULL)
		return;
	check_keys(L, history, "history", history_keys, N_ELEMENTS(history_keys));
	s->history.present = 1;
	int n_scores = get_numbers(L, history, "history", "scores", &rule_any, &s->history.scores);
	int n_weights = get_numbers(L, history, "history", "weights", &history_weight, &s->history.weights);
	L->prefix = "history";
	double current = get_real(L, history, "history", &current_weight, 1, 1.0);
	L->prefix = NULL;
	s->history.current_weight = current;
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "weights" : "scores";
		if (config_setting_get_member(history, key) == NULL)
			diag_add(L->d, line_of(history), "history: missing '%s': add %s = [ ... ];", key, key);
	}
	if (n_scores < 0 || n_weights < 0)
		return;
	if (n_scores != n_weights) {
		diag_add(L->d, line_of(config_setting_get_member(history, "weights")),
			 "history: %d weights for %d scores: give one weight per past score",
			 n_weights, n_scores);
		return;
	}
	s->history.n = n_scores;
	double sum = current;
	for (int i = 0; i < n_weights; i++)
		sum += s->history.weights[i];
	if (fabs(sum - 1.0) > 1e-9)
		diag_add(L->d, line_of(config_setting_get_member(history, "current_weight")),
			 "history: weights plus current_weight sum to %.10g, must sum to 1 "
			 "(e.g. weights = [0.15, 0.25]; current_weight = 0.6;)", sum);
}

static void read_pass(struct loader *L, const config_setting_t *root)
{
	static const char *const keys[] = {"rule", "threshold", "bands", "slots", "competitors"};
	static const char *const rules[] = {"threshold", "competition"};
	static const struct value_rule slots = {"slots", 1, 1.0, LIMIT_COUNT, 0, 0};
	struct scenario *s = L->s;

	const config_setting_t *pass = get_group(L, root, "", "pass", 1);
	if (pass == NULL)
		return;
	check_keys(L, pass, "pass", keys, N_ELEMENTS(keys));
	if (config_setting_get_member(pass, "bands") != NULL) {
		int n = get_numbers(L, pass, "pass", "bands", &rule_any, &s->pass.bands);
		s->pass.n_bands = n > 0 ? n : 0;
	}
	const char *rule = get_string(L, pass, "pass", "rule", 1);
	if (rule == NULL)
		return;
	const config_setting_t *rule_setting = config_setting_get_member(pass, "rule");
	if (strcmp(rule, "threshold") == 0) {
		s->pass.rule = PASS_THRESHOLD;
		L->prefix = "pass";
		s->pass.threshold = get_real(L, pass, "pass", &(struct value_rule){"threshold", 0, -UNBOUNDED,
										UNBOUNDED, 0, 0}, 1, 0.0);
		L->prefix = NULL;
		for (int i = 3; i < 5; i++)
			if (config_setting_get_member(pass, keys[i]) != NULL)
				diag_add(L->d, line_of(config_setting_get_member(pass, keys[i])),
					 "pass: '%s' belongs to rule = \"competition\"; remove it or change the rule",
					 keys[i]);
	} else if (strcmp(rule, "competition") == 0) {
		s->pass.rule = PASS_COMPETITION;
		L->prefix = "pass";
		s->pass.slots = get_integer(L, pass, "pass", &slots, 1, 1);
		L->prefix = NULL;
		if (config_setting_get_member(pass, "threshold") != NULL)
			diag_add(L->d, line_of(config_setting_get_member(pass, "threshold")),
				 "pass: 'threshold' belongs to rule = \"threshold\"; remove it or change the rule");
		void *items;
		s->pass.n_competitors = read_named_list(L, pass, "competitors", "pass.competitors", "competitor", 1,
							sizeof(struct competitor), &items, read_competitor);
		s->pass.competitors = items;
	} else {
		diag_add(L->d, line_of(rule_setting),
			 "pass: 'rule' is \"%s\", must be \"threshold\" or \"competition\" (did you mean \"%s\"?)",
			 rule, nearest(rule, rules, 2));
	}
}

static void read_policy_param(struct loader *L, const config_setting_t *entry, const char *where,
			      struct policy_param *p)
{
	p->key = text_copy(config_setting_name(entry));
	p->line = line_of(entry);
	int type = config_setting_type(entry);
	if (config_setting_is_number(entry)) {
		p->type = POLICY_VALUE_NUMBER;
		p->number = number_of(entry);
	} else if (type == CONFIG_TYPE_BOOL) {
		p->type = POLICY_VALUE_BOOLEAN;
		p->number = config_setting_get_bool(entry);
	} else if (type == CONFIG_TYPE_STRING) {
		p->type = POLICY_VALUE_STRING;
		p->string = text_copy(config_setting_get_string(entry));
	} else if (type == CONFIG_TYPE_ARRAY && config_setting_length(entry) > 0 &&
		   config_setting_type(config_setting_get_elem(entry, 0)) == CONFIG_TYPE_STRING) {
		p->type = POLICY_VALUE_STRINGS;
		p->count = config_setting_length(entry);
		p->strings = allocate_zeroed((size_t)p->count, sizeof *p->strings);
		for (int i = 0; i < p->count; i++)
			p->strings[i] = text_copy(config_setting_get_string_elem(entry, (unsigned)i));
	} else if (type == CONFIG_TYPE_ARRAY) {
		p->type = POLICY_VALUE_NUMBERS;
		p->count = config_setting_length(entry);
		p->numbers = allocate_zeroed((size_t)p->count, sizeof *p->numbers);
		for (int i = 0; i < p->count; i++) {
			const config_setting_t *e = config_setting_get_elem(entry, (unsigned)i);
			if (config_setting_is_number(e))
				p->numbers[i] = number_of(e);
			else
				diag_add(L->d, p->line, "%s%sparams.%s must hold numbers or strings, not %s", where, sep(where), p->key, type_name(e));
		}
	} else {
		p->type = POLICY_VALUE_NUMBER;
		diag_add(L->d, p->line, "%s%sparams.%s must be a number, boolean, string or array, not %s", where, sep(where), p->key, type_name(entry));
	}
}

/*
 * Applies the settings of policies.N.params.KEY (N = INDEX + 1): a number
 * replaces the file's value or adds the key (the plugin host then checks it
 * against the plugin's own parameters).
 */
static void apply_param_settings(struct loader *L, struct policy *p, int index, const char *where)
{
	char prefix[64];
	snprintf(prefix, sizeof prefix, "policies.%d.params.", index + 1);
	size_t length = strlen(prefix);
	for (int j = 0; j < p->n_params; j++) {
		char path[512];
		snprintf(path, sizeof path, "%s%s", prefix, p->params[j].key);
		setting_for(L, path); /* offered, for suggestions */
	}
	for (int k = 0; k < L->n_settings; k++) {
		struct parameter_setting *set = &L->settings[k];
		if (strncmp(set->path, prefix, length) != 0 || set->path[length] == '\0' ||
		    strchr(set->path + length, '.') != NULL)
			continue;
		set->used = 1;
		const char *key = set->path + length;
		struct policy_param *param = NULL;
		for (int j = 0; j < p->n_params && param == NULL; j++)
			if (strcmp(p->params[j].key, key) == 0)
				param = &p->params[j];
		if (param == NULL) {
			struct policy_param *grown = realloc(p->params, (size_t)(p->n_params + 1) * sizeof *grown);
			if (grown == NULL)
				abort();
			p->params = grown;
			param = &p->params[p->n_params++];
			memset(param, 0, sizeof *param);
			param->key = text_copy(key);
			param->type = POLICY_VALUE_NUMBER;
		}
		if (param->type != POLICY_VALUE_NUMBER) {
			diag_add(L->d, 0, "%s: %s is not a number in the scenario; a path sets numbers only",
				 where, set->path);
			continue;
		}
		param->number = set->value;
		param->line = 0;
	}
}

static void read_policies(struct loader *L, const config_setting_t *root)
{
	static const char *const keys[] = {"plugin", "districts", "params"};
	struct scenario *s = L->s;
	const config_setting_t *list = config_setting_get_member(root, "policies");
	if (list == NULL)
		return;
	if (!config_setting_is_list(list)) {
		diag_add(L->d, line_of(list), "'policies' must be a list ( { plugin = \"...\"; }, ... ), not %s",
			 type_name(list));
		return;
	}
	const char **district_names = allocate_zeroed((size_t)s->n_districts, sizeof *district_names);
	for (int i = 0; i < s->n_districts; i++)
		district_names[i] = s->districts[i].name;
	s->n_policies = config_setting_length(list);
	s->policies = allocate_zeroed((size_t)s->n_policies, sizeof *s->policies);
	for (int i = 0; i < s->n_policies; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct policy *p = &s->policies[i];
		char where[192];
		p->line = line_of(g);
		snprintf(where, sizeof where, "policy %d", i + 1);
		if (!config_setting_is_group(g)) {
			diag_add(L->d, line_of(g), "%s must be a group { plugin = \"...\"; ... }, not %s",
				 where, type_name(g));
			p->plugin = text_copy("?");
			continue;
		}
		check_keys(L, g, where, keys, N_ELEMENTS(keys));
		const char *plugin = get_string(L, g, where, "plugin", 1);
		p->plugin = text_copy(plugin ? plugin : "?");
		if (plugin)
			snprintf(where, sizeof where, "policy %d (%s)", i + 1, plugin);

		const config_setting_t *targets = config_setting_get_member(g, "districts");
		if (targets != NULL) {
			if (config_setting_type(targets) != CONFIG_TYPE_ARRAY ||
			    (config_setting_length(targets) > 0 &&
			     config_setting_type(config_setting_get_elem(targets, 0)) != CONFIG_TYPE_STRING)) {
				diag_add(L->d, line_of(targets),
					 "%s: 'districts' must be an array of district names [\"A\", \"B\"], not %s",
					 where, type_name(targets));
			} else {
				p->n_targets = config_setting_length(targets);
				p->targets = allocate_zeroed((size_t)p->n_targets, sizeof *p->targets);
				for (int j = 0; j < p->n_targets; j++) {
					const char *name = config_setting_get_string_elem(targets, (unsigned)j);
					p->targets[j] = text_copy(name);
					int known = 0;
					for (int k = 0; k < s->n_districts && !known; k++)
						known = strcmp(district_names[k], name) == 0;
					if (!known && s->n_districts > 0)
						diag_add(L->d, line_of(targets),
							 "%s: '%s' names no district; did you mean '%s'?", where,
							 name, nearest(name, district_names, s->n_districts));
				}
			}
		}
		const config_setting_t *params = config_setting_get_member(g, "params");
		if (params != NULL && config_setting_is_group(params)) {
			if (!config_setting_is_group(params)) {
				diag_add(L->d, line_of(params), "%s%s'params' must be a group { key = value; }, not %s", where, sep(where), type_name(params));
			} else {
				p->n_params = config_setting_length(params);
				p->params = allocate_zeroed((size_t)p->n_params, sizeof *p->params);
				for (int j = 0; j < p->n_params; j++)
					read_policy_param(L, config_setting_get_elem(params, (unsigned)j), where,
							  &p->params[j]);
			}
		}
		apply_param_settings(L, p, i, where);
	}
	free(district_names);
}

static void read_sensitivity(struct loader *L, const config_setting_t *root)
{
	static const char *const keys[] = {"path", "low", "high"};
	static const struct value_rule low = {"low", 0, -UNBOUNDED, UNBOUNDED, 0, 0};
	static const struct value_rule high = {"high", 0, -UNBOUNDED, UNBOUNDED, 0, 0};
	struct scenario *s = L->s;
	const config_setting_t *list = config_setting_get_member(root, "sensitivity");
	if (list == NULL)
		return;
	if (!config_setting_is_list(list)) {
		diag_add(L->d, line_of(list), "'sensitivity' must be a list ( { path = \"...\"; low = ...; high = ...; } ), not %s",
			 type_name(list));
		return;
	}
	s->n_sensitivity = config_setting_length(list);
	s->sensitivity = allocate_zeroed((size_t)s->n_sensitivity, sizeof *s->sensitivity);
	for (int i = 0; i < s->n_sensitivity; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct sensitivity_input *in = &s->sensitivity[i];
		char where[64];
		snprintf(where, sizeof where, "sensitivity entry %d", i + 1);
		in->line = line_of(g);
		if (!config_setting_is_group(g)) {
			diag_add(L->d, line_of(g), "%s must be a group { path = \"...\"; low = ...; high = ...; }, not %s",
				 where, type_name(g));
			in->path = text_copy("?");
			continue;
		}
		check_keys(L, g, where, keys, N_ELEMENTS(keys));
		const char *path = get_string(L, g, where, "path", 1);
		in->path = text_copy(path ? path : "?");
		int ok = get_number(L, g, where, &low, 1, 0.0, &in->low);
		ok &= get_number(L, g, where, &high, 1, 0.0, &in->high);
		if (ok && in->low > in->high)
			diag_add(L->d, line_of(g), "%s%slow (%g) is above high (%g): swap them", where, sep(where),
				 in->low, in->high);
	}
}

/* ---- the whole file ---------------------------------------------------- */

static void read_scenario(struct loader *L, const config_setting_t *root)
{
	static const char *const keys[] = {
		"version", "name", "run", "campaign", "inspection", "categories", "defaults",
		"districts", "materials", "survey", "overall", "negative_list", "bonus", "minors",
		"history", "pass", "policies", "sensitivity"};
	static const char *const cell_keys[] = {"sites", "declared", "problems", "new_per_week",
						"rectify_rate", "rebound"};
	static const struct value_rule version = {"version", 1, -UNBOUNDED, UNBOUNDED, 0, 0};
	struct scenario *s = L->s;
	void *items;

	check_keys(L, root, "", keys, N_ELEMENTS(keys));
	double v = 0.0;
	if (get_number(L, root, "", &version, 1, 0.0, &v) && v != SCENARIO_MODEL_VERSION)
		diag_add(L->d, line_of(config_setting_get_member(root, "version")),
			 "'version' is %g, must be %d: this ccsim reads model version %d",
			 v, SCENARIO_MODEL_VERSION, SCENARIO_MODEL_VERSION);
	const char *name = get_string(L, root, "", "name", 0);
	if (name != NULL)
		s->name = text_copy(name);

	read_run(L, root);
	read_campaign_and_inspection(L, root);
	s->n_categories = read_named_list(L, root, "categories", "categories", "category", 1,
					  sizeof(struct category), &items, read_category);
	s->categories = items;
	s->n_districts = read_named_list(L, root, "districts", "districts", "district", 1,
					 sizeof(struct district), &items, read_district);
	s->districts = items;

	const config_setting_t *defaults = get_group(L, root, "", "defaults", 0);
	if (defaults != NULL)
		check_keys(L, defaults, "defaults", cell_keys, N_ELEMENTS(cell_keys));
	int *declared_line = NULL;
	unsigned char *cell_valid = NULL;
	if (s->n_categories > 0 && s->n_districts > 0) {
		size_t cells = (size_t)s->n_categories * (size_t)s->n_districts;
		s->cells = allocate_zeroed(cells, sizeof *s->cells);
		declared_line = allocate_zeroed(cells, sizeof *declared_line);
		cell_valid = allocate_zeroed(cells, sizeof *cell_valid);
		resolve_cells(L, defaults, config_setting_get_member(root, "districts"), declared_line,
			      cell_valid);
	}

	s->n_materials = read_named_list(L, root, "materials", "materials", "material", 0,
					 sizeof(struct material), &items, read_material);
	s->materials = items;
	read_survey_overall(L, root);
	s->n_negatives = read_named_list(L, root, "negative_list", "negative_list", "negative-list event", 0,
					 sizeof(struct negative_event), &items, read_negative);
	s->negatives = items;
	read_bonus_minors_history(L, root);
	read_pass(L, root);
	read_policies(L, root);
	read_sensitivity(L, root);

	/* The rules between values, each reported at the line that set it. */
	if (s->cells != NULL) {
		const config_setting_t *categories = config_setting_get_member(root, "categories");
		const config_setting_t *districts = config_setting_get_member(root, "districts");
		int *category_line = allocate_zeroed((size_t)s->n_categories, sizeof(int));
		int *satisfaction_line = allocate_zeroed((size_t)s->n_districts, sizeof(int));
		for (int c = 0; c < s->n_categories; c++)
			category_line[c] = line_of(config_setting_get_elem(categories, (unsigned)c));
		for (int i = 0; i < s->n_districts; i++) {
			const config_setting_t *g = config_setting_get_elem(districts, (unsigned)i);
			const config_setting_t *member = config_setting_get_member(g, "satisfaction");
			satisfaction_line[i] = line_of(member ? member : g);
		}
		struct scenario_lines lines = {declared_line, category_line, satisfaction_line,
					       line_of(config_setting_get_member(root, "overall")),
					       cell_valid};
		scenario_check_consistency(s, &lines, "", L->d);
		free(category_line);
		free(satisfaction_line);
	}
	free(declared_line);
	free(cell_valid);
}

/* Every setting no path matched is an error naming the nearest valid paths. */
static void report_unused_settings(struct loader *L)
{
	for (int i = 0; i < L->n_settings; i++) {
		if (L->settings[i].used)
			continue;
		const char *path = L->settings[i].path;
		const char *best[3] = {NULL, NULL, NULL};
		int distance[3] = {0, 0, 0};
		for (int k = 0; k < L->n_offered; k++) {
			int e = edit_distance(path, L->offered[k]);
			for (int b = 0; b < 3; b++) {
				if (best[b] != NULL && e >= distance[b])
					continue;
				if (best[b] != NULL && strcmp(best[b], L->offered[k]) == 0)
					break;
				for (int m = 2; m > b; m--) {
					best[m] = best[m - 1];
					distance[m] = distance[m - 1];
				}
				best[b] = L->offered[k];
				distance[b] = e;
				break;
			}
		}
		diag_add(L->d, 0, "no parameter path '%s'; the nearest valid paths are %s%s%s%s%s",
			 path, best[0] ? best[0] : "(none)", best[1] ? ", " : "", best[1] ? best[1] : "",
			 best[2] ? ", " : "", best[2] ? best[2] : "");
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static struct scenario *load(config_t *config, int read_ok, const char *file,
			     struct parameter_setting *settings, int n_settings, struct diag *d)
{
	if (!read_ok) {
		if (config_error_type(config) == CONFIG_ERR_FILE_IO)
			diag_add(d, 0, "cannot read the file: %s", strerror(errno));
		else
			diag_add(d, config_error_line(config),
				 "%s (libconfig syntax: key = value; groups { }, lists ( ), arrays [ ])",
				 config_error_text(config));
		return NULL;
	}
	struct scenario *s = allocate_zeroed(1, sizeof *s);
	struct loader L = {d, s, NULL, settings, n_settings, NULL, 0, 0};
	int before = d->count;
	s->file = text_copy(file);
	for (int i = 0; i < n_settings; i++)
		settings[i].used = 0;
	read_scenario(&L, config_root_setting(config));
	report_unused_settings(&L);
	for (int i = 0; i < L.n_offered; i++)
		free(L.offered[i]);
	free(L.offered);
	if (s->name == NULL)
		s->name = text_copy(base_name(file));
	if (d->count == before)
		scenario_derive(s, d);
	if (d->count != before) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

struct scenario *scenario_load_file(const char *path, struct diag *d)
{
	return scenario_load_file_with(path, NULL, 0, d);
}

struct scenario *scenario_load_file_with(const char *path, struct parameter_setting *settings,
					 int n_settings, struct diag *d)
{
	config_t config;
	config_init(&config);
	FILE *in = fopen(path, "r");
	if (in == NULL) {
		diag_add(d, 0, "cannot open the scenario: %s", strerror(errno));
		config_destroy(&config);
		return NULL;
	}
	/* @include resolves beside the scenario itself. */
	char *directory = text_copy(path);
	char *slash = strrchr(directory, '/');
	if (slash != NULL) {
		*slash = '\0';
		config_set_include_dir(&config, directory);
	}
	int ok = config_read(&config, in);
	int saved_errno = errno;
	fclose(in);
	errno = saved_errno;
	struct scenario *s = load(&config, ok, path, settings, n_settings, d);
	config_destroy(&config);
	free(directory);
	return s;
}

struct scenario *scenario_load_string(const char *text, struct diag *d)
{
	config_t config;
	config_init(&config);
	int ok = config_read_string(&config, text);
	struct scenario *s = load(&config, ok, d->file ? d->file : "<string>", NULL, 0, d);
	config_destroy(&config);
	return s;
}

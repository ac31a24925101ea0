/*
 * Per-district-and-category parameters (the schema's cell keys), resolved
 * from their levels: district group entry, district scalar, defaults group
 * entry, defaults scalar (docs/model.md 2.2).
 */
#include "scenario_int.h"
#include "ccsim_limits.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_KEYS_MAX 16

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
static void read_level(struct loader *L, const config_setting_t *level, const char *where,
		       const struct value_rule *rule, const char **names, struct level_value *scalar,
		       struct level_value *per_category)
{
	const struct scenario *s = L->s;
	memset(scalar, 0, sizeof *scalar);
	memset(per_category, 0, (size_t)s->n_categories * sizeof *per_category);
	const config_setting_t *member = level ? access_member(level, rule->key) : NULL;
	const struct parameter_setting *set = NULL;
	if (L->n_settings > 0) { /* paths are built only when something may set them */
		char path[LIMIT_PATH_BYTES];
		snprintf(path, sizeof path, "%s.%s", L->prefix, rule->key);
		set = settings_for(L, path);
		for (int c = 0; c < s->n_categories; c++) {
			snprintf(path, sizeof path, "%s.%s.%s", L->prefix, rule->key, s->categories[c].name);
			const struct parameter_setting *entry = settings_for(L, path);
			if (entry != NULL) {
				per_category[c].present = 1;
				per_category[c].valid = settings_take(L, entry, rule, &per_category[c].value);
			}
		}
	}
	if (set != NULL) {
		scalar->present = 1;
		scalar->valid = settings_take(L, set, rule, &scalar->value);
	}
	if (member == NULL)
		return;
	if (!config_setting_is_group(member)) {
		if (set == NULL) {
			scalar->present = 1;
			scalar->line = access_line(member);
			scalar->valid = rule_take_number(L, member, where, rule->key, rule, &scalar->value);
		}
		return;
	}
	int n = config_setting_length(member);
	for (int i = 0; i < n; i++) {
		const config_setting_t *entry = config_setting_get_elem(member, (unsigned)i);
		const char *category = config_setting_name(entry);
		if (layers_is_scalar_entry(entry)) { /* an earlier file's scalar beside a later group */
			if (set == NULL) {
				scalar->present = 1;
				scalar->line = access_line(entry);
				scalar->valid = rule_take_number(L, entry, where, rule->key, rule, &scalar->value);
			}
			continue;
		}
		int c = 0; /* entries usually follow the categories' order */
		if (i < s->n_categories && strcmp(names[i], category) == 0)
			c = i;
		while (c < s->n_categories && strcmp(names[c], category) != 0)
			c++;
		if (c == s->n_categories) {
			access_report(L, entry, _("%s%s'%s' names no category; did you mean '%s'?"), where,
				      access_sep(where), category,
				      access_nearest(category, names, s->n_categories));
			continue;
		}
		if (per_category[c].present)
			continue; /* set by path */
		per_category[c].present = 1;
		per_category[c].line = access_line(entry);
		per_category[c].valid = rule_quick(rule, entry, &per_category[c].value);
		if (!per_category[c].valid) {
			char key[LIMIT_PATH_BYTES];
			snprintf(key, sizeof key, "%s.%s", rule->key, category);
			rule_take_number(L, entry, where, key, rule, &per_category[c].value);
		}
	}
}

/* The value that applies: district entry, district scalar, defaults entry, defaults scalar. */
static const struct level_value *winning_level(const struct level_value *levels[4])
{
	for (int i = 0; i < 4; i++)
		if (levels[i]->present)
			return levels[i];
	return NULL;
}

/*
 * The value of district D's category C, from the defaults when
 * FROM_DEFAULTS, scaled in VALUE by the PATH*=F settings matching it: a
 * district's path scales whatever level gave the value, a defaults' path
 * only the values the defaults gave. 0 when the result breaks RULE (reported).
 */
static int scale_cell(struct loader *L, int d, int c, const struct value_rule *rule,
		      int from_defaults, double *value)
{
	const struct scenario *s = L->s;
	char paths[4][512], what[400];
	const char *named[4] = {paths[0], paths[1], paths[2], paths[3]};
	snprintf(paths[0], sizeof paths[0], "districts.%s.%s", s->districts[d].name, rule->key);
	snprintf(paths[1], sizeof paths[1], "districts.%s.%s.%s", s->districts[d].name, rule->key,
		 s->categories[c].name);
	snprintf(paths[2], sizeof paths[2], "defaults.%s", rule->key);
	snprintf(paths[3], sizeof paths[3], "defaults.%s.%s", rule->key, s->categories[c].name);
	const struct parameter_setting *which;
	double factor = settings_factor(L, named, from_defaults ? 4 : 2, &which);
	if (which == NULL)
		return 1;
	snprintf(what, sizeof what, _("district '%s', category '%s'"), s->districts[d].name,
		 s->categories[c].name);
	return settings_scaled(L, which, rule, what, *value, factor, value);
}

/* The categories among MISSING as "a, b, c" in TEXT (cut short when long). */
static void list_missing(const struct scenario *s, const unsigned char *missing, char *text, size_t size)
{
	size_t used = 0;
	text[0] = '\0';
	for (int c = 0; c < s->n_categories && used + 1 < size; c++)
		if (missing[c])
			used += (size_t)snprintf(text + used, size - used, "%s%s", used ? ", " : "",
						 s->categories[c].name);
}

/* What every district's resolution shares: the cell keys and the defaults. */
struct cell_keys {
	const struct scenario_key *keys[CELL_KEYS_MAX];
	int K;
	const struct scenario_key *sites, *declared;
	const char **names;                        /* [C]: the categories' names */
	struct level_value default_scalar[CELL_KEYS_MAX];
	struct level_value *default_entries;       /* [K][C] */
	const config_setting_t *districts;
	int *declared_line;
	unsigned char *cell_valid;
};

/* Resolves the cells of districts FROM to TO - 1 (problems reported in L). */
static void resolve_districts(struct loader *L, const void *context, int from, int to)
{
	const struct cell_keys *ck = context;
	struct scenario *s = L->s;
	int C = s->n_categories, K = ck->K;
	struct level_value district_scalar;
	struct level_value *district_entries = access_alloc(L, (size_t)C, sizeof *district_entries);
	unsigned *valid = access_alloc(L, (size_t)C, sizeof *valid); /* bit k: key k resolved validly */
	unsigned char *missing = access_alloc(L, (size_t)C, 1);
	size_t text_size = 256 + 80 * (size_t)C;
	char *missing_text = access_alloc(L, text_size, 1);
	const char *where_format = _("district '%s'"); /* once: a city may have 100,000 */
	for (int d = from; d < to && district_entries && valid && missing && missing_text; d++) {
		const config_setting_t *group = config_setting_get_elem(ck->districts, (unsigned)d);
		char where[LIMIT_PATH_BYTES];
		snprintf(where, sizeof where, where_format, s->districts[d].name);
		char prefix[LIMIT_PATH_BYTES];
		snprintf(prefix, sizeof prefix, "districts.%s", s->districts[d].name);
		L->prefix = prefix;
		memset(valid, 0, (size_t)C * sizeof *valid);
		for (int k = 0; k < K; k++) {
			const struct scenario_key *key = ck->keys[k];
			read_level(L, group, where, &key->rule, ck->names, &district_scalar, district_entries);
			int any_missing = 0;
			memset(missing, 0, (size_t)C);
			for (int c = 0; c < C; c++) {
				const struct level_value *levels[4] = {
					&district_entries[c], &district_scalar,
					&ck->default_entries[(size_t)k * (size_t)C + (size_t)c],
					&ck->default_scalar[k]};
				const struct level_value *v = winning_level(levels);
				if (v == NULL) {
					missing[c] = 1;
					any_missing = 1;
					continue;
				}
				double value = v->value;
				int from_defaults = v == levels[2] || v == levels[3];
				if (v->valid && (L->n_scales == 0 ||
						 scale_cell(L, d, c, &key->rule, from_defaults, &value))) {
					schema_store(scenario_cell(s, d, c), key, value);
					valid[c] |= 1u << k;
				}
				if (key == ck->declared)
					ck->declared_line[(size_t)d * (size_t)C + (size_t)c] = v->line;
			}
			if (any_missing) {
				list_missing(s, missing, missing_text, text_size);
				access_report(L, group,
					      _("%s: no '%s' for %s: give %s = <value>; (every category) or "
					      "%s = { %s = <value>; } in the district, or in defaults"),
					      where, key->rule.key, missing_text, key->rule.key, key->rule.key,
					      s->categories[0].name);
			}
		}
		unsigned both = 0;
		for (int k = 0; k < K; k++)
			if (ck->keys[k] == ck->sites || ck->keys[k] == ck->declared)
				both |= 1u << k;
		for (int c = 0; c < C; c++)
			ck->cell_valid[(size_t)d * (size_t)C + (size_t)c] = (valid[c] & both) == both;
	}
	L->prefix = NULL;
	free(district_entries);
	free(valid);
	free(missing);
	free(missing_text);
}

void cells_resolve(struct loader *L, const config_setting_t *defaults,
		   const config_setting_t *districts, int *declared_line, unsigned char *cell_valid)
{
	struct scenario *s = L->s;
	int C = s->n_categories;
	struct cell_keys ck = {.K = 0, .districts = districts, .declared_line = declared_line,
			       .cell_valid = cell_valid};
	for (const struct scenario_key *k = scenario_schema_next(NULL, SCENARIO_RECORD_CELL, 0);
	     k != NULL && ck.K < CELL_KEYS_MAX; k = scenario_schema_next(k, SCENARIO_RECORD_CELL, 0))
		ck.keys[ck.K++] = k;
	ck.sites = schema_child("districts.*", "sites");
	ck.declared = schema_child("districts.*", "declared");
	ck.default_entries = access_alloc(L, (size_t)ck.K * (size_t)C, sizeof *ck.default_entries);
	ck.names = access_alloc(L, (size_t)C, sizeof *ck.names);
	if (ck.default_entries != NULL && ck.names != NULL) {
		for (int c = 0; c < C; c++)
			ck.names[c] = s->categories[c].name;
		L->prefix = "defaults";
		for (int k = 0; k < ck.K; k++)
			read_level(L, defaults, "defaults", &ck.keys[k]->rule, ck.names,
				   &ck.default_scalar[k], &ck.default_entries[(size_t)k * (size_t)C]);
		L->prefix = NULL;
		access_in_parallel(L, s->n_districts, resolve_districts, &ck);
	}
	free(ck.default_entries);
	free(ck.names);
}

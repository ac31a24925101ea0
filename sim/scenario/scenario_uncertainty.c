/*
 * Uncertain inputs (docs/model.md 3.12): the `uncertain` and `correlation`
 * lists, read once every other value of the scenario is resolved.
 *
 * Each `uncertain` entry is expanded into one input per path its pattern
 * reaches (district by district, then category by category, in the order
 * the scenario lists the names). A path fixed by --set is left out (a
 * relative input also by a scale of its own path, PATH*=F). Each
 * input records the values it sets (struct uncertain_target), so that a
 * replication applies its draws without resolving a path again:
 *
 * - an absolute input sets its path as --set would, so a per-district-and-
 *   category key's input sets the cells whose value that level gives (a
 *   district scalar yields to the district's per-category entries, and to
 *   any input or --set on them);
 * - a relative input multiplies the value each cell it covers resolves to,
 *   whatever level gave it (`defaults.KEY` covers every district).
 *
 * Two inputs reaching one value are refused, as two entries reaching one
 * path are.
 */
#include "scenario_int.h"
#include "ccsim_limits.h"
#include "uncertain.h"
#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEGMENTS 8
#define SEGMENT_BYTES 160

/* One `uncertain` entry as written. */
struct entry {
	const config_setting_t *at;
	const char *file;        /* where it was written (the map's copy) */
	int line;
	const char *pattern;     /* its path, maybe with `*` */
	struct distribution_spec dist;
	double *values, *weights;
	int relative;
};

/* One path an entry reaches. */
struct expanded {
	struct entry *entry;
	char *path;
	const struct scenario_key *key;
	int item, category;      /* the named district (or entry) and category; -1: every one */
	int level;               /* cell keys: the level the path sets (see enum level) */
};

/* The levels a cell's value comes from, the first present winning (docs/model.md 2). */
enum level { LEVEL_DISTRICT_ENTRY, LEVEL_DISTRICT_SCALAR, LEVEL_DEFAULT_ENTRY, LEVEL_DEFAULT_SCALAR };

struct reading {
	struct loader *L;
	const config_setting_t *root;
	struct entry *entries;
	int n_entries;
	struct expanded *paths;
	int n_paths, paths_capacity;
	char **fixed;            /* paths left out: --set fixes them, or their input was refused */
	int n_fixed, fixed_capacity;
	struct uncertain_target *targets;
	int n_targets, targets_capacity;
	int *first;              /* [inputs + 1] */
	int *owner;              /* [cell key][cell]: 1 + the input setting it, 0: none */
	const struct scenario_key *cell_keys[8];
	int n_cell_keys;
};

/* ---- where things were written ------------------------------------------ */

/* The file and line AT was written at (its own file for an @include'd one). */
static void written_at(const struct loader *L, const config_setting_t *at, const char **file,
		       int *line)
{
	int prepared = access_line(at);
	*file = NULL;
	*line = prepared;
	if (L->map == NULL || prepared <= 0 || prepared > L->map->n_lines)
		return;
	*line = L->map->origin[prepared].line;
	*file = L->map->files[L->map->origin[prepared].file];
}

/* ---- paths ---------------------------------------------------------------- */

static int split(const char *path, char segment[][SEGMENT_BYTES])
{
	int n = 0;
	for (const char *start = path;;) {
		const char *dot = strchr(start, '.');
		size_t length = dot ? (size_t)(dot - start) : strlen(start);
		if (n == SEGMENTS || length >= SEGMENT_BYTES)
			return -1;
		memcpy(segment[n], start, length);
		segment[n][length] = '\0';
		n++;
		if (dot == NULL)
			return n;
		start = dot + 1;
	}
}

/* Whether PATTERN (a `*` segment matches any one segment) matches PATH. */
static int pattern_matches(const char *pattern, const char *path)
{
	char a[SEGMENTS][SEGMENT_BYTES], b[SEGMENTS][SEGMENT_BYTES];
	int n = split(pattern, a), m = split(path, b);
	if (n < 0 || n != m)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(a[i], "*") != 0 && strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/*
 * Whether a --set setting (its path, or its pattern) sets PATH; for a
 * RELATIVE input, also a scale of its own path (PATH*=F: its multiplier
 * fixed at F, as sensitivity sets it). A scale never sets a level.
 */
static int set_by_flag(const struct loader *L, const char *path, int relative)
{
	size_t n = strlen(path);
	for (int i = 0; i < L->n_settings; i++) {
		const char *set = L->settings[i].path;
		if (settings_probe(L, &L->settings[i]))
			continue; /* a sensitivity entry's path, checked: it sets nothing */
		if (pattern_matches(set, path))
			return 1;
		if (relative && strncmp(set, path, n) == 0 && strcmp(set + n, "*") == 0)
			return 1;
	}
	return 0;
}

/* The name of entry I of RECORD in S. */
static const char *record_name(const struct scenario *s, enum scenario_record record, int i)
{
	switch (record) {
	case SCENARIO_RECORD_CATEGORY: return s->categories[i].name;
	case SCENARIO_RECORD_DISTRICT:
	case SCENARIO_RECORD_CELL: return s->districts[i].name;
	case SCENARIO_RECORD_MATERIAL: return s->materials[i].name;
	case SCENARIO_RECORD_NEGATIVE: return s->negatives[i].name;
	case SCENARIO_RECORD_HONOR: return s->bonus.honors[i].name;
	case SCENARIO_RECORD_COMPETITOR: return s->pass.competitors[i].name;
	default: return "";
	}
}

/* The list whose names RECORD's entries have, in words. */
static const char *record_word(enum scenario_record record)
{
	switch (record) {
	case SCENARIO_RECORD_CATEGORY: return _("category");
	case SCENARIO_RECORD_DISTRICT:
	case SCENARIO_RECORD_CELL: return _("district");
	case SCENARIO_RECORD_MATERIAL: return _("material");
	case SCENARIO_RECORD_NEGATIVE: return _("negative-list event");
	case SCENARIO_RECORD_HONOR: return _("honour");
	case SCENARIO_RECORD_COMPETITOR: return _("competitor");
	default: return _("entry");
	}
}

/* The keys that may be uncertain, as "problems, new_per_week, ...", each name once. */
static void uncertain_keys_text(char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < scenario_schema_count(); i++) {
		const struct scenario_key *k = scenario_schema_key(i);
		if (!(k->flags & SCENARIO_KEY_UNCERTAIN) || k->storage == SCENARIO_STORE_NONE)
			continue;
		const char *name = scenario_key_name(k);
		int seen = 0;
		for (int j = 0; j < i && !seen; j++) {
			const struct scenario_key *e = scenario_schema_key(j);
			seen = (e->flags & SCENARIO_KEY_UNCERTAIN) && e->storage != SCENARIO_STORE_NONE &&
			       strcmp(scenario_key_name(e), name) == 0;
		}
		if (!seen && used + 1 < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "", name);
	}
}

/* ---- growing arrays ------------------------------------------------------- */

static int grow(struct loader *L, void **array, int *capacity, int count, size_t size)
{
	if (count < *capacity)
		return 0;
	int more = *capacity > 0 ? 2 * *capacity : 16;
	void *bigger = realloc(*array, (size_t)more * size);
	if (bigger == NULL) {
		access_no_memory(L);
		return -1;
	}
	*array = bigger;
	*capacity = more;
	return 0;
}

/* ---- reading one entry ---------------------------------------------------- */

/* Whether NAME is one of the NULL-terminated LIST. */
static int listed(const char *const *list, int n, const char *name)
{
	for (int i = 0; i < n && list[i] != NULL; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* The keys of KIND, "min, mode and max", into OUT. */
static void kind_keys_text(const struct distribution_keys *keys, char *out, size_t size)
{
	const char *all[8];
	int n = 0;
	for (int i = 0; i < 4 && keys->required[i] != NULL; i++)
		all[n++] = keys->required[i];
	for (int i = 0; i < 3 && keys->optional[i] != NULL; i++)
		all[n++] = keys->optional[i];
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < n && used + 1 < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i == 0 ? "" : i == n - 1 ? _(" and ") : ", ",
					 all[i]);
}

/* Reads entry G (number I) into E; 1 when it is whole enough to expand. */
static int read_entry(struct loader *L, const config_setting_t *g, int i, struct entry *e)
{
	char where[64];
	snprintf(where, sizeof where, _("uncertain entry %d"), i + 1);
	e->at = g;
	written_at(L, g, &e->file, &e->line);
	if (!config_setting_is_group(g)) {
		access_report(L, g, _("%s must be a group { path = \"...\"; dist = \"...\"; ... }, not %s"),
			      where, access_type_name(g));
		return 0;
	}
	access_check_keys(L, g, where, "uncertain.*");
	e->pattern = access_string(L, g, where, "path", 1);
	const char *dist = access_string(L, g, where, "dist", 1);
	e->relative = access_bool(L, g, where, "relative", 0);
	if (dist == NULL)
		return 0;
	if (distribution_kind_of(dist, &e->dist.kind) != 0) {
		const char *names[DISTRIBUTION_KINDS];
		for (int k = 0; k < DISTRIBUTION_KINDS; k++)
			names[k] = distribution_name((enum distribution_kind)k);
		access_report(L, access_member(g, "dist"),
			      _("%s: no distribution '%s'; did you mean '%s'? (uniform, triangular, pert, "
			      "normal, lognormal, beta, gamma or discrete)"),
			      where, dist, access_nearest(dist, names, DISTRIBUTION_KINDS));
		return 0;
	}
	const struct distribution_keys *keys = distribution_keys(e->dist.kind);
	char keys_text[96];
	kind_keys_text(keys, keys_text, sizeof keys_text);
	int ok = 1;
	int n = config_setting_length(g);
	for (int m = 0; m < n; m++) {
		const config_setting_t *member = config_setting_get_elem(g, (unsigned)m);
		const char *name = config_setting_name(member);
		if (name == NULL || strcmp(name, "path") == 0 || strcmp(name, "dist") == 0 ||
		    strcmp(name, "relative") == 0 || schema_child("uncertain.*", name) == NULL)
			continue; /* unknown keys were reported above */
		if (!listed(keys->required, 4, name) && !listed(keys->optional, 3, name)) {
			access_report(L, member, _("%s: a %s takes %s, not '%s'"), where, dist, keys_text,
				      name);
			ok = 0;
		}
	}
	for (int r = 0; r < 4 && keys->required[r] != NULL; r++) {
		if (access_member(g, keys->required[r]) == NULL) {
			access_report(L, g, _("%s: a %s needs %s: add %s = ...;"), where, dist, keys_text,
				      keys->required[r]);
			ok = 0;
		}
	}
	if (!ok)
		return 0;

	struct distribution_spec *spec = &e->dist;
	struct {
		const char *key;
		double *out;
		int *has;
	} numbers[] = {{"min", &spec->min, &spec->has_min}, {"mode", &spec->mode, NULL},
		       {"max", &spec->max, &spec->has_max}, {"mean", &spec->mean, NULL},
		       {"sd", &spec->sd, NULL},          {"alpha", &spec->alpha, NULL},
		       {"beta", &spec->beta, NULL},      {"shape", &spec->shape, NULL},
		       {"rate", &spec->rate, NULL}};
	for (size_t k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
		const config_setting_t *member = access_member(g, numbers[k].key);
		if (member == NULL)
			continue;
		char pattern[64];
		snprintf(pattern, sizeof pattern, "uncertain.*.%s", numbers[k].key);
		ok &= rule_take_number(L, member, where, numbers[k].key,
				       &scenario_schema_find(pattern)->rule, numbers[k].out);
		if (numbers[k].has != NULL)
			*numbers[k].has = 1;
	}
	if (spec->kind == DISTRIBUTION_DISCRETE) {
		int count = rule_get_numbers(L, g, where, "values",
					     &scenario_schema_find("uncertain.*.values")->rule, &e->values);
		int weights = rule_get_numbers(L, g, where, "weights",
					       &scenario_schema_find("uncertain.*.weights")->rule,
					       &e->weights);
		if (count < 0 || (weights < 0 && access_member(g, "weights") != NULL))
			return 0;
		if (count == 0) {
			access_report(L, access_member(g, "values"),
				      _("%s: a discrete needs at least one value"), where);
			return 0;
		}
		if (weights >= 0 && weights != count) {
			access_report(L, access_member(g, "weights"),
				      _("%s: %d weights for %d values: give one weight per value"), where,
				      weights, count);
			return 0;
		}
		spec->values = e->values;
		spec->weights = e->weights;
		spec->count = count;
	}
	if (!ok || e->pattern == NULL)
		return 0;
	/* the parameters once per entry, not once per path it reaches */
	struct distribution check;
	int before = diag_errors(L->d);
	if (distribution_init(&check, spec, L->d, e->file, e->line, e->pattern) == 0)
		distribution_free(&check);
	return diag_errors(L->d) == before;
}

/* ---- expanding an entry into paths ------------------------------------------ */

/* Adds the path built from SEGMENT[N] (NAME_AT and CATEGORY_AT replaced). */
static int add_path(struct reading *R, struct entry *e, const struct scenario_key *k,
		    char segment[][SEGMENT_BYTES], int n, int item, int category, int level)
{
	struct loader *L = R->L;
	char path[SEGMENTS * SEGMENT_BYTES];
	size_t used = 0;
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(path + used, sizeof path - used, "%s%s", i ? "." : "", segment[i]);
	if (grow(L, (void **)&R->paths, &R->paths_capacity, R->n_paths, sizeof *R->paths) != 0)
		return -1;
	char *copy = access_copy(L, path);
	if (copy == NULL)
		return -1;
	R->paths[R->n_paths++] = (struct expanded){e, copy, k, item, category, level};
	return 0;
}

/* The index of NAME among RECORD's entries, or -1. */
static int find_name(const struct scenario *s, enum scenario_record record, const char *name)
{
	int n = scenario_record_count(s, record);
	for (int i = 0; i < n; i++)
		if (strcmp(record_name(s, record, i), name) == 0)
			return i;
	return -1;
}

/* Reports that NAME names no entry of RECORD, with the nearest. */
static void no_such_name(struct loader *L, const struct entry *e, enum scenario_record record,
			 const char *name)
{
	const struct scenario *s = L->s;
	int n = scenario_record_count(s, record);
	const char **names = n > 0 ? malloc((size_t)n * sizeof *names) : NULL;
	for (int i = 0; names != NULL && i < n; i++)
		names[i] = record_name(s, record, i);
	const char *nearest = names ? access_nearest(name, names, n) : NULL;
	diag_add_at(L->d, DIAG_INPUT, e->file, e->line,
		    _("uncertain: %s: the scenario has no %s '%s'%s%s%s"), e->pattern, record_word(record),
		    name, nearest ? _("; did you mean '") : "", nearest ? nearest : "", nearest ? "'?" : "");
	free(names);
}

/* Expands entry E into paths; reports a pattern that matches nothing. */
static void expand_entry(struct reading *R, struct entry *e)
{
	struct loader *L = R->L;
	const struct scenario *s = L->s;
	char segment[SEGMENTS][SEGMENT_BYTES];
	int n = split(e->pattern, segment);
	const struct scenario_key *k = n > 0 ? scenario_schema_match(e->pattern) : NULL;
	if (k == NULL || k->storage == SCENARIO_STORE_NONE) {
		char keys[512];
		uncertain_keys_text(keys, sizeof keys);
		if (k != NULL && strcmp(k->path, "policies.*.params.*") == 0)
			diag_add_at(L->d, DIAG_INPUT, e->file, e->line,
				    _("uncertain: %s: policy parameters cannot be uncertain yet in this "
				    "version of ccsim; give the parameter one value (or compare values "
				    "with `ccsim sweep`)"),
				    e->pattern);
		else
			diag_add_at(L->d, DIAG_INPUT, e->file, e->line,
				    _("uncertain: '%s' names no parameter: write a parameter path such as "
				    "districts.NAME.rectify_rate (a `*` may stand for a name) whose key is "
				    "one of %s"),
				    e->pattern, keys);
		return;
	}
	if (!(k->flags & SCENARIO_KEY_UNCERTAIN)) {
		char keys[512];
		uncertain_keys_text(keys, sizeof keys);
		diag_add_at(L->d, DIAG_INPUT, e->file, e->line,
			    _("uncertain: %s: '%s' cannot be uncertain (keys that shape the inspection or "
			    "bound the score keep one value); the keys that may be are %s"),
			    e->pattern, scenario_key_name(k), keys);
		return;
	}
	/* which segments hold a name, and of what */
	int name_at = -1, category_at = -1, level = -1;
	enum scenario_record record = k->record;
	if (k->flags & SCENARIO_KEY_CELL) {
		if (strcmp(segment[0], "defaults") == 0) {
			category_at = n == 3 ? 2 : -1;
			level = n == 3 ? LEVEL_DEFAULT_ENTRY : LEVEL_DEFAULT_SCALAR;
		} else {
			name_at = 1;
			category_at = n == 4 ? 3 : -1;
			level = n == 4 ? LEVEL_DISTRICT_ENTRY : LEVEL_DISTRICT_SCALAR;
		}
	} else if (record != SCENARIO_RECORD_ROOT) {
		name_at = n - 2;
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(segment[i], "*") == 0 && i != name_at && i != category_at) {
			diag_add_at(L->d, DIAG_INPUT, e->file, e->line,
				    _("uncertain: %s: a `*` stands for a name (of a district, category or "
				    "list entry), not for segment %d"),
				    e->pattern, i + 1);
			return;
		}
	}
	int names = name_at >= 0 ? scenario_record_count(s, record) : 1;
	int categories = category_at >= 0 ? s->n_categories : 1;
	int item_fixed = -1, category_fixed = -1;
	if (name_at >= 0 && strcmp(segment[name_at], "*") != 0 &&
	    (item_fixed = find_name(s, record, segment[name_at])) < 0) {
		no_such_name(L, e, record, segment[name_at]);
		return;
	}
	if (category_at >= 0 && strcmp(segment[category_at], "*") != 0 &&
	    (category_fixed = find_name(s, SCENARIO_RECORD_CATEGORY, segment[category_at])) < 0) {
		no_such_name(L, e, SCENARIO_RECORD_CATEGORY, segment[category_at]);
		return;
	}
	int found = 0;
	for (int i = 0; i < names; i++) {
		if (item_fixed >= 0 && i != item_fixed)
			continue;
		for (int c = 0; c < categories; c++) {
			if (category_fixed >= 0 && c != category_fixed)
				continue;
			char own[SEGMENTS][SEGMENT_BYTES];
			memcpy(own, segment, sizeof own);
			if (name_at >= 0)
				snprintf(own[name_at], SEGMENT_BYTES, "%s", record_name(s, record, i));
			if (category_at >= 0)
				snprintf(own[category_at], SEGMENT_BYTES, "%s", s->categories[c].name);
			if (add_path(R, e, k, own, n, name_at >= 0 ? i : -1, category_at >= 0 ? c : -1,
				     level) != 0)
				return;
			found++;
		}
	}
	if (found == 0)
		diag_add_at(L->d, DIAG_INPUT, e->file, e->line,
			    _("uncertain: the pattern %s matches nothing: the scenario has no %s"), e->pattern,
			    record == SCENARIO_RECORD_CELL ? _("category") : record_word(record));
}

/* ---- the cells an input sets -------------------------------------------- */

/* Whether the file or a --set gives KEY at LEVEL for district D, category C. */
static int level_given(struct reading *R, const struct scenario_key *k, int level, int d, int c)
{
	struct loader *L = R->L;
	const struct scenario *s = L->s;
	const char *key = scenario_key_name(k);
	const char *category = s->categories[c].name;
	const config_setting_t *holder = NULL;
	char path[512];
	if (level == LEVEL_DISTRICT_ENTRY || level == LEVEL_DISTRICT_SCALAR) {
		const config_setting_t *list = access_member(R->root, "districts");
		holder = list ? config_setting_get_elem(list, (unsigned)d) : NULL;
		if (level == LEVEL_DISTRICT_ENTRY)
			snprintf(path, sizeof path, "districts.%s.%s.%s", s->districts[d].name, key, category);
		else
			snprintf(path, sizeof path, "districts.%s.%s", s->districts[d].name, key);
	} else {
		holder = access_member(R->root, "defaults");
		if (level == LEVEL_DEFAULT_ENTRY)
			snprintf(path, sizeof path, "defaults.%s.%s", key, category);
		else
			snprintf(path, sizeof path, "defaults.%s", key);
	}
	if (set_by_flag(L, path, 0))
		return 1;
	/* another input's path at that level sets it, as --set would */
	for (int i = 0; i < R->n_paths; i++)
		if (!R->paths[i].entry->relative && R->paths[i].key == k && strcmp(R->paths[i].path, path) == 0)
			return 1;
	const config_setting_t *member = holder ? access_member(holder, key) : NULL;
	if (member == NULL)
		return 0;
	if (level == LEVEL_DISTRICT_SCALAR || level == LEVEL_DEFAULT_SCALAR)
		return !config_setting_is_group(member);
	return config_setting_is_group(member) && access_member(member, category) != NULL;
}

/* Whether the input at P sets cell (D, C): it is in its scope and, for an
 * absolute input, no level above its own gives the cell's value. */
static int covers(struct reading *R, const struct expanded *p, int d, int c)
{
	if ((p->item >= 0 && d != p->item) || (p->category >= 0 && c != p->category))
		return 0;
	if (p->entry->relative)
		return 1;
	for (int level = LEVEL_DISTRICT_ENTRY; level < p->level; level++)
		if (level_given(R, p->key, level, d, c))
			return 0;
	return 1;
}

/* The index of cell key K among those inputs set, or -1. */
static int cell_key_index(const struct reading *R, const struct scenario_key *k)
{
	for (int i = 0; i < R->n_cell_keys; i++)
		if (R->cell_keys[i] == k)
			return i;
	return -1;
}

/* The owners' row of cell key K (one of R's). */
static int *owner_row(struct reading *R, const struct scenario_key *k)
{
	size_t cells = (size_t)R->L->s->n_districts * (size_t)R->L->s->n_categories;
	return &R->owner[(size_t)cell_key_index(R, k) * cells];
}

static int add_target(struct reading *R, const struct scenario_key *k, int item, int category)
{
	if (grow(R->L, (void **)&R->targets, &R->targets_capacity, R->n_targets, sizeof *R->targets) != 0)
		return -1;
	double base = scenario_value_get(R->L->s, k, item, category);
	R->targets[R->n_targets++] = (struct uncertain_target){k, item, category, base};
	return 0;
}

/*
 * The targets of the input at P (index INPUT among those added) into R's
 * targets; 0, or -1 when it reaches a value another input sets (reported)
 * or memory ran out.
 */
static int find_targets(struct reading *R, const struct expanded *p, int input,
			const struct uncertain_set *set)
{
	struct loader *L = R->L;
	const struct scenario *s = L->s;
	if (!(p->key->flags & SCENARIO_KEY_CELL))
		return add_target(R, p->key, p->item < 0 ? 0 : p->item, -1);
	int *owner = owner_row(R, p->key);
	int C = s->n_categories;
	for (int d = 0; d < s->n_districts; d++) {
		for (int c = 0; c < C; c++) {
			int who = owner[(size_t)d * (size_t)C + (size_t)c];
			if (who == 0 || !covers(R, p, d, c))
				continue;
			diag_add_at(L->d, DIAG_INPUT, p->entry->file, p->entry->line,
				    _("uncertain: %s and %s both set district '%s', category '%s': one "
				    "value takes one distribution (drop one, or narrow a path to the "
				    "districts and categories it means)"),
				    p->path, uncertain_path(set, who - 1), s->districts[d].name,
				    s->categories[c].name);
			return -1;
		}
	}
	for (int d = 0; d < s->n_districts; d++) {
		for (int c = 0; c < C; c++) {
			if (!covers(R, p, d, c))
				continue;
			owner[(size_t)d * (size_t)C + (size_t)c] = input + 1;
			if (add_target(R, p->key, d, c) != 0)
				return -1;
		}
	}
	return 0;
}

/* ---- one input ------------------------------------------------------------ */

/* The range of K for an input at P (count caps are not ranges: docs/model.md 3.12). */
static struct uncertain_key key_of(const struct scenario *s, const struct expanded *p)
{
	const struct value_rule *rule = &p->key->rule;
	struct uncertain_key key = {rule->key, rule->lo, rule->hi, rule->lo_open, rule->hi_open,
				    rule->integer, INFINITY};
	if (rule->hi == LIMIT_COUNT) {
		key.hi = INFINITY;
		key.cap = LIMIT_COUNT;
	}
	/* a satisfaction drawn from a Beta around it keeps inside (0, 1) */
	if (p->key->record == SCENARIO_RECORD_DISTRICT && strcmp(rule->key, "satisfaction") == 0 &&
	    s->districts[p->item].satisfaction_concentration > 0.0)
		key.lo_open = key.hi_open = 1;
	return key;
}

/* Leaves P's path out of the correlations (fixed, or refused: reported once). */
static void leave_out(struct reading *R, const struct expanded *p)
{
	if (grow(R->L, (void **)&R->fixed, &R->fixed_capacity, R->n_fixed, sizeof *R->fixed) == 0)
		R->fixed[R->n_fixed++] = p->path;
}

/* Adds the input at P: its targets, then the set's checks. */
static void add_input(struct reading *R, struct uncertain_set *set, const struct expanded *p)
{
	struct loader *L = R->L;
	int input = uncertain_count(set);
	int first = R->n_targets;
	if (find_targets(R, p, input, set) != 0) {
		R->n_targets = first;
		leave_out(R, p);
		return;
	}
	struct uncertain_spec spec = {.path = p->path, .file = p->entry->file, .line = p->entry->line,
				      .dist = p->entry->dist, .relative = p->entry->relative,
				      .key = key_of(L->s, p)};
	spec.base_lo = INFINITY;
	spec.base_hi = -INFINITY;
	for (int t = first; t < R->n_targets; t++) {
		spec.base_lo = fmin(spec.base_lo, R->targets[t].base);
		spec.base_hi = fmax(spec.base_hi, R->targets[t].base);
	}
	if (R->n_targets == first)
		spec.base_lo = spec.base_hi = 0.0; /* an input that sets nothing */
	int *first_of = realloc(R->first, (size_t)(input + 2) * sizeof *R->first);
	if (first_of == NULL) {
		access_no_memory(L);
		R->n_targets = first;
		return;
	}
	R->first = first_of;
	if (uncertain_set_add(set, &spec, L->d) < 0) {
		R->n_targets = first;
		leave_out(R, p);
		/* its cells are nobody's again */
		if (p->key->flags & SCENARIO_KEY_CELL) {
			int *owner = owner_row(R, p->key);
			size_t cells = (size_t)L->s->n_districts * (size_t)L->s->n_categories;
			for (size_t i = 0; i < cells; i++)
				if (owner[i] == input + 1)
					owner[i] = 0;
		}
		return;
	}
	R->first[input] = first;
	R->first[input + 1] = R->n_targets;
}

/* ---- correlations --------------------------------------------------------- */

static int fixed_by_flag(const struct reading *R, const char *pattern)
{
	for (int i = 0; i < R->n_fixed; i++)
		if (pattern_matches(pattern, R->fixed[i]))
			return 1;
	return 0;
}

static void read_correlations(struct reading *R, struct uncertain_set *set)
{
	struct loader *L = R->L;
	const config_setting_t *list = access_member(R->root, "correlation");
	if (list == NULL)
		return;
	if (!config_setting_is_list(list)) {
		access_report(L, list,
			      _("'correlation' must be a list ( { paths = [\"...\", ...]; rank = ...; } ), not %s"),
			      access_type_name(list));
		return;
	}
	int count = uncertain_count(set);
	int *inputs = malloc((size_t)(count > 0 ? count : 1) * sizeof *inputs);
	int *matches = malloc((size_t)(count > 0 ? count : 1) * sizeof *matches);
	if (inputs == NULL || matches == NULL) {
		free(inputs);
		free(matches);
		access_no_memory(L);
		return;
	}
	int n = config_setting_length(list);
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		char where[64];
		snprintf(where, sizeof where, _("correlation entry %d"), i + 1);
		if (!config_setting_is_group(g)) {
			access_report(L, g, _("%s must be a group { paths = [\"...\", ...]; rank = ...; }, not %s"),
				      where, access_type_name(g));
			continue;
		}
		access_check_keys(L, g, where, "correlation.*");
		const char *file;
		int line;
		written_at(L, g, &file, &line);
		double rank = 0.0;
		int ok = rule_get_number(L, g, where, &scenario_schema_find("correlation.*.rank")->rule, 1,
					 0.0, &rank);
		const config_setting_t *paths = access_member(g, "paths");
		if (paths == NULL) {
			access_report(L, g, _("%s: missing 'paths': add paths = [\"PATH\", \"PATH\"];"), where);
			continue;
		}
		if (config_setting_type(paths) != CONFIG_TYPE_ARRAY && config_setting_type(paths) != CONFIG_TYPE_LIST) {
			access_report(L, paths, _("%s: 'paths' must be an array of strings [\"...\", ...], not %s"),
				      where, access_type_name(paths));
			continue;
		}
		int reached = 0, fixed = 0;
		for (int j = 0; j < config_setting_length(paths); j++) {
			const config_setting_t *p = config_setting_get_elem(paths, (unsigned)j);
			const char *pattern = config_setting_get_string(p);
			if (pattern == NULL) {
				access_report(L, p, _("%s: paths[%d] must be a string, not %s"), where, j + 1,
					      access_type_name(p));
				ok = 0;
				continue;
			}
			int m = uncertain_set_match(set, pattern, matches);
			int some_fixed = fixed_by_flag(R, pattern);
			fixed |= some_fixed; /* paths fixed by --set: their pairs go */
			if (m == 0 && some_fixed)
				continue;
			if (m == 0) {
				diag_add_at(L->d, DIAG_INPUT, file, line,
					    _("correlation: %s matches no uncertain input: correlate paths "
					    "that an `uncertain` entry gives a distribution"),
					    pattern);
				ok = 0;
				continue;
			}
			for (int a = 0; a < m && reached < count; a++)
				inputs[reached++] = matches[a];
		}
		if (!ok)
			continue;
		if (reached < 2 && !fixed) {
			diag_add_at(L->d, DIAG_INPUT, file, line,
				    ngettext("correlation: the paths reach %d uncertain input: a correlation "
					     "needs two or more",
					     "correlation: the paths reach %d uncertain inputs: a correlation "
					     "needs two or more", (unsigned long)reached),
				    reached);
			continue;
		}
		if (reached >= 2)
			uncertain_set_correlate(set, inputs, reached, rank, file, line, L->d);
	}
	free(inputs);
	free(matches);
}

/* ---- the whole ------------------------------------------------------------ */

static void reading_free(struct reading *R)
{
	for (int i = 0; i < R->n_entries; i++) {
		free(R->entries[i].values);
		free(R->entries[i].weights);
	}
	free(R->entries);
	for (int i = 0; i < R->n_paths; i++)
		free(R->paths[i].path);
	free(R->paths);
	free(R->fixed);
	free(R->targets);
	free(R->first);
	free(R->owner);
}

void uncertainty_read(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	const config_setting_t *list = access_member(root, "uncertain");
	const config_setting_t *correlation = access_member(root, "correlation");
	if (list == NULL && correlation == NULL)
		return;
	if (list != NULL && !config_setting_is_list(list)) {
		access_report(L, list,
			      _("'uncertain' must be a list ( { path = \"...\"; dist = \"...\"; ... } ), not %s"),
			      access_type_name(list));
		return;
	}
	struct reading R = {.L = L, .root = root};
	int n = list ? config_setting_length(list) : 0;
	if (n > LIMIT_UNCERTAIN_INPUTS) {
		access_report(L, list, _("'uncertain' has %d entries, more than the %d ccsim draws"), n,
			      LIMIT_UNCERTAIN_INPUTS);
		return;
	}
	R.entries = access_alloc(L, (size_t)n, sizeof *R.entries);
	if (R.entries == NULL)
		return;
	R.n_entries = n;
	int whole = 1;
	for (int i = 0; i < n; i++)
		whole &= read_entry(L, config_setting_get_elem(list, (unsigned)i), i, &R.entries[i]);
	/* the paths need every value resolved, and the entries read without fault */
	int errors = diag_errors(L->d);
	if (!whole || errors > 0 || L->out_of_memory || s->cells == NULL) {
		reading_free(&R);
		return;
	}
	for (int i = 0; i < n && !L->out_of_memory; i++)
		expand_entry(&R, &R.entries[i]);
	if (R.n_paths > LIMIT_UNCERTAIN_INPUTS)
		diag_add(L->d, 0, _("the uncertain entries reach %d paths, more than the %d ccsim draws"),
			 R.n_paths, LIMIT_UNCERTAIN_INPUTS);
	if (diag_errors(L->d) > errors || L->out_of_memory) {
		reading_free(&R);
		return;
	}

	/* the cells' owners, one row per key that inputs set */
	size_t cells = (size_t)s->n_districts * (size_t)s->n_categories;
	for (int i = 0; i < R.n_paths; i++) {
		const struct scenario_key *k = R.paths[i].key;
		if ((k->flags & SCENARIO_KEY_CELL) && cell_key_index(&R, k) < 0 && R.n_cell_keys < 8)
			R.cell_keys[R.n_cell_keys++] = k;
	}
	R.owner = access_alloc(L, (size_t)(R.n_cell_keys > 0 ? R.n_cell_keys : 1) * cells, sizeof *R.owner);
	struct uncertain_set *set = uncertain_set_new();
	R.first = calloc(1, sizeof *R.first);
	if (R.owner == NULL || set == NULL || R.first == NULL) {
		if (set == NULL || R.first == NULL)
			access_no_memory(L);
		uncertain_set_free(set);
		reading_free(&R);
		return;
	}
	for (int i = 0; i < R.n_paths && !L->out_of_memory; i++) {
		const struct expanded *p = &R.paths[i];
		if (set_by_flag(L, p->path, p->entry->relative)) {
			leave_out(&R, p); /* --set fixes it: its distribution is dropped */
			continue;
		}
		add_input(&R, set, p);
	}
	read_correlations(&R, set);
	if (diag_errors(L->d) == errors && !L->out_of_memory)
		uncertain_set_finish(set, L->d);
	if (diag_errors(L->d) > errors || L->out_of_memory || uncertain_count(set) == 0) {
		uncertain_set_free(set);
		reading_free(&R);
		return;
	}
	s->uncertain = set;
	s->uncertain_first = R.first;
	s->uncertain_targets = R.targets;
	R.first = NULL;
	R.targets = NULL;
	reading_free(&R);
}

/*
 * Layered scenario files (docs/model.md 2.6): `city.cfg+plan-b.cfg` reads each
 * later file on top of the earlier ones. Each file is parsed alone; its
 * settings are then merged into the first file's tree: a scalar replaces, a
 * group merges key by key, a list of named entries merges entry by entry by
 * `name` (a new name is appended), and the lists without names (policies,
 * sensitivity, ...) are appended. Every merged setting keeps the line it was
 * written at, in the combined line map, so that every message names its file.
 *
 * A per-district-and-category key keeps its levels: a district's (or the
 * defaults') scalar and its group of per-category entries are two levels, so
 * a later file's group leaves the earlier scalar in force for the categories
 * it does not name, and a later scalar replaces the earlier scalar (the
 * entries still override it, as they would in one file). In the merged tree
 * the scalar then sits in the group as an entry named "*", marked so.
 */
#include "scenario_int.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mark of a "*" entry that holds a level's scalar beside its group. */
static const char scalar_mark = 's';

int layers_is_scalar_entry(const config_setting_t *entry)
{
	return entry != NULL && config_setting_get_hook(entry) == (const void *)&scalar_mark &&
	       strcmp(config_setting_name(entry), "*") == 0;
}

void layers_shift_lines(config_setting_t *setting, int offset)
{
	setting->line += (unsigned)offset;
	int type = config_setting_type(setting);
	if (type != CONFIG_TYPE_GROUP && type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY)
		return;
	int n = config_setting_length(setting);
	for (int i = 0; i < n; i++)
		layers_shift_lines(config_setting_get_elem(setting, (unsigned)i), offset);
}

/* A and B joined by a dot (B alone when A is empty) into OUT, cut short when long. */
static void join(char *out, size_t size, const char *a, const char *b)
{
	int n = snprintf(out, size, "%s%s%s", a, a[0] ? "." : "", b);
	if (n < 0)
		out[0] = '\0';
}

/* SETTING's value as a file would write it ("" for a group or list). */
static void value_text(const config_setting_t *setting, char *out, size_t size)
{
	switch (config_setting_type(setting)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		snprintf(out, size, " = %lld", config_setting_get_int64(setting));
		break;
	case CONFIG_TYPE_FLOAT: {
		char number[32];
		diag_format_number(config_setting_get_float(setting), number, sizeof number);
		snprintf(out, size, " = %s", number);
		break;
	}
	case CONFIG_TYPE_BOOL:
		snprintf(out, size, " = %s", config_setting_get_bool(setting) ? "true" : "false");
		break;
	case CONFIG_TYPE_STRING:
		snprintf(out, size, " = \"%.200s\"", config_setting_get_string(setting));
		break;
	case CONFIG_TYPE_ARRAY:
		snprintf(out, size, " = [ ... ]");
		break;
	default:
		out[0] = '\0';
	}
}

/* Records the value FROM a later file wrote at PATH. */
static void note(struct layer_merge *m, const char *path, const char *kind,
		 const config_setting_t *from, int replaced)
{
	if (m->failed)
		return;
	if (m->n == m->capacity) {
		int capacity = m->capacity ? 2 * m->capacity : 16;
		struct layer_origin *grown = realloc(m->origins, (size_t)capacity * sizeof *grown);
		if (grown == NULL) {
			m->failed = 1;
			return;
		}
		m->origins = grown;
		m->capacity = capacity;
	}
	char value[256], *copy = NULL;
	value_text(from, value, sizeof value);
	size_t length = strlen(path) + strlen(value) + 1;
	if ((copy = malloc(length)) == NULL) {
		m->failed = 1;
		return;
	}
	snprintf(copy, length, "%s%s", path, value);
	m->origins[m->n++] = (struct layer_origin){copy, kind, access_line(from), replaced};
}

void layers_merge_free(struct layer_merge *m)
{
	for (int i = 0; i < m->n; i++)
		free(m->origins[i].path);
	free(m->origins);
	memset(m, 0, sizeof *m);
}

/* A copy of FROM as a new member NAME (NULL in a list or array) of PARENT. */
static config_setting_t *copy_into(struct layer_merge *m, config_setting_t *parent,
				   const config_setting_t *from, const char *name)
{
	int type = config_setting_type(from);
	config_setting_t *to = config_setting_add(parent, name, type);
	if (to == NULL) {
		m->failed = 1;
		return NULL;
	}
	to->line = from->line;
	to->format = from->format;
	int ok = CONFIG_TRUE;
	switch (type) {
	case CONFIG_TYPE_INT: ok = config_setting_set_int(to, config_setting_get_int(from)); break;
	case CONFIG_TYPE_INT64: ok = config_setting_set_int64(to, config_setting_get_int64(from)); break;
	case CONFIG_TYPE_FLOAT: ok = config_setting_set_float(to, config_setting_get_float(from)); break;
	case CONFIG_TYPE_BOOL: ok = config_setting_set_bool(to, config_setting_get_bool(from)); break;
	case CONFIG_TYPE_STRING: ok = config_setting_set_string(to, config_setting_get_string(from)); break;
	case CONFIG_TYPE_GROUP:
	case CONFIG_TYPE_LIST:
	case CONFIG_TYPE_ARRAY:
		for (int i = 0; i < config_setting_length(from) && !m->failed; i++) {
			const config_setting_t *e = config_setting_get_elem(from, (unsigned)i);
			copy_into(m, to, e, config_setting_name(e));
		}
		break;
	default: break;
	}
	if (!ok)
		m->failed = 1;
	return to;
}

/* Replaces member NAME of PARENT (OLD) by a copy of FROM. */
static void replace(struct layer_merge *m, config_setting_t *parent, config_setting_t *old,
		    const config_setting_t *from, const char *path)
{
	int replaced = old ? access_line(old) : 0;
	char name[256];
	snprintf(name, sizeof name, "%s", config_setting_name(from));
	if (old != NULL)
		config_setting_remove(parent, name);
	copy_into(m, parent, from, name);
	note(m, path, replaced ? "replaces" : "adds", from, replaced);
}

/* The string `name` of list element E, or NULL. */
static const char *element_name(const config_setting_t *e)
{
	if (!config_setting_is_group(e))
		return NULL;
	const config_setting_t *name = access_member(e, "name");
	return name && config_setting_type(name) == CONFIG_TYPE_STRING ? config_setting_get_string(name)
								       : NULL;
}

static void merge_group(struct layer_merge *m, config_setting_t *base, const config_setting_t *over,
			const char *path, const char *pattern);

/* 1 when a later file's entries of list PATTERN are appended whatever they are named. */
static int appended_list(const char *pattern)
{
	static const char *const appended[] = {"policies", "uncertain", "correlation", "levers",
					       "sensitivity"};
	for (int i = 0; i < N_ELEMENTS(appended); i++)
		if (strcmp(pattern, appended[i]) == 0)
			return 1;
	return 0;
}

/* 1 when the list PATTERN's entries merge by name (districts, categories, ...). */
static int named_list(const char *pattern)
{
	if (appended_list(pattern))
		return 0;
	char name[512];
	join(name, sizeof name, pattern, "*.name");
	return scenario_schema_find(name) != NULL;
}

/* A list of named entries: same name merges, a new name is appended. */
static void merge_named(struct layer_merge *m, config_setting_t *base, const config_setting_t *over,
			const char *path, const char *pattern)
{
	char entry_path[512], entry_pattern[512], number[16];
	join(entry_pattern, sizeof entry_pattern, pattern, "*");
	int n = config_setting_length(over);
	for (int i = 0; i < n && !m->failed; i++) {
		const config_setting_t *e = config_setting_get_elem(over, (unsigned)i);
		const char *name = element_name(e);
		for (int j = 0; name != NULL && j < i; j++) {
			const char *earlier = element_name(config_setting_get_elem(over, (unsigned)j));
			if (earlier != NULL && strcmp(earlier, name) == 0) {
				int first = access_line(config_setting_get_elem(over, (unsigned)j));
				if (m->map != NULL && first > 0 && first <= m->map->n_lines)
					first = m->map->origin[first].line;
				diag_add(m->d, access_line(e),
					 _("the name '%s' is used twice in '%s' (also at line %d): give each "
					 "entry once"), name, path, first);
				name = NULL;
			}
		}
		config_setting_t *same = NULL;
		for (int j = 0; name != NULL && same == NULL && j < config_setting_length(base); j++) {
			config_setting_t *b = config_setting_get_elem(base, (unsigned)j);
			const char *own = element_name(b);
			if (own != NULL && strcmp(own, name) == 0)
				same = b;
		}
		join(entry_path, sizeof entry_path, path, name ? name : "?");
		if (same != NULL) {
			merge_group(m, same, e, entry_path, entry_pattern);
		} else {
			copy_into(m, base, e, NULL);
			snprintf(number, sizeof number, "%d", config_setting_length(base));
			if (name == NULL)
				join(entry_path, sizeof entry_path, path, number);
			note(m, entry_path, "adds", e, 0);
		}
	}
}

/* A list without names: every entry appended. */
static void append_list(struct layer_merge *m, config_setting_t *base, const config_setting_t *over,
			const char *path)
{
	char entry_path[512], number[16];
	int n = config_setting_length(over);
	for (int i = 0; i < n && !m->failed; i++) {
		const config_setting_t *e = config_setting_get_elem(over, (unsigned)i);
		copy_into(m, base, e, NULL);
		snprintf(number, sizeof number, "%d", config_setting_length(base));
		join(entry_path, sizeof entry_path, path, number);
		note(m, entry_path, "appends", e, 0);
	}
}

/* Adds to GROUP a "*" entry holding the scalar FROM (a copy). */
static void add_scalar_entry(struct layer_merge *m, config_setting_t *group, const config_setting_t *from)
{
	config_setting_t *old = access_member(group, "*");
	if (old != NULL)
		config_setting_remove(group, "*");
	config_setting_t *to = copy_into(m, group, from, "*");
	if (to != NULL)
		config_setting_set_hook(to, (void *)&scalar_mark);
}

/* A per-district-and-category key KEY of a level: its scalar and entries are two levels. */
static void merge_cell(struct layer_merge *m, config_setting_t *level, config_setting_t *old,
		       const config_setting_t *from, const char *path)
{
	int scalar = config_setting_is_number(from);
	if (old == NULL && config_setting_is_group(from)) { /* noted entry by entry */
		old = config_setting_add(level, config_setting_name(from), CONFIG_TYPE_GROUP);
		if (old == NULL) {
			m->failed = 1;
			return;
		}
		old->line = from->line;
	} else if (old == NULL || (!config_setting_is_group(from) && !scalar) ||
	    (!config_setting_is_group(old) && !config_setting_is_number(old)) ||
	    (scalar && !config_setting_is_group(old))) {
		replace(m, level, old, from, path); /* the type checks say what is wrong, if anything */
		return;
	}
	if (scalar && config_setting_is_group(old)) { /* the earlier group's entries stay; the scalar is replaced */
		const config_setting_t *was = access_member(old, "*");
		int replaced = layers_is_scalar_entry(was) ? access_line(was) : 0;
		add_scalar_entry(m, old, from);
		note(m, path, replaced ? _("replaces") : _("adds beside the earlier entries"), from, replaced);
		return;
	}
	if (!config_setting_is_group(old)) { /* an earlier scalar beside a later group */
		char name[256];
		snprintf(name, sizeof name, "%s", config_setting_name(old));
		/* the scalar is kept aside while its key becomes a group */
		config_setting_t *aside = config_setting_add(level, "*aside*", CONFIG_TYPE_GROUP);
		if (aside == NULL || copy_into(m, aside, old, "*") == NULL) {
			m->failed = 1;
			return;
		}
		config_setting_remove(level, name);
		config_setting_t *group = config_setting_add(level, name, CONFIG_TYPE_GROUP);
		if (group == NULL) {
			m->failed = 1;
			return;
		}
		group->line = from->line;
		add_scalar_entry(m, group, access_member(aside, "*"));
		config_setting_remove(level, "*aside*");
		old = group;
	}
	char entry_path[512];
	int n = config_setting_length(from);
	for (int i = 0; i < n && !m->failed; i++) {
		const config_setting_t *e = config_setting_get_elem(from, (unsigned)i);
		join(entry_path, sizeof entry_path, path, config_setting_name(e));
		replace(m, old, access_member(old, config_setting_name(e)), e, entry_path);
	}
}

/* 1 when KEY under a group of PATTERN is a per-district-and-category key. */
static int cell_key(const char *pattern, const char *key)
{
	if (strcmp(pattern, "defaults") != 0 && strcmp(pattern, "districts.*") != 0)
		return 0;
	const struct scenario_key *k = schema_child("districts.*", key);
	return k != NULL && (k->flags & SCENARIO_KEY_CELL) != 0;
}

/* A string member's text, or NULL. */
static const char *string_member(const config_setting_t *group, const char *key)
{
	const config_setting_t *s = access_member(group, key);
	return s && config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
}

static void merge_group(struct layer_merge *m, config_setting_t *base, const config_setting_t *over,
			const char *path, const char *pattern)
{
	int n = config_setting_length(over);
	for (int i = 0; i < n && !m->failed; i++) {
		const config_setting_t *e = config_setting_get_elem(over, (unsigned)i);
		const char *key = config_setting_name(e);
		char child_path[512], child_pattern[512];
		join(child_path, sizeof child_path, path, key);
		join(child_pattern, sizeof child_pattern, pattern, key);
		config_setting_t *old = access_member(base, key);
		size_t length = strlen(pattern);
		if (strcmp(key, "name") == 0 && length > 0 && pattern[length - 1] == '*')
			continue; /* a named entry's name: the same by definition */
		if (cell_key(pattern, key)) {
			merge_cell(m, base, old, e, child_path);
			continue;
		}
		if (old == NULL) {
			replace(m, base, NULL, e, child_path);
			continue;
		}
		const char *rule = string_member(e, "rule"), *was = string_member(old, "rule");
		if (strcmp(child_pattern, "pass") == 0 && rule && was && strcmp(rule, was) != 0) {
			/* another rule: the earlier rule's keys would not belong */
			replace(m, base, old, e, child_path);
			continue;
		}
		int lists = config_setting_is_list(old) && config_setting_is_list(e);
		const struct scenario_key *k = scenario_schema_find(child_pattern);
		if (lists && named_list(child_pattern))
			merge_named(m, old, e, child_path, child_pattern);
		else if (lists && ((k != NULL && k->type == SCENARIO_TYPE_LIST) ||
				   appended_list(child_pattern)))
			append_list(m, old, e, child_path);
		else if (config_setting_is_group(old) && config_setting_is_group(e))
			merge_group(m, old, e, child_path, child_pattern);
		else
			replace(m, base, old, e, child_path);
	}
}

void layers_merge(config_setting_t *base, const config_setting_t *overlay, struct layer_merge *m)
{
	merge_group(m, base, overlay, "", "");
}

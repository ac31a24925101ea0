/*
 * libconfig access for the scenario reader: members of a group read with
 * their type checked, each problem reported at the line (and file) where
 * the value was written.
 */
#include "scenario_int.h"
#include "i18n.h"

#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *access_sep(const char *where)
{
	return where[0] ? _(": ") : "";
}

int access_line(const config_setting_t *setting)
{
	return setting ? (int)setting->line : 0;
}

config_setting_t *access_member(const config_setting_t *group, const char *name)
{
	if (group == NULL || name == NULL || !config_setting_is_group(group))
		return NULL;
	int n = config_setting_length(group);
	for (int i = 0; i < n; i++) {
		config_setting_t *member = config_setting_get_elem(group, (unsigned)i);
		const char *its = config_setting_name(member);
		if (its != NULL && its[0] == name[0] && strcmp(its, name) == 0)
			return member;
	}
	return NULL;
}

const char *access_type_name(const config_setting_t *setting)
{
	switch (config_setting_type(setting)) {
	case CONFIG_TYPE_GROUP: return _("a group { ... }");
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return _("an integer");
	case CONFIG_TYPE_FLOAT: return _("a real number");
	case CONFIG_TYPE_STRING: return _("a string");
	case CONFIG_TYPE_BOOL: return _("a boolean");
	case CONFIG_TYPE_ARRAY: return _("an array [ ... ]");
	case CONFIG_TYPE_LIST: return _("a list ( ... )");
	default: return _("nothing");
	}
}

int access_is_integer(const config_setting_t *setting)
{
	int type = config_setting_type(setting);
	return type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
}

double access_number(const config_setting_t *setting)
{
	if (access_is_integer(setting))
		return (double)config_setting_get_int64(setting);
	return config_setting_get_float(setting);
}

int access_edit_distance(const char *a, const char *b)
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

const char *access_nearest(const char *word, const char *const *candidates, int n)
{
	const char *best = NULL;
	int best_distance = 0;
	for (int i = 0; i < n; i++) {
		int distance = access_edit_distance(word, candidates[i]);
		if (best == NULL || distance < best_distance) {
			best = candidates[i];
			best_distance = distance;
		}
	}
	return best;
}

void access_no_memory(struct loader *L)
{
	if (!L->out_of_memory)
		diag_no_memory(L->d, _("reading the scenario"));
	L->out_of_memory = 1;
}

void *access_alloc(struct loader *L, size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size);
	if (p == NULL)
		access_no_memory(L);
	return p;
}

char *access_copy(struct loader *L, const char *text)
{
	size_t n = strlen(text) + 1;
	char *copy = malloc(n);
	if (copy == NULL) {
		access_no_memory(L);
		return NULL;
	}
	memcpy(copy, text, n);
	return copy;
}

/* A list this long is read on several threads (at most this many). */
#define PARALLEL_ENTRIES 4096
#define PARALLEL_MAX_THREADS 8

int access_threads(const struct loader *L, int n)
{
	int threads = omp_get_max_threads();
	if (threads > PARALLEL_MAX_THREADS)
		threads = PARALLEL_MAX_THREADS;
	return n < PARALLEL_ENTRIES || threads < 2 || L->n_settings > 0 ? 1 : threads;
}

void access_in_parallel(struct loader *L, int n, access_range each, const void *context)
{
	int threads = access_threads(L, n);
	if (threads < 2) {
		each(L, context, 0, n);
		return;
	}
	struct diag found[PARALLEL_MAX_THREADS];
	int out_of_memory[PARALLEL_MAX_THREADS] = {0};
	for (int t = 0; t < threads; t++)
		diag_init(&found[t], NULL);
#pragma omp parallel num_threads(threads)
	{
		int t = omp_get_thread_num(), team = omp_get_num_threads();
		struct loader own = *L;
		own.d = &found[t];
		own.out_of_memory = 0;
		each(&own, context, (int)((long)n * t / team), (int)((long)n * (t + 1) / team));
		out_of_memory[t] = own.out_of_memory;
	}
	for (int t = 0; t < threads; t++) {
		L->out_of_memory |= out_of_memory[t];
		diag_move(L->d, &found[t]);
		diag_free(&found[t]);
	}
}

void access_report(struct loader *L, const config_setting_t *at, const char *fmt, ...)
{
	char small[512];
	va_list args, again;
	va_start(args, fmt);
	va_copy(again, args);
	int length = vsnprintf(small, sizeof small, fmt, args);
	va_end(args);
	char *message = small;
	if (length >= (int)sizeof small) {
		message = malloc((size_t)length + 1);
		if (message == NULL) {
			va_end(again);
			access_no_memory(L);
			return;
		}
		vsnprintf(message, (size_t)length + 1, fmt, again);
	}
	va_end(again);
	/* the line of the prepared text: resolve moves it to its own file's */
	diag_add(L->d, access_line(at), "%s", message);
	if (message != small)
		free(message);
}

int access_bool(struct loader *L, const config_setting_t *group, const char *where, const char *key,
		int fallback)
{
	const config_setting_t *member = access_member(group, key);
	if (member == NULL)
		return fallback;
	if (config_setting_type(member) != CONFIG_TYPE_BOOL) {
		access_report(L, member, _("%s%s'%s' must be true or false, not %s"), where, access_sep(where),
			      key, access_type_name(member));
		return fallback;
	}
	return config_setting_get_bool(member);
}

const char *access_string(struct loader *L, const config_setting_t *group, const char *where,
			  const char *key, int required)
{
	const config_setting_t *member = access_member(group, key);
	if (member == NULL) {
		if (required)
			access_report(L, group, _("%s%smissing '%s': add %s = \"...\";"), where,
				      access_sep(where), key, key);
		return NULL;
	}
	if (config_setting_type(member) != CONFIG_TYPE_STRING) {
		access_report(L, member, _("%s%s'%s' must be a string in double quotes, not %s"), where,
			      access_sep(where), key, access_type_name(member));
		return NULL;
	}
	return config_setting_get_string(member);
}

void access_check_keys(struct loader *L, const config_setting_t *group, const char *where,
		       const char *pattern)
{
	if (L->n_known < 0 || strcmp(L->known_pattern, pattern) != 0) {
		snprintf(L->known_pattern, sizeof L->known_pattern, "%s", pattern);
		L->n_known = schema_children(pattern, L->known, N_ELEMENTS(L->known));
	}
	const char *const *known = L->known;
	int n_known = L->n_known;
	int n = config_setting_length(group);
	for (int i = 0; i < n; i++) {
		const config_setting_t *member = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(member);
		if (name == NULL)
			continue;
		int found = 0;
		for (int k = 0; k < n_known && !found; k++)
			found = name[0] == known[k][0] && strcmp(name, known[k]) == 0;
		if (!found)
			access_report(L, member, _("%s%sunknown key '%s'; did you mean '%s'?"), where,
				      access_sep(where), name, access_nearest(name, known, n_known));
	}
}

const config_setting_t *access_group(struct loader *L, const config_setting_t *parent,
				     const char *where, const char *key, int required)
{
	const config_setting_t *member = access_member(parent, key);
	if (member == NULL) {
		if (required)
			access_report(L, parent, _("%s%smissing section '%s': add %s: { ... };"), where,
				      access_sep(where), key, key);
		return NULL;
	}
	if (!config_setting_is_group(member)) {
		access_report(L, member, _("%s%s'%s' must be a group { ... }, not %s"), where,
			      access_sep(where), key, access_type_name(member));
		return NULL;
	}
	return member;
}

/*
 * Values set by parameter path (MODEL.md 2: --set, a variant's settings),
 * applied as the file is read, as if the file had said them at that level.
 */
#include "scenario_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct parameter_setting *settings_for(struct loader *L, const char *path)
{
	if (L->n_settings == 0)
		return NULL; /* nothing to set, nothing to suggest */
	if (L->n_offered == L->offered_capacity) {
		int capacity = L->offered_capacity ? 2 * L->offered_capacity : 64;
		char **grown = realloc(L->offered, (size_t)capacity * sizeof *grown);
		if (grown == NULL) {
			access_no_memory(L);
			return NULL;
		}
		L->offered = grown;
		L->offered_capacity = capacity;
	}
	char *copy = access_copy(L, path);
	if (copy == NULL)
		return NULL;
	L->offered[L->n_offered++] = copy;
	struct parameter_setting *found = NULL;
	for (int i = 0; i < L->n_settings; i++)
		if (strcmp(L->settings[i].path, path) == 0) {
			L->settings[i].used = 1;
			found = &L->settings[i]; /* the last of several wins */
		}
	return found;
}

void settings_free_offered(struct loader *L)
{
	for (int i = 0; i < L->n_offered; i++)
		free(L->offered[i]);
	free(L->offered);
	L->offered = NULL;
	L->n_offered = L->offered_capacity = 0;
}

int settings_take(struct loader *L, const struct parameter_setting *set,
		  const struct value_rule *rule, double *out)
{
	char range[128], number[32];
	scenario_rule_describe(rule, range, sizeof range);
	diag_format_number(set->value, number, sizeof number);
	((struct parameter_setting *)set)->integer = rule->integer;
	if (rule_breaks(rule, set->value)) {
		diag_add(L->d, 0, "%s=%s: '%s' must be %s", set->path, number, rule->key, range);
		return 0;
	}
	*out = set->value;
	return 1;
}

/* The parameter named KEY of P, added (a number) when the file has none; NULL when out of memory. */
static struct policy_param *param_for(struct loader *L, struct policy *p, const char *key)
{
	for (int j = 0; j < p->n_params; j++)
		if (strcmp(p->params[j].key, key) == 0)
			return &p->params[j];
	struct policy_param *grown = realloc(p->params, (size_t)(p->n_params + 1) * sizeof *grown);
	char *copy = access_copy(L, key);
	if (grown == NULL || copy == NULL) {
		if (grown != NULL)
			p->params = grown;
		free(copy);
		if (grown == NULL)
			access_no_memory(L);
		return NULL;
	}
	p->params = grown;
	struct policy_param *param = &p->params[p->n_params++];
	memset(param, 0, sizeof *param);
	param->key = copy;
	param->type = POLICY_VALUE_NUMBER;
	return param;
}

/*
 * A number replaces the file's value or adds the key (the plugin host then
 * checks it against the plugin's own parameters).
 */
void settings_apply_params(struct loader *L, struct policy *p, int index, const char *where)
{
	char prefix[64];
	snprintf(prefix, sizeof prefix, "policies.%d.params.", index + 1);
	size_t length = strlen(prefix);
	for (int j = 0; j < p->n_params; j++) {
		char path[512];
		snprintf(path, sizeof path, "%s%s", prefix, p->params[j].key);
		settings_for(L, path); /* offered, for suggestions */
	}
	for (int k = 0; k < L->n_settings; k++) {
		struct parameter_setting *set = &L->settings[k];
		if (strncmp(set->path, prefix, length) != 0 || set->path[length] == '\0' ||
		    strchr(set->path + length, '.') != NULL)
			continue;
		set->used = 1;
		struct policy_param *param = param_for(L, p, set->path + length);
		if (param == NULL)
			return;
		if (param->type != POLICY_VALUE_NUMBER) {
			diag_add(L->d, 0, "%s: %s is not a number in the scenario; a path sets numbers only",
				 where, set->path);
			continue;
		}
		if (!isfinite(set->value)) {
			diag_add(L->d, 0, "%s: %s must be a finite number", where, set->path);
			continue;
		}
		param->number = set->value;
		param->line = 0;
	}
}

void settings_report_unused(struct loader *L)
{
	for (int i = 0; i < L->n_settings; i++) {
		if (L->settings[i].used)
			continue;
		const char *path = L->settings[i].path;
		const char *best[3] = {NULL, NULL, NULL};
		int distance[3] = {0, 0, 0};
		for (int k = 0; k < L->n_offered; k++) {
			int e = access_edit_distance(path, L->offered[k]);
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

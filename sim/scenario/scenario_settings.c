/*
 * Values set by parameter path (docs/model.md 2.4: --set, a variant's settings),
 * applied as the file is read, as if the file had said them at that level.
 */
#include "scenario_int.h"
#include "i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* VALUE, which breaks RULE, in few digits unless they would not show why. */
static void breaking_number(const struct value_rule *rule, double value, char *out, size_t size)
{
	snprintf(out, size, "%.6g", value);
	if (!rule_breaks(rule, strtod(out, NULL)))
		diag_format_number(value, out, size);
}

/* 1 when the concrete PATH matches pattern P..END; AT_START: P begins a segment. */
static int match_from(const char *p, const char *end, const char *path, int at_start)
{
	for (; p < end; p++, path++) {
		if (*p == '*' && at_start && (p + 1 == end || p[1] == '.')) {
			/* a '*' segment: one name, of one character or more */
			for (const char *e = path + 1; e[-1] != '\0'; e++)
				if (match_from(p + 1, end, e, 0))
					return 1;
			return 0;
		}
		if (*p != *path)
			return 0;
		at_start = *p == '.';
	}
	return *path == '\0';
}

int settings_match(const char *pattern, size_t length, const char *path)
{
	return match_from(pattern, pattern + length, path, 1);
}

int settings_probe(const struct loader *L, const struct parameter_setting *set)
{
	return L->probe_of != NULL ? L->probe_of[set - L->settings] : 0;
}

int settings_scales(const struct parameter_setting *set)
{
	size_t n = strlen(set->path);
	return n >= 2 && set->path[n - 1] == '*' && set->path[n - 2] != '.';
}

/* 1 when setting SET sets or scales the concrete PATH. */
static int setting_matches(const struct parameter_setting *set, const char *path)
{
	size_t n = strlen(set->path);
	return settings_match(set->path, n - (size_t)settings_scales(set), path);
}

double settings_factor(struct loader *L, const char *const *paths, int n,
		       const struct parameter_setting **which)
{
	double factor = 1.0;
	*which = NULL;
	for (int i = 0; L->n_scales > 0 && i < L->n_settings; i++) {
		struct parameter_setting *set = &L->settings[i];
		if (!settings_scales(set) || settings_probe(L, set))
			continue;
		for (int k = 0; k < n; k++)
			if (setting_matches(set, paths[k])) {
				set->used |= 1;
				factor *= set->value;
				*which = set;
				break;
			}
	}
	return factor;
}

int settings_scaled(struct loader *L, const struct parameter_setting *which,
		    const struct value_rule *rule, const char *what, double value, double factor,
		    double *out)
{
	double scaled = value * factor;
	if (rule->integer)
		scaled = nearbyint(scaled); /* a whole-number key takes the nearest whole number */
	if (!rule_breaks(rule, scaled)) {
		*out = scaled;
		return 1;
	}
	struct parameter_setting *own = (struct parameter_setting *)which;
	if (own->used & 2) { /* said once, with a count of the others at the end */
		if (L->more == NULL)
			L->more = access_alloc(L, (size_t)L->n_settings, sizeof *L->more);
		if (L->more != NULL)
			L->more[own - L->settings]++;
		return 0;
	}
	own->used |= 2;
	char range[128], a[32], b[32], c[32];
	scenario_rule_describe(rule, range, sizeof range);
	breaking_number(rule, scaled, a, sizeof a);
	diag_format_number(value, b, sizeof b);
	diag_format_number(factor, c, sizeof c);
	diag_add(L->d, 0, _("%s=%g: '%s'%s%s would be %s (%s x %s), must be %s"), which->path,
		 which->value, rule->key, what[0] ? _(" of ") : "", what, a, b, c, range);
	return 0;
}

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
	for (int i = 0; i < L->n_settings; i++) {
		if (!setting_matches(&L->settings[i], path))
			continue;
		L->settings[i].used |= 1; /* a scale too: it names a path (it may scale no value) */
		if (!settings_scales(&L->settings[i]) && !settings_probe(L, &L->settings[i]))
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
	free(L->more);
	L->more = NULL;
	L->n_offered = L->offered_capacity = 0;
}

int settings_take(struct loader *L, const struct parameter_setting *set,
		  const struct value_rule *rule, double *out)
{
	char range[128], number[32];
	scenario_rule_describe(rule, range, sizeof range);
	diag_format_number(set->value, number, sizeof number);
	struct parameter_setting *own = (struct parameter_setting *)set;
	own->integer = rule->integer;
	if (rule_breaks(rule, set->value)) {
		if (!(own->used & 2)) /* a pattern matching many paths: said once */
			diag_add(L->d, 0, _("%s=%s: '%s' must be %s"), set->path, number, rule->key, range);
		own->used |= 2;
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

/* Sets parameter PARAM of P (WHERE) by SET; 0 when refused (reported). */
static int set_param(struct loader *L, struct policy_param *param, const struct parameter_setting *set,
		     const char *where)
{
	if (param->type != POLICY_VALUE_NUMBER) {
		diag_add(L->d, 0, _("%s: %s is not a number in the scenario; a path sets numbers only"),
			 where, set->path);
		return 0;
	}
	if (!isfinite(set->value)) {
		diag_add(L->d, 0, _("%s: %s must be a finite number"), where, set->path);
		return 0;
	}
	param->number = set->value;
	param->line = 0;
	return 1;
}

/*
 * A number replaces the file's value or adds the key (the plugin host then
 * checks it against the plugin's own parameters). A pattern
 * (policies.*.params.boost) sets the parameters the policies have; a
 * setting PATH*=F multiplies the numbers it matches.
 */
void settings_apply_params(struct loader *L, struct policy *p, int index, const char *where)
{
	if (L->out_of_memory) /* a parameter's key may be missing: the load fails anyway */
		return;
	char prefix[64];
	snprintf(prefix, sizeof prefix, "policies.%d.params.", index + 1);
	size_t length = strlen(prefix);
	int n_file = p->n_params;
	char **paths = access_alloc(L, (size_t)n_file, sizeof *paths);
	for (int j = 0; paths != NULL && j < n_file; j++) {
		size_t size = length + strlen(p->params[j].key) + 1;
		if ((paths[j] = access_alloc(L, size, 1)) != NULL)
			snprintf(paths[j], size, "%s%s", prefix, p->params[j].key);
		settings_for(L, paths[j] ? paths[j] : ""); /* offered, for suggestions */
	}
	for (int k = 0; paths != NULL && k < L->n_settings; k++) {
		struct parameter_setting *set = &L->settings[k];
		size_t n = strlen(set->path) - (size_t)settings_scales(set);
		if (settings_probe(L, set)) { /* a sensitivity entry's path: a parameter the file or plugin has */
			set->used |= strncmp(set->path, prefix, length) == 0 && n > length &&
				     memchr(set->path + length, '.', n - length) == NULL;
			continue;
		}
		if (settings_scales(set))
			continue;
		if (strchr(set->path, '*') != NULL) { /* a pattern: the parameters the file gives */
			for (int j = 0; j < n_file; j++)
				if (paths[j] != NULL && settings_match(set->path, strlen(set->path), paths[j])) {
					set->used |= 1;
					set_param(L, &p->params[j], set, where);
				}
			continue;
		}
		if (strncmp(set->path, prefix, length) != 0 || set->path[length] == '\0' ||
		    strchr(set->path + length, '.') != NULL)
			continue;
		set->used |= 1;
		struct policy_param *param = param_for(L, p, set->path + length);
		if (param == NULL)
			break;
		set_param(L, param, set, where);
	}
	for (int j = 0; paths != NULL && L->n_scales > 0 && j < n_file; j++) {
		const struct parameter_setting *which;
		const char *one[1] = {paths[j] ? paths[j] : ""};
		double factor = settings_factor(L, one, 1, &which);
		struct policy_param *param = &p->params[j];
		if (which == NULL)
			continue;
		if (param->type != POLICY_VALUE_NUMBER)
			diag_add(L->d, 0, _("%s: %s is not a number in the scenario; a path scales numbers only"),
				 where, which->path);
		else if (!isfinite(param->number * factor))
			diag_add(L->d, 0, _("%s: %s=%g makes params.%s infinite"), where, which->path,
				 which->value, param->key);
		else
			param->number *= factor;
	}
	for (int j = 0; paths != NULL && j < n_file; j++)
		free(paths[j]);
	free(paths);
}

const char *scenario_setting_names(const struct parameter_setting *set)
{
	const char *equals = strchr(set->path, '=');
	return equals != NULL && equals[1] == '[' ? equals + 2 : NULL;
}

/* The names of LIST ("A, \"B\"]": spaces and quotes around each, up to
 * the ']') into a fresh array *OUT (NULL for none) and their count *N:
 * 0, or -1 when out of memory. */
static int names_of(const char *list, char ***out, int *n)
{
	const char *end = strchr(list, ']');
	size_t length = end ? (size_t)(end - list) : strlen(list);
	char **names = calloc(length / 2 + 1, sizeof *names);
	*n = 0;
	*out = NULL;
	if (names == NULL)
		return -1;
	for (const char *at = list; at < list + length;) {
		const char *stop = memchr(at, ',', (size_t)(list + length - at));
		if (stop == NULL)
			stop = list + length;
		const char *first = at, *last = stop;
		while (first < last && (*first == ' ' || *first == '"' || *first == '\''))
			first++;
		while (last > first && (last[-1] == ' ' || last[-1] == '"' || last[-1] == '\''))
			last--;
		at = stop + 1;
		if (first == last)
			continue;
		if ((names[*n] = strndup(first, (size_t)(last - first))) == NULL) {
			while (*n > 0)
				free(names[--*n]);
			free(names);
			return -1;
		}
		(*n)++;
	}
	if (*n == 0)
		free(names);
	else
		*out = names;
	return 0;
}

/*
 * A list of names replaces the file's districts of the policies it matches
 * (policies.2.districts=[A, B], policies.*.districts=[A]); every name must
 * be a district, and the list must name one at least (a policy with no
 * list acts on every district).
 */
void settings_apply_targets(struct loader *L, struct policy *p, int index, const char *where,
			    const char *const *districts, int n_districts)
{
	char path[64];
	snprintf(path, sizeof path, "policies.%d.districts", index + 1);
	settings_for(L, path); /* offered, for suggestions */
	for (int k = 0; k < L->n_settings; k++) {
		struct parameter_setting *set = &L->settings[k];
		const char *list = scenario_setting_names(set);
		if (list == NULL || settings_probe(L, set) ||
		    !settings_match(set->path, (size_t)(list - 2 - set->path), path))
			continue;
		set->used |= 1;
		int n;
		char **names;
		if (names_of(list, &names, &n) != 0) {
			access_no_memory(L);
			return;
		}
		if (names == NULL) {
			diag_add(L->d, 0, _("%s: %s (a --set or --variant) names no district: give one or more "
					    "(a policy without a districts list acts on every district)"),
				 where, set->path);
			continue;
		}
		for (int j = 0; j < n && n_districts > 0; j++) {
			for (int i = 0; i < j; i++)
				if (strcmp(names[i], names[j]) == 0) {
					diag_add_at(L->d, DIAG_WARNING, NULL, 0,
						    _("%s: %s names '%s' twice, so the policy is applied to it "
						      "twice; name each district once"), where, set->path, names[j]);
					break;
				}
			int known = 0;
			for (int i = 0; i < n_districts && !known; i++)
				known = strcmp(districts[i], names[j]) == 0;
			if (!known)
				diag_add(L->d, 0, _("%s: %s (a --set or --variant): '%s' names no district; did you mean '%s'?"),
					 where, set->path, names[j],
					 access_nearest(names[j], districts, n_districts));
		}
		for (int j = 0; j < p->n_targets; j++)
			free(p->targets[j]);
		free(p->targets);
		p->targets = names;
		p->n_targets = n;
	}
}

void settings_report_unused(struct loader *L)
{
	for (int i = 0; L->more != NULL && i < L->n_settings; i++)
		if (L->more[i] > 0)
			diag_add(L->d, 0, ngettext("%s=%g: %d more value would leave the range likewise",
						   "%s=%g: %d more values would leave the range likewise",
						   (unsigned long)L->more[i]),
				 L->settings[i].path, L->settings[i].value, L->more[i]);
	free(L->more);
	L->more = NULL;
	for (int i = 0; i < L->n_settings; i++) {
		if (L->settings[i].used)
			continue;
		/* a list of districts is kept after the path: not part of it */
		const char *names = scenario_setting_names(&L->settings[i]);
		char path[512];
		snprintf(path, sizeof path, "%.*s",
			 names ? (int)(names - 2 - L->settings[i].path) : (int)strlen(L->settings[i].path),
			 L->settings[i].path);
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
		char entry[64] = "";
		int probe = settings_probe(L, &L->settings[i]);
		if (probe)
			snprintf(entry, sizeof entry, _("sensitivity entry %d: "), probe);
		/* policies.N with N a number (strtoll, not sscanf's %d: a number
		 * past an int is no undefined behaviour, and is named as written) */
		const char *number = strncmp(path, "policies.", 9) == 0 ? path + 9 : NULL;
		char *end = NULL;
		long long policy = number != NULL && (*number == '-' || (*number >= '0' && *number <= '9'))
					   ? strtoll(number, &end, 10)
					   : 0;
		if (end != NULL && end > number && (*end == '.' || !*end) &&
		    (policy < 1 || policy > L->s->n_policies)) {
			/* a policy the scenario does not have: say so, not a path's spelling */
			char named[32];
			snprintf(named, sizeof named, "%.*s", (int)(end - number), number);
			diag_add(L->d, probe ? L->probe_lines[probe - 1] : 0,
				 ngettext("%s'%s': the scenario has %d policy, so policies.%s names none "
					  "(policies are numbered from 1 in the order of the file's `policies`)",
					  "%s'%s': the scenario has %d policies, so policies.%s names none "
					  "(policies are numbered from 1 in the order of the file's `policies`)",
					  (unsigned long)L->s->n_policies),
				 entry, path, L->s->n_policies, named);
			continue;
		}
		diag_add(L->d, probe ? L->probe_lines[probe - 1] : 0,
			 _("%sno parameter path '%s'; the nearest valid paths are %s%s%s%s%s"), entry,
			 path, best[0] ? best[0] : _("(none)"), best[1] ? ", " : "", best[1] ? best[1] : "",
			 best[2] ? ", " : "", best[2] ? best[2] : "");
	}
}

/* ---- ranges ---------------------------------------------------------------- */

/* Checks VALUE x FACTOR (what PATH would give) against RULE; 1 with WHY when it leaves it. */
static int leaves(const struct value_rule *rule, double value, double factor, const char *what,
		  char *why, size_t size)
{
	double v = value * factor;
	struct value_rule range = *rule;
	range.integer = 0; /* a design rounds a whole-number path's values */
	if (!rule_breaks(&range, v))
		return 0;
	char text[128], a[32];
	scenario_rule_describe(rule, text, sizeof text);
	breaking_number(&range, v, a, sizeof a);
	snprintf(why, size, _("'%s'%s%s would be %s, must be %s"), rule->key, what[0] ? _(" of ") : "",
		 what, a, text);
	return 1;
}

int scenario_range_check(const struct scenario *s, const char *path, double lo, double hi,
			 char *why, size_t size)
{
	struct parameter_setting set = {path, 0.0, 0, 0};
	int scale = settings_scales(&set);
	size_t n = strlen(path) - (size_t)scale;
	char core[512];
	snprintf(core, sizeof core, "%.*s", (int)n, path);
	const struct scenario_key *k = scenario_schema_match(core);
	if (k == NULL || k->storage == SCENARIO_STORE_NONE || k->type == SCENARIO_TYPE_BOOLEAN)
		return -1;
	if (!scale) /* the values themselves */
		return leaves(&k->rule, lo, 1.0, "", why, size) || leaves(&k->rule, hi, 1.0, "", why, size);
	if (strncmp(core, "defaults.", 9) == 0)
		return -1; /* it scales only what the defaults give: known while reading */
	int matched = 0;
	char concrete[2][512], what[400];
	for (int item = 0; item < scenario_record_count(s, k->record); item++) {
		int cell = (k->flags & SCENARIO_KEY_CELL) != 0;
		for (int c = 0; c < (cell ? s->n_categories : 1); c++) {
			if (cell) {
				snprintf(concrete[0], sizeof concrete[0], "districts.%s.%s", s->districts[item].name,
					 k->rule.key);
				if (snprintf(concrete[1], sizeof concrete[1], "%s.%s", concrete[0],
					     s->categories[c].name) < 0)
					concrete[1][0] = '\0';
				snprintf(what, sizeof what, _("district '%s', category '%s'"), s->districts[item].name,
					 s->categories[c].name);
			} else {
				/* the pattern with the entry's name for its '*' */
				const char *star = strchr(k->path, '*');
				const char *name = k->record == SCENARIO_RECORD_ROOT ? "" :
					*(char *const *)schema_record(s, k->record, item, -1);
				if (star != NULL)
					snprintf(concrete[0], sizeof concrete[0], "%.*s%s%s",
						 (int)(star - k->path), k->path, name, star + 1);
				else
					snprintf(concrete[0], sizeof concrete[0], "%s", k->path);
				snprintf(concrete[1], sizeof concrete[1], "%s", concrete[0]);
				snprintf(what, sizeof what, "%s%s%s", star ? "'" : "", name, star ? "'" : "");
			}
			if (!settings_match(core, n, concrete[0]) && !settings_match(core, n, concrete[1]))
				continue;
			matched = 1;
			double value = scenario_value_get(s, k, item, cell ? c : -1);
			if (leaves(&k->rule, value, lo, what, why, size) ||
			    leaves(&k->rule, value, hi, what, why, size))
				return 1;
		}
	}
	return matched ? 0 : -1;
}

/*
 * Value rules: a number's type and range, the words that say so, and
 * numbers read from a file or a setting against them.
 */
#include "scenario_int.h"
#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scenario_rule_describe(const struct value_rule *rule, char *out, size_t size)
{
	const char *kind = rule->integer ? _("an integer") : _("a number");
	const char *form = rule->integer ? "%.0f" : "%g"; /* integers in full: 1000000, not 1e+06 */
	char lo[24], hi[24];
	snprintf(lo, sizeof lo, form, rule->lo);
	snprintf(hi, sizeof hi, form, rule->hi);
	int has_lo = isfinite(rule->lo), has_hi = isfinite(rule->hi);
	if (has_lo && has_hi)
		snprintf(out, size, _("%s within %s%s, %s%s"), kind, rule->lo_open ? "(" : "[", lo, hi,
			 rule->hi_open ? ")" : "]");
	else if (has_lo)
		snprintf(out, size, "%s %s %s", kind, rule->lo_open ? _("greater than") : _("at least"), lo);
	else if (has_hi)
		snprintf(out, size, "%s %s %s", kind, rule->hi_open ? _("less than") : _("at most"), hi);
	else
		snprintf(out, size, "%s", kind);
}

int rule_breaks(const struct value_rule *rule, double value)
{
	if (!isfinite(value))
		return 1; /* every number is finite (docs/model.md 2.3) */
	if (rule->integer && value != floor(value))
		return 1;
	if (value < rule->lo || (rule->lo_open && value == rule->lo))
		return 1;
	if (value > rule->hi || (rule->hi_open && value == rule->hi))
		return 1;
	return 0;
}

int scenario_rule_check(const struct value_rule *rule, double value, char *why, size_t size)
{
	if (!rule_breaks(rule, value))
		return 0;
	char range[128];
	scenario_rule_describe(rule, range, sizeof range);
	snprintf(why, size, _("must be %s%s"), isfinite(value) ? "" : _("finite: "), range);
	return 1;
}

int rule_quick(const struct value_rule *rule, const config_setting_t *setting, double *out)
{
	int integer = access_is_integer(setting);
	if (!integer && config_setting_type(setting) != CONFIG_TYPE_FLOAT)
		return 0;
	double value = access_number(setting);
	if ((rule->integer && !integer) || rule_breaks(rule, value))
		return 0;
	*out = value;
	return 1;
}

int rule_take_number(struct loader *L, const config_setting_t *setting, const char *where,
		     const char *key, const struct value_rule *rule, double *out)
{
	char range[128];
	int integer = access_is_integer(setting);
	int number = integer || config_setting_type(setting) == CONFIG_TYPE_FLOAT;
	double value = number ? access_number(setting) : 0.0;
	if (number && (!rule->integer || integer) && !rule_breaks(rule, value)) {
		*out = value;
		return 1;
	}
	/* a problem: its words */
	const char *sep = access_sep(where);
	scenario_rule_describe(rule, range, sizeof range);
	if (!number) {
		access_report(L, setting, _("%s%s'%s' must be %s, not %s"), where, sep, key, range,
			      access_type_name(setting));
	} else if (rule->integer && !integer) {
		access_report(L, setting, _("%s%s'%s' must be %s, not a real number (write %s = %.0f;)"),
			      where, sep, key, range, key, floor(value));
	} else if (!isfinite(value)) {
		access_report(L, setting, _("%s%s'%s' is not a finite number (1e309 and beyond overflow "
			      "to infinity): every number must be finite, and '%s' must be %s"), where, sep, key,
			      key, range);
	} else {
		char text[32];
		if (integer)
			snprintf(text, sizeof text, "%lld", config_setting_get_int64(setting));
		else
			diag_format_number(value, text, sizeof text);
		access_report(L, setting, _("%s%s'%s' is %s, must be %s"), where, sep, key, text, range);
	}
	return 0;
}

/* The value of PATH in OUT scaled by the PATH*=F settings matching it: 1, or 0 (reported). */
static int rule_scale(struct loader *L, const char *path, const struct value_rule *rule, double *out)
{
	const struct parameter_setting *which;
	const char *paths[1] = {path};
	double factor = settings_factor(L, paths, 1, &which);
	return which == NULL || settings_scaled(L, which, rule, "", *out, factor, out);
}

int rule_get_number(struct loader *L, const config_setting_t *group, const char *where,
		    const struct value_rule *rule, int required, double fallback, double *out)
{
	char path[512] = "";
	int settable = L->prefix != NULL && L->n_settings > 0;
	if (settable) {
		snprintf(path, sizeof path, "%s.%s", L->prefix, rule->key);
		const struct parameter_setting *set = settings_for(L, path);
		if (set != NULL)
			return settings_take(L, set, rule, out) && rule_scale(L, path, rule, out);
	}
	const config_setting_t *member = access_member(group, rule->key);
	if (member == NULL) {
		if (required) {
			char range[128];
			scenario_rule_describe(rule, range, sizeof range);
			access_report(L, group, _("%s%smissing '%s': add %s = <%s>;"), where, access_sep(where),
				      rule->key, rule->key, range);
			return 0;
		}
		*out = fallback;
		return !settable || rule_scale(L, path, rule, out);
	}
	return rule_take_number(L, member, where, rule->key, rule, out) &&
	       (!settable || rule_scale(L, path, rule, out));
}

int rule_get_numbers(struct loader *L, const config_setting_t *group, const char *where,
		     const char *key, const struct value_rule *rule, double **out)
{
	*out = NULL;
	const config_setting_t *member = access_member(group, key);
	if (member == NULL)
		return -1;
	int type = config_setting_type(member);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		access_report(L, member, _("%s%s'%s' must be an array of numbers [a, b, ...], not %s"), where,
			      access_sep(where), key, access_type_name(member));
		return -1;
	}
	int n = config_setting_length(member);
	double *values = access_alloc(L, (size_t)n, sizeof *values);
	if (values == NULL)
		return -1;
	int ok = 1;
	for (int i = 0; i < n; i++) {
		char element[160];
		snprintf(element, sizeof element, "%s[%d]", key, i + 1);
		ok &= rule_take_number(L, config_setting_get_elem(member, (unsigned)i), where, element, rule,
				       &values[i]);
	}
	if (!ok) {
		free(values);
		return -1;
	}
	*out = values;
	return n;
}

/* A string key with fixed choices, stored as the index of the one written. */
static void rule_read_choice(struct loader *L, const config_setting_t *group, const char *where,
			     const struct scenario_key *k, void *item)
{
	schema_store(item, k, k->fallback);
	const char *text = access_string(L, group, where, k->rule.key,
					 (k->flags & SCENARIO_KEY_REQUIRED) != 0);
	if (text == NULL)
		return;
	int index = scenario_key_choice_index(k, text);
	if (index >= 0) {
		schema_store(item, k, index);
		return;
	}
	/* the choices, quoted and joined, for the message */
	char list[256] = "", one[64];
	const char *nearest[16];
	char names[16][64];
	int n = 0;
	for (; n < 16 && scenario_key_choice(k, n, one, sizeof one) == 0; n++) {
		snprintf(names[n], sizeof names[n], "%s", one);
		nearest[n] = names[n];
		size_t used = strlen(list);
		snprintf(list + used, sizeof list - used, "%s\"%s\"", n ? _(" or ") : "", one);
	}
	access_report(L, access_member(group, k->rule.key),
		      _("%s%s'%s' is \"%s\", must be %s (did you mean \"%s\"?)"), where, access_sep(where),
		      k->rule.key, text, list, access_nearest(text, nearest, n));
}

void rule_read_fields(struct loader *L, const config_setting_t *group, const char *where,
		      const char *pattern, void *item)
{
	if (L->n_fields < 0 || strcmp(L->fields_pattern, pattern) != 0) {
		size_t n = strlen(pattern);
		snprintf(L->fields_pattern, sizeof L->fields_pattern, "%s", pattern);
		L->n_fields = 0;
		for (int i = 0; i < scenario_schema_count() && L->n_fields < N_ELEMENTS(L->fields); i++) {
			const struct scenario_key *k = scenario_schema_key(i);
			if (k->storage != SCENARIO_STORE_NONE && !(k->flags & SCENARIO_KEY_CELL) &&
			    strncmp(k->path, pattern, n) == 0 && k->path[n] == '.' &&
			    strchr(k->path + n + 1, '.') == NULL)
				L->fields[L->n_fields++] = k;
		}
	}
	for (int i = 0; i < L->n_fields; i++) {
		const struct scenario_key *k = L->fields[i];
		if (k->type == SCENARIO_TYPE_BOOLEAN) {
			schema_store(item, k, access_bool(L, group, where, k->rule.key, k->fallback != 0.0));
			continue;
		}
		if (k->storage == SCENARIO_STORE_CHOICE) {
			rule_read_choice(L, group, where, k, item);
			continue;
		}
		const char *outer = L->prefix;
		if (!(k->flags & SCENARIO_KEY_SET))
			L->prefix = NULL;
		double value = k->fallback;
		rule_get_number(L, group, where, &k->rule, (k->flags & SCENARIO_KEY_REQUIRED) != 0,
				k->fallback, &value);
		L->prefix = outer;
		schema_store(item, k, value);
	}
}

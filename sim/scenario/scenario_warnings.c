/*
 * Warnings (issue 13): values that are valid but almost surely not what was
 * meant, each reported at the line that wrote it as a DIAG_WARNING saying
 * what was probably meant. They never fail a command by themselves
 * (--strict makes them errors: scenario_source_resolve_with).
 */
#include "scenario_int.h"
#include "i18n.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A warning at the line of AT (NULL: none). */
static void warn(struct loader *L, const config_setting_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct loader *L, const config_setting_t *at, const char *fmt, ...)
{
	char message[1024];
	va_list args;
	va_start(args, fmt);
	vsnprintf(message, sizeof message, fmt, args);
	va_end(args);
	diag_add_at(L->d, DIAG_WARNING, NULL, access_line(at), "%s", message);
}

/* Member KEY of the section SECTION of ROOT, or NULL. */
static const config_setting_t *member_of(const config_setting_t *root, const char *section,
					 const char *key)
{
	const config_setting_t *group = access_member(root, section);
	return group && config_setting_is_group(group) ? access_member(group, key) : NULL;
}

/* A survey veto written as a fraction: the veto is in percent. */
static void warn_veto(struct loader *L, const config_setting_t *root)
{
	double v = L->s->survey.veto_below;
	if (!(v > 0.0 && v < 1.0))
		return;
	warn(L, member_of(root, "survey", "veto_below"),
	     _("survey: veto_below = %g is in percent: it vetoes a satisfaction below %g %%, which "
	     "never happens (satisfactions are shares, 0.86 is 86 %%); for a veto below %g %% "
	     "write veto_below = %g;"), v, v, v * 100.0, v * 100.0);
}

/* A threshold the Total can never reach, or always reaches. */
static void warn_threshold(struct loader *L, const config_setting_t *root)
{
	const struct scenario *s = L->s;
	if (s->pass.rule != PASS_THRESHOLD)
		return;
	double lo, hi, field = 0.0, materials = 0.0;
	scenario_total_bounds(s, &lo, &hi);
	lo += 0.0; /* -0 prints as 0 */
	for (int c = 0; c < s->n_categories; c++)
		field += s->categories[c].weight;
	for (int i = 0; i < s->n_materials; i++)
		materials += s->materials[i].points * (double)s->materials[i].items;
	double t = s->pass.threshold;
	const config_setting_t *at = member_of(root, "pass", "threshold");
	if (t > hi)
		warn(L, at,
		     _("pass: threshold %g is above the greatest Total this scenario can produce, %g "
		     "(the Total can range over [%g, %g]): P(pass) is 0 whatever happens; check the "
		     "points each part carries (field %g, materials %g, survey.weight %g, "
		     "overall.weight %g, bonus.cap %g) against the threshold"),
		     t, hi, lo, hi, field, materials, s->survey.weight, s->overall.weight, s->bonus.cap);
	else if (t <= lo)
		warn(L, at,
		     _("pass: threshold %g is at most the least Total this scenario can produce, %g "
		     "(the Total can range over [%g, %g]): every replication reaches it, and only a "
		     "veto can fail the city; check the threshold against the points each part carries"),
		     t, lo, lo, hi);
}

/* A weekly rectify_rate above 0.5 at AT: a campaign-wide share typed as a weekly rate. */
static void warn_rate(struct loader *L, const config_setting_t *at, double r, int *last_line)
{
	if (!(r > 0.5) || access_line(at) == *last_line)
		return;
	*last_line = access_line(at);
	int weeks = L->s->weeks;
	double open = pow(1.0 - r, weeks);
	double weekly = 1.0 - pow(1.0 - r, 1.0 / weeks);
	warn(L, at,
	     _("rectify_rate = %g is a weekly rate: %g %% of the open problems fixed every week, so "
	     "only %.2g of today's problems would still be open after the campaign's %d weeks; "
	     "if %g %% are fixed over N weeks, the weekly rate is 1 - (1 - %g)^(1/N): %.3g for "
	     "the campaign's N = %d"),
	     r, r * 100.0, open, weeks, r * 100.0, r, weekly, weeks);
}

/* Every rectify_rate a level (the defaults or a district) writes. */
static void warn_rates_of(struct loader *L, const config_setting_t *level, int *last_line)
{
	const config_setting_t *rate = level ? access_member(level, "rectify_rate") : NULL;
	if (rate == NULL)
		return;
	if (config_setting_is_number(rate)) {
		warn_rate(L, rate, access_number(rate), last_line);
		return;
	}
	if (!config_setting_is_group(rate))
		return;
	for (int i = 0; i < config_setting_length(rate); i++) {
		const config_setting_t *entry = config_setting_get_elem(rate, (unsigned)i);
		if (config_setting_is_number(entry))
			warn_rate(L, entry, access_number(entry), last_line);
	}
}

/* Every rectify_rate a --set or a variant writes, as if the file said it
 * (a scaling PATH*=F and the sensitivity list's probes set no rate). */
static void warn_set_rates(struct loader *L)
{
	for (int i = 0; i < L->n_settings; i++) {
		const char *path = L->settings[i].path;
		size_t n = strlen(path);
		const char *at = strstr(path, "rectify_rate");
		if ((L->probe_of != NULL && L->probe_of[i] != 0) || n == 0 || path[n - 1] == '*' ||
		    at == NULL || (at != path && at[-1] != '.') || (at[12] != '\0' && at[12] != '.'))
			continue;
		int none = -1;
		warn_rate(L, NULL, L->settings[i].value, &none);
	}
}

/*
 * A district's scalar sites, declared or problems: it applies to every
 * category the district's group does not name, so with several categories
 * it multiplies. Says so with the district's totals.
 */
static void warn_district_scalars(struct loader *L, const config_setting_t *group, int d)
{
	static const char *const keys[] = {"sites", "declared", "problems"};
	const struct scenario *s = L->s;
	int64_t totals[3] = {0, 0, 0};
	for (int c = 0; c < s->n_categories; c++) {
		const struct cell *cell = scenario_cell(s, d, c);
		totals[0] += cell->sites;
		totals[1] += cell->declared;
		totals[2] += cell->problems;
	}
	for (int k = 0; k < 3; k++) {
		const config_setting_t *member = access_member(group, keys[k]);
		const config_setting_t *scalar = member;
		int covered = s->n_categories; /* the categories the scalar applies to */
		if (member != NULL && config_setting_is_group(member)) {
			scalar = access_member(member, "*");
			if (!layers_is_scalar_entry(scalar))
				continue;
			covered -= config_setting_length(member) - 1;
		}
		if (scalar == NULL || !config_setting_is_number(scalar) || covered < 2)
			continue;
		long long value = (long long)access_number(scalar);
		warn(L, scalar,
		     _("district '%s': %s = %lld is per category: %lld in each of the %d categories%s, "
		     "%lld in all (the district's totals: %lld sites, %lld declared, %lld problems); "
		     "to give the district %lld %s in all, spread them: %s = { %s = ...; %s = ...; };"),
		     s->districts[d].name, keys[k], value, value, covered,
		     covered < s->n_categories ? _(" without an entry of their own") : "",
		     value * covered, (long long)totals[0], (long long)totals[1], (long long)totals[2],
		     value, keys[k], keys[k], s->categories[0].name, s->categories[1].name);
	}
}

/* A policy whose target list is empty (it then targets every district) or names one twice. */
static void warn_targets(struct loader *L, const config_setting_t *root)
{
	const config_setting_t *list = access_member(root, "policies");
	if (list == NULL || !config_setting_is_list(list))
		return;
	for (int i = 0; i < config_setting_length(list); i++) {
		const config_setting_t *policy = config_setting_get_elem(list, (unsigned)i);
		const config_setting_t *targets = config_setting_is_group(policy)
							  ? access_member(policy, "districts")
							  : NULL;
		if (targets == NULL || config_setting_type(targets) != CONFIG_TYPE_ARRAY)
			continue;
		const char *plugin = i < L->s->n_policies ? L->s->policies[i].plugin : "?";
		int n = config_setting_length(targets);
		if (n == 0)
			warn(L, targets,
			     _("policy %d (%s): districts = [] names no district, so the policy applies to "
			     "every district; to mean every district leave the key out, else name them"),
			     i + 1, plugin);
		for (int j = 0; j < n; j++) {
			const char *name = config_setting_get_string_elem(targets, (unsigned)j);
			for (int k = 0; name != NULL && k < j; k++) {
				const char *earlier = config_setting_get_string_elem(targets, (unsigned)k);
				if (earlier != NULL && strcmp(earlier, name) == 0) {
					warn(L, targets,
					     _("policy %d (%s): districts names '%s' twice, so the policy is "
					     "applied to it twice; name each district once"), i + 1, plugin, name);
					break;
				}
			}
		}
	}
}

/* The districts list and, per district, whether it has a warning of its own. */
struct district_warnings {
	const config_setting_t *districts;
	unsigned char *any;
};

/* Marks the districts FROM to TO - 1 that have a warning (found into a
 * scratch list and dropped: the warnings are made again in order). */
static void mark_warned(struct loader *L, const void *context, int from, int to)
{
	const struct district_warnings *w = context;
	struct diag *kept = L->d, scratch;
	diag_init(&scratch, NULL);
	L->d = &scratch;
	for (int d = from; d < to; d++) {
		const config_setting_t *group = config_setting_get_elem(w->districts, (unsigned)d);
		int before = scratch.count, none = -1;
		scratch.out_of_memory = 0;
		warn_rates_of(L, group, &none);
		warn_district_scalars(L, group, d);
		w->any[d] = scratch.count != before || scratch.out_of_memory;
	}
	L->d = kept;
	diag_free(&scratch);
}

/* The first control character of TEXT (C0, DEL, C1; valid UTF-8) and its
 * place, counted in characters from 1; 0 when there is none. */
static long control_in(const char *text, unsigned *code)
{
	long n = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue; /* a continuation byte: the character was counted */
		n++;
		unsigned c = *p;
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0)) {
			*code = c == 0xc2 ? p[1] : c;
			return n;
		}
	}
	return 0;
}

/* A name holding a control character (a line break, a tab, an escape):
 * valid, kept as it is in the JSON and CSV (escaped there), but a terminal
 * acts on it when a summary prints the name, and a pasted table breaks.
 * The warning says where without printing the name. */
static void warn_control_name(struct loader *L, const config_setting_t *group,
			      const char *where)
{
	const config_setting_t *name = access_member(group, "name");
	const char *text = name != NULL ? config_setting_get_string(name) : NULL;
	unsigned code = 0;
	long at = text != NULL ? control_in(text, &code) : 0;
	if (at > 0)
		warn(L, name,
		     _("%s: 'name' has the control character U+%04X at character %ld: the JSON and "
		       "CSV keep it, escaped, but a terminal acts on it when ccsim prints the name "
		       "(an escape sequence can repaint the screen) and a pasted table breaks; a "
		       "name of printable text is safer"),
		     where, code, at);
}

/* Names with control characters, in the scenario and its lists. */
static void warn_control_names(struct loader *L, const config_setting_t *root)
{
	static const char *const lists[] = {"categories", "districts", "materials", "negative_list",
					    "policies"};
	warn_control_name(L, root, _("the scenario"));
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		const config_setting_t *list = access_member(root, lists[i]);
		if (list == NULL || !config_setting_is_list(list))
			continue;
		int n = config_setting_length(list);
		for (int e = 0; e < n; e++) {
			const config_setting_t *entry = config_setting_get_elem(list, (unsigned)e);
			if (entry == NULL || !config_setting_is_group(entry))
				continue;
			char where[96];
			snprintf(where, sizeof where, _("%s entry %d"), lists[i], e + 1);
			warn_control_name(L, entry, where);
		}
	}
}

void warnings_check(struct loader *L, const config_setting_t *root)
{
	const struct scenario *s = L->s;
	warn_veto(L, root);
	warn_control_names(L, root);
	warn_threshold(L, root);
	int last_line = -1;
	const config_setting_t *districts = access_member(root, "districts");
	warn_rates_of(L, access_member(root, "defaults"), &last_line);
	/* a long list's districts are looked at on threads (a walk of each
	 * district's tree, waiting on memory); those with a warning are then
	 * warned about in order, a rate's line said once (on one thread, or
	 * out of memory, every district is warned about at once) */
	struct district_warnings w = {districts, NULL};
	if (access_threads(L, s->n_districts) > 1 &&
	    (w.any = calloc((size_t)s->n_districts, 1)) != NULL)
		access_in_parallel(L, s->n_districts, mark_warned, &w);
	for (int d = 0; d < s->n_districts; d++) {
		if (w.any != NULL && !w.any[d])
			continue;
		const config_setting_t *group = config_setting_get_elem(districts, (unsigned)d);
		warn_rates_of(L, group, &last_line);
		warn_district_scalars(L, group, d);
	}
	free(w.any);
	warn_set_rates(L);
	warn_targets(L, root);
}

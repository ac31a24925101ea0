/*
 * The sections of a scenario file, read in the file's order into a struct
 * scenario, every problem reported at once (docs/model.md section 2). Which keys
 * a section has, their rules and defaults come from the schema.
 */
#include "scenario_int.h"
#include "ccsim_limits.h"
#include "i18n.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ------------------------------------------------------------- */

/* The number of characters of TEXT when it is valid UTF-8 (shortest forms,
 * no surrogates, at most U+10FFFF), else -1. */
static long utf8_characters(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	long n = 0;
	while (*p) {
		unsigned c = *p;
		int follow = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
					    : (c & 0xf8) == 0xf0 ? 3 : -1;
		if (follow < 0)
			return -1;
		unsigned code = follow == 0 ? c : follow == 1 ? c & 0x1f : follow == 2 ? c & 0x0f : c & 0x07;
		for (int i = 1; i <= follow; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			code = (code << 6) | (p[i] & 0x3f);
		}
		static const unsigned least[4] = {0, 0x80, 0x800, 0x10000};
		if (code < least[follow] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
			return -1;
		p += follow + 1;
		n++;
	}
	return n;
}

/* TEXT, the 'name' of GROUP, when it is a name (docs/model.md 2.3: non-empty, valid
 * UTF-8, at most LIMIT_NAME_CHARS characters); else NULL, reported (WHERE:
 * the group, for the message). */
static const char *valid_name(struct loader *L, const config_setting_t *group, const char *where,
			      const char *text)
{
	long characters = text ? utf8_characters(text) : 0;
	if (text != NULL && text[0] == '\0') {
		/* a list's entry at the entry, the scenario's own at its name */
		access_report(L, config_setting_parent(group) ? group : access_member(group, "name"),
			      _("%s: 'name' must not be empty"), where);
		return NULL;
	}
	if (text != NULL && characters < 0) {
		access_report(L, access_member(group, "name"),
			      _("%s: 'name' is not valid UTF-8: names are UTF-8 text"), where);
		return NULL;
	}
	if (text != NULL && characters > LIMIT_NAME_CHARS) {
		access_report(L, access_member(group, "name"),
			      _("%s: 'name' has %ld characters, at most %d are allowed"), where,
			      characters, LIMIT_NAME_CHARS);
		return NULL;
	}
	return text;
}

/* Names seen in one list, for finding a name used twice in constant time. */
struct name_set {
	const char **slots;
	size_t mask;
};

static uint64_t name_hash(const char *text)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* Adds NAME; returns 1 when it was there already. */
static int name_set_add(struct name_set *set, const char *name)
{
	size_t i = (size_t)name_hash(name) & set->mask;
	while (set->slots[i] != NULL) {
		if (strcmp(set->slots[i], name) == 0)
			return 1;
		i = (i + 1) & set->mask;
	}
	set->slots[i] = name;
	return 0;
}

/* ---- lists of named groups --------------------------------------------- */

/* Reads one element of a list into ITEM (whose first member is its name). */
typedef void (*element_reader)(struct loader *L, const config_setting_t *element,
			       const char *where, void *item);

/* What reading one list's entries shares. */
struct named_list {
	const config_setting_t *list;
	const char *key, *path, *singular;
	char pattern[128];        /* PATH.* */
	size_t size;              /* of an item */
	char *items;
	element_reader read;
	const char *entry_format; /* "%s entry %d", translated once: a list may hold 100,000 */
	const unsigned char *twice; /* [i]: entry i's name was used by an earlier entry */
};

/* Reads entry I of the list into its item (its name copied first). */
static void read_entry(struct loader *L, const struct named_list *nl, int i)
{
	const config_setting_t *element = config_setting_get_elem(nl->list, (unsigned)i);
	char **name = (char **)(void *)(nl->items + (size_t)i * nl->size);
	char where[LIMIT_PATH_BYTES];
	if (!config_setting_is_group(element)) {
		access_report(L, element, _("%s entry %d must be a group { name = \"...\"; ... }, not %s"),
			      nl->key, i + 1, access_type_name(element));
		*name = access_copy(L, "?");
		return;
	}
	snprintf(where, sizeof where, nl->entry_format, nl->key, i + 1);
	const char *text = valid_name(L, element, where, access_string(L, element, where, "name", 1));
	*name = access_copy(L, text ? text : "?");
	if (text != NULL) {
		if (nl->twice[i])
			access_report(L, element,
				      _("%s: the name '%s' is used twice in '%s' (names must be unique)"),
				      where, text, nl->key);
		snprintf(where, sizeof where, "%s '%s'", nl->singular, text);
	}
	char prefix[LIMIT_PATH_BYTES];
	snprintf(prefix, sizeof prefix, "%s.%s", nl->path, text ? text : "?");
	const char *outer = L->prefix;
	L->prefix = text ? prefix : NULL;
	access_check_keys(L, element, where, nl->pattern);
	if (nl->read != NULL)
		nl->read(L, element, where, nl->items + (size_t)i * nl->size);
	else
		rule_read_fields(L, element, where, nl->pattern, nl->items + (size_t)i * nl->size);
	L->prefix = outer;
}

/*
 * Marks in TWICE each entry whose name an earlier entry used, as
 * read_entry reads names (a name it refuses is none), without reporting.
 */
static int mark_twice(struct loader *L, const struct named_list *nl, int n, unsigned char *twice)
{
	size_t slots = 16;
	while (slots < 2 * (size_t)n)
		slots *= 2;
	struct name_set names = {calloc(slots, sizeof *names.slots), slots - 1};
	if (names.slots == NULL)
		return -1;
	struct diag quiet;
	diag_init(&quiet, NULL);
	struct loader silent = *L; /* valid_name's and access_string's reports go nowhere */
	silent.d = &quiet;
	silent.out_of_memory = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *element = config_setting_get_elem(nl->list, (unsigned)i);
		if (!config_setting_is_group(element))
			continue;
		const char *text = valid_name(&silent, element, "", access_string(&silent, element, "",
										    "name", 1));
		twice[i] = text != NULL && name_set_add(&names, text);
	}
	int failed = silent.out_of_memory || quiet.out_of_memory;
	diag_free(&quiet);
	free(names.slots);
	return failed ? -1 : 0;
}

/* Reads entries FROM to TO - 1 of the list (CONTEXT: its struct named_list). */
static void read_entries(struct loader *L, const void *context, int from, int to)
{
	for (int i = from; i < to; i++)
		read_entry(L, context, i);
}

/*
 * Reads the list KEY of ROOT (schema pattern PATH), each element a group
 * with a unique 'name', into a fresh array of items of SIZE bytes whose
 * first member is `char *name`. Returns the count (0 when absent and optional).
 */
static int read_named_list(struct loader *L, const config_setting_t *root, const char *key,
			   const char *path, const char *singular, int required, size_t size,
			   void **items, element_reader read)
{
	*items = NULL;
	const config_setting_t *list = access_member(root, key);
	if (list == NULL) {
		if (required)
			access_report(L, root, _("missing list '%s': add %s = ( { name = \"...\"; ... } );"),
				      key, key);
		return 0;
	}
	if (!config_setting_is_list(list)) {
		access_report(L, list, _("'%s' must be a list ( { ... }, { ... } ), not %s"), key,
			      access_type_name(list));
		return 0;
	}
	int n = config_setting_length(list);
	if (n == 0 && required) {
		access_report(L, list, _("'%s' is empty: give at least one %s"), key, singular);
		return 0;
	}
	struct named_list nl = {.list = list, .key = key, .path = path, .singular = singular,
				.size = size, .read = read, .entry_format = _("%s entry %d")};
	snprintf(nl.pattern, sizeof nl.pattern, "%s.*", path);
	nl.items = access_alloc(L, (size_t)n, size);
	unsigned char *twice = access_alloc(L, (size_t)n, 1);
	nl.twice = twice;
	if (nl.items == NULL || twice == NULL || mark_twice(L, &nl, n, twice) != 0) {
		if (nl.items != NULL && twice != NULL)
			access_no_memory(L);
		free(nl.items);
		free(twice);
		return 0;
	}
	access_in_parallel(L, n, read_entries, &nl);
	free(twice);
	*items = nl.items;
	return n;
}

/* ---- sections ---------------------------------------------------------- */

static void read_district(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	rule_read_fields(L, g, where, "districts.*", item);
}

static const struct value_rule *rule_of(const char *pattern)
{
	return &scenario_schema_find(pattern)->rule;
}

static void read_run(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	const config_setting_t *run = access_group(L, root, "", "run", 0);
	if (run == NULL)
		return;
	access_check_keys(L, run, "run", "run");
	if (access_member(run, "replications")) {
		double value = 1.0;
		s->has_replications = 1;
		rule_get_number(L, run, "run", rule_of("run.replications"), 1, 1.0, &value);
		s->replications = (int64_t)value;
	}
	const config_setting_t *member = access_member(run, "seed");
	if (member != NULL) {
		double value = 0.0;
		if (rule_take_number(L, member, "run", "seed", rule_of("run.seed"), &value)) {
			s->has_seed = 1;
			s->seed = (uint64_t)config_setting_get_int64(member);
		}
	}
}

/* A section's stored keys, settable under its own name. */
static const config_setting_t *read_section(struct loader *L, const config_setting_t *root,
					    const char *key, int required)
{
	const config_setting_t *group = access_group(L, root, "", key, required);
	if (group == NULL) {
		/* an absent optional section: its keys' defaults */
		size_t n = strlen(key);
		for (int i = 0; i < scenario_schema_count(); i++) {
			const struct scenario_key *k = scenario_schema_key(i);
			if ((k->flags & SCENARIO_KEY_DEFAULT) && k->record == SCENARIO_RECORD_ROOT &&
			    strncmp(k->path, key, n) == 0 && k->path[n] == '.')
				schema_store(L->s, k, k->fallback);
		}
		return NULL;
	}
	access_check_keys(L, group, key, key);
	L->prefix = key;
	rule_read_fields(L, group, key, key, L->s);
	L->prefix = NULL;
	return group;
}

static void read_campaign_and_inspection(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	read_section(L, root, "campaign", 1);
	const config_setting_t *inspection = read_section(L, root, "inspection", 1);
	if (inspection == NULL)
		return;
	double *window = NULL;
	const config_setting_t *member = access_member(inspection, "window");
	if (member == NULL) {
		access_report(L, inspection,
			      _("inspection: missing 'window': add window = [first_week, last_week];"));
		return;
	}
	int n = rule_get_numbers(L, inspection, "inspection", "window", rule_of("inspection.window"),
				 &window);
	if (n < 0)
		return;
	if (n != 2) {
		access_report(L, member,
			      _("inspection: 'window' has %d values, must have 2: [first_week, last_week]"), n);
	} else {
		s->window_first = (int)fmax(fmin(window[0], 1e9), -1e9);
		s->window_last = (int)fmax(fmin(window[1], 1e9), -1e9);
		if (window[0] < 1 || window[0] > window[1] || (s->weeks >= 1 && window[1] > s->weeks))
			access_report(L, member,
				      _("inspection: 'window' is [%g, %g], must satisfy 1 <= first <= last <= "
				      "weeks (%d): the inspection falls within the campaign"),
				      window[0], window[1], s->weeks);
	}
	free(window);
}

static void read_bonus_minors_history(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	if (read_section(L, root, "bonus", 0) != NULL) {
		void *items;
		s->bonus.n_honors = read_named_list(L, access_member(root, "bonus"), "honors",
						    "bonus.honors", "honour", 0, sizeof(struct honor),
						    &items, NULL);
		s->bonus.honors = items;
	}
	s->minors.present = read_section(L, root, "minors", 0) != NULL;

	const config_setting_t *history = access_group(L, root, "", "history", 0);
	if (history == NULL)
		return;
	access_check_keys(L, history, "history", "history");
	s->history.present = 1;
	int n_scores = rule_get_numbers(L, history, "history", "scores", rule_of("history.scores"),
					&s->history.scores);
	int n_weights = rule_get_numbers(L, history, "history", "weights", rule_of("history.weights"),
					 &s->history.weights);
	L->prefix = "history";
	rule_read_fields(L, history, "history", "history", s);
	L->prefix = NULL;
	double current = s->history.current_weight;
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "weights" : "scores";
		if (access_member(history, key) == NULL)
			access_report(L, history, _("history: missing '%s': add %s = [ ... ];"), key, key);
	}
	if (n_scores < 0 || n_weights < 0)
		return;
	if (n_scores != n_weights) {
		access_report(L, access_member(history, "weights"),
			      _("history: %d weights for %d scores: give one weight per past score"),
			      n_weights, n_scores);
		return;
	}
	s->history.n = n_scores;
	double sum = current;
	for (int i = 0; i < n_weights; i++)
		sum += s->history.weights[i];
	if (fabs(sum - 1.0) > 1e-9)
		access_report(L, access_member(history, "current_weight"),
			      _("history: weights plus current_weight sum to %.10g, must sum to 1 "
			      "(e.g. weights = [0.15, 0.25]; current_weight = 0.6;)"), sum);
}

static void read_pass(struct loader *L, const config_setting_t *root)
{
	static const char *const rules[] = {"threshold", "competition"};
	static const char *const competition_keys[] = {"slots", "competitors"};
	struct scenario *s = L->s;

	const config_setting_t *pass = access_group(L, root, "", "pass", 1);
	if (pass == NULL)
		return;
	access_check_keys(L, pass, "pass", "pass");
	if (access_member(pass, "bands") != NULL) {
		int n = rule_get_numbers(L, pass, "pass", "bands", rule_of("pass.bands"), &s->pass.bands);
		s->pass.n_bands = n > 0 ? n : 0;
	}
	const char *rule = access_string(L, pass, "pass", "rule", 1);
	if (rule == NULL)
		return;
	const config_setting_t *rule_setting = access_member(pass, "rule");
	if (strcmp(rule, "threshold") == 0) {
		double value = 0.0;
		s->pass.rule = PASS_THRESHOLD;
		L->prefix = "pass";
		rule_get_number(L, pass, "pass", rule_of("pass.threshold"), 1, 0.0, &value);
		s->pass.threshold = value;
		L->prefix = NULL;
		for (int i = 0; i < 2; i++)
			if (access_member(pass, competition_keys[i]) != NULL)
				access_report(L, access_member(pass, competition_keys[i]),
					      _("pass: '%s' belongs to rule = \"competition\"; remove it or "
					      "change the rule"), competition_keys[i]);
	} else if (strcmp(rule, "competition") == 0) {
		double value = 1.0;
		s->pass.rule = PASS_COMPETITION;
		L->prefix = "pass";
		rule_get_number(L, pass, "pass", rule_of("pass.slots"), 1, 1.0, &value);
		s->pass.slots = (int64_t)value;
		L->prefix = NULL;
		if (access_member(pass, "threshold") != NULL)
			access_report(L, access_member(pass, "threshold"),
				      _("pass: 'threshold' belongs to rule = \"threshold\"; remove it or "
				      "change the rule"));
		void *items;
		s->pass.n_competitors = read_named_list(L, pass, "competitors", "pass.competitors",
							"competitor", 1, sizeof(struct competitor),
							&items, NULL);
		s->pass.competitors = items;
	} else {
		access_report(L, rule_setting,
			      _("pass: 'rule' is \"%s\", must be \"threshold\" or \"competition\" (did you "
			      "mean \"%s\"?)"), rule, access_nearest(rule, rules, 2));
	}
}

/* ---- policies ---------------------------------------------------------- */

static void read_policy_param(struct loader *L, const config_setting_t *entry, const char *where,
			      struct policy_param *p)
{
	p->key = access_copy(L, config_setting_name(entry));
	p->line = access_line(entry);
	int type = config_setting_type(entry);
	if (p->key == NULL)
		return;
	if (config_setting_is_number(entry)) {
		p->type = POLICY_VALUE_NUMBER;
		p->number = access_number(entry);
		if (!isfinite(p->number))
			access_report(L, entry, _("%s%sparams.%s is not a finite number: every number must "
				      "be finite"), where, access_sep(where), p->key);
	} else if (type == CONFIG_TYPE_BOOL) {
		p->type = POLICY_VALUE_BOOLEAN;
		p->number = config_setting_get_bool(entry);
	} else if (type == CONFIG_TYPE_STRING) {
		p->type = POLICY_VALUE_STRING;
		p->string = access_copy(L, config_setting_get_string(entry));
	} else if (type == CONFIG_TYPE_ARRAY && config_setting_length(entry) > 0 &&
		   config_setting_type(config_setting_get_elem(entry, 0)) == CONFIG_TYPE_STRING) {
		p->type = POLICY_VALUE_STRINGS;
		int count = config_setting_length(entry);
		p->strings = access_alloc(L, (size_t)count, sizeof *p->strings);
		if (p->strings == NULL)
			return;
		p->count = count;
		for (int i = 0; i < p->count; i++)
			p->strings[i] = access_copy(L, config_setting_get_string_elem(entry, (unsigned)i));
	} else if (type == CONFIG_TYPE_ARRAY) {
		p->type = POLICY_VALUE_NUMBERS;
		int count = config_setting_length(entry);
		p->numbers = access_alloc(L, (size_t)count, sizeof *p->numbers);
		if (p->numbers == NULL)
			return;
		p->count = count;
		for (int i = 0; i < p->count; i++) {
			const config_setting_t *e = config_setting_get_elem(entry, (unsigned)i);
			if (config_setting_is_number(e) && isfinite(access_number(e)))
				p->numbers[i] = access_number(e);
			else if (config_setting_is_number(e))
				access_report(L, e, _("%s%sparams.%s[%d] is not a finite number: every number "
					      "must be finite"), where, access_sep(where), p->key, i + 1);
			else
				access_report(L, entry, _("%s%sparams.%s must hold numbers or strings, not %s"),
					      where, access_sep(where), p->key, access_type_name(e));
		}
	} else {
		p->type = POLICY_VALUE_NUMBER;
		access_report(L, entry, _("%s%sparams.%s must be a number, boolean, string or array, not %s"),
			      where, access_sep(where), p->key, access_type_name(entry));
	}
}

/* The districts a policy names, each checked against the scenario's. */
static void read_targets(struct loader *L, const config_setting_t *targets, const char *where,
			 const char **district_names, struct policy *p)
{
	const struct scenario *s = L->s;
	if (config_setting_type(targets) != CONFIG_TYPE_ARRAY ||
	    (config_setting_length(targets) > 0 &&
	     config_setting_type(config_setting_get_elem(targets, 0)) != CONFIG_TYPE_STRING)) {
		access_report(L, targets,
			      _("%s: 'districts' must be an array of district names [\"A\", \"B\"], not %s"),
			      where, access_type_name(targets));
		return;
	}
	int n = config_setting_length(targets);
	p->targets = access_alloc(L, (size_t)n, sizeof *p->targets);
	if (p->targets == NULL)
		return;
	p->n_targets = n;
	for (int j = 0; j < p->n_targets; j++) {
		const char *name = config_setting_get_string_elem(targets, (unsigned)j);
		p->targets[j] = access_copy(L, name);
		int known = 0;
		for (int k = 0; k < s->n_districts && !known; k++)
			known = strcmp(district_names[k], name) == 0;
		if (!known && s->n_districts > 0)
			access_report(L, targets, _("%s: '%s' names no district; did you mean '%s'?"), where,
				      name, access_nearest(name, district_names, s->n_districts));
	}
}

static void read_policies(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	const config_setting_t *list = access_member(root, "policies");
	if (list == NULL)
		return;
	if (!config_setting_is_list(list)) {
		access_report(L, list,
			      _("'policies' must be a list ( { plugin = \"...\"; }, ... ), not %s"),
			      access_type_name(list));
		return;
	}
	const char **district_names = access_alloc(L, (size_t)s->n_districts, sizeof *district_names);
	int n = config_setting_length(list);
	s->policies = access_alloc(L, (size_t)n, sizeof *s->policies);
	if (district_names == NULL || s->policies == NULL) {
		free(district_names);
		return;
	}
	for (int i = 0; i < s->n_districts; i++)
		district_names[i] = s->districts[i].name ? s->districts[i].name : "?";
	s->n_policies = n;
	for (int i = 0; i < s->n_policies; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct policy *p = &s->policies[i];
		char where[192];
		p->line = access_line(g);
		snprintf(where, sizeof where, _("policy %d"), i + 1);
		if (!config_setting_is_group(g)) {
			access_report(L, g, _("%s must be a group { plugin = \"...\"; ... }, not %s"), where,
				      access_type_name(g));
			p->plugin = access_copy(L, "?");
			continue;
		}
		access_check_keys(L, g, where, "policies.*");
		const char *plugin = access_string(L, g, where, "plugin", 1);
		p->plugin = access_copy(L, plugin ? plugin : "?");
		if (plugin)
			snprintf(where, sizeof where, _("policy %d (%s)"), i + 1, plugin);

		const config_setting_t *targets = access_member(g, "districts");
		if (targets != NULL)
			read_targets(L, targets, where, district_names, p);
		const config_setting_t *params = access_member(g, "params");
		if (params != NULL && !config_setting_is_group(params))
			access_report(L, params, _("%s: 'params' must be a group { key = value; ... }, not %s"),
				      where, access_type_name(params));
		else if (params != NULL) {
			int count = config_setting_length(params);
			p->params = access_alloc(L, (size_t)count, sizeof *p->params);
			if (p->params != NULL) {
				p->n_params = count;
				for (int j = 0; j < p->n_params; j++)
					read_policy_param(L, config_setting_get_elem(params, (unsigned)j),
							  where, &p->params[j]);
			}
		}
		settings_apply_targets(L, p, i, where, district_names, s->n_districts);
		settings_apply_params(L, p, i, where);
	}
	free(district_names);
}

static void read_sensitivity(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	const config_setting_t *list = access_member(root, "sensitivity");
	if (list == NULL)
		return;
	if (!config_setting_is_list(list)) {
		access_report(L, list,
			      _("'sensitivity' must be a list ( { path = \"...\"; low = ...; high = ...; } ), not %s"),
			      access_type_name(list));
		return;
	}
	int n = config_setting_length(list);
	s->sensitivity = access_alloc(L, (size_t)n, sizeof *s->sensitivity);
	if (s->sensitivity == NULL)
		return;
	s->n_sensitivity = n;
	for (int i = 0; i < s->n_sensitivity; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct sensitivity_input *in = &s->sensitivity[i];
		char where[64];
		snprintf(where, sizeof where, _("sensitivity entry %d"), i + 1);
		in->line = access_line(g);
		if (!config_setting_is_group(g)) {
			access_report(L, g,
				      _("%s must be a group { path = \"...\"; low = ...; high = ...; }, not %s"),
				      where, access_type_name(g));
			in->path = access_copy(L, "?");
			continue;
		}
		access_check_keys(L, g, where, "sensitivity.*");
		const char *path = access_string(L, g, where, "path", 1);
		in->path = access_copy(L, path ? path : "?");
		int ok = rule_get_number(L, g, where, rule_of("sensitivity.*.low"), 1, 0.0, &in->low);
		ok &= rule_get_number(L, g, where, rule_of("sensitivity.*.high"), 1, 0.0, &in->high);
		if (ok && in->low > in->high)
			access_report(L, g, _("%s%slow (%g) is above high (%g): swap them"), where,
				      access_sep(where), in->low, in->high);
	}
}

/* One lever's fields (docs/model.md 9), its policy checked against the
 * scenario's: the plugin's own parameters are checked when a policy is set
 * up (optimize). */
static void read_lever(struct loader *L, const config_setting_t *g, const char *where, void *item)
{
	struct scenario *s = L->s;
	struct lever *lever = item;
	lever->line = access_line(g);
	const char *param = access_string(L, g, where, "param", 1);
	lever->param = access_copy(L, param ? param : "?");
	rule_read_fields(L, g, where, "levers.*", item);
	const config_setting_t *policy = access_member(g, "policy");
	if (policy != NULL && lever->policy > s->n_policies)
		access_report(L, policy,
			      ngettext("%s: 'policy' is %d but the scenario has %d policy: give 1 to %d, the "
				       "policy's place in 'policies'",
				       "%s: 'policy' is %d but the scenario has %d policies: give 1 to %d, the "
				       "policy's place in 'policies'", (unsigned long)s->n_policies),
			      where, lever->policy, s->n_policies, s->n_policies);
	else if (policy != NULL && param != NULL && lever->policy >= 1) {
		const struct policy *p = &s->policies[lever->policy - 1];
		for (int j = 0; j < p->n_params; j++)
			if (strcmp(p->params[j].key, param) == 0 && p->params[j].type != POLICY_VALUE_NUMBER)
				access_report(L, access_member(g, "param"),
					      _("%s: 'param' names '%s' of policy %d (%s), which is not a "
					      "number: a lever spends a numeric parameter"), where, param,
					      lever->policy, p->plugin);
	}
	const config_setting_t *max = access_member(g, "max");
	if (max != NULL && lever->max < lever->step && lever->step > 0.0)
		access_report(L, max, _("%s: 'max' (%g) is below 'step' (%g): a district could never take "
			      "a step; raise max or lower step"), where, lever->max, lever->step);
}

/* The budget and the levers of `ccsim optimize` (docs/model.md 9). */
static void read_budget_and_levers(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	const config_setting_t *budget = read_section(L, root, "budget", 0);
	if (budget != NULL) {
		s->budget.present = 1;
		s->budget.line = access_line(budget);
		const char *unit = access_string(L, budget, "budget", "unit", 0);
		s->budget.unit = access_copy(L, unit ? unit : "");
	}
	void *items;
	s->n_levers = read_named_list(L, root, "levers", "levers", "lever", 0, sizeof(struct lever),
				      &items, read_lever);
	s->levers = items;
	const config_setting_t *list = access_member(root, "levers");
	if (s->n_levers > LIMIT_LEVERS)
		access_report(L, list, _("'levers' has %d entries, at most %d are allowed"), s->n_levers,
			      LIMIT_LEVERS);
}

/* ---- the whole file ---------------------------------------------------- */

/* The rules between values, each reported at the line that set it. */
static void check_between(struct loader *L, const config_setting_t *root, const int *declared_line,
			  const unsigned char *cell_valid)
{
	struct scenario *s = L->s;
	const config_setting_t *categories = access_member(root, "categories");
	const config_setting_t *districts = access_member(root, "districts");
	int *category_line = access_alloc(L, (size_t)s->n_categories, sizeof(int));
	int *satisfaction_line = access_alloc(L, (size_t)s->n_districts, sizeof(int));
	if (category_line != NULL && satisfaction_line != NULL) {
		for (int c = 0; c < s->n_categories; c++)
			category_line[c] = access_line(config_setting_get_elem(categories, (unsigned)c));
		/* a walk of every district's tree, waiting on memory: on the
		 * threads a long list's entries are read on */
		int team = access_threads(L, s->n_districts);
#pragma omp parallel for schedule(static) num_threads(team) if (team > 1)
		for (int i = 0; i < s->n_districts; i++) {
			const config_setting_t *g = config_setting_get_elem(districts, (unsigned)i);
			const config_setting_t *member = access_member(g, "satisfaction");
			satisfaction_line[i] = access_line(member ? member : g);
		}
		struct scenario_lines lines = {declared_line, category_line, satisfaction_line,
					       access_line(access_member(root, "overall")),
					       cell_valid};
		scenario_check_consistency(s, &lines, "", L->d);
	}
	free(category_line);
	free(satisfaction_line);
}

/* Whether ROOT has none of a city's own parts: an overlay (uncertain
 * inputs, policies, a budget ...) given alone, where it belongs after a
 * city. Its six "missing" errors would hide what went wrong. */
static int overlay_alone(struct loader *L, const config_setting_t *root)
{
	static const char *const city[] = {"campaign", "inspection", "categories",
					   "districts", "survey", "pass"};
	for (size_t i = 0; i < sizeof city / sizeof city[0]; i++)
		if (access_member(root, city[i]) != NULL)
			return 0;
	access_report(L, root,
		      _("this file has no city in it (no campaign, inspection, categories, districts, "
			"survey or pass): if it is an overlay, give it after a city, as "
			"CITY.cfg+FILE.cfg"));
	return 1;
}

void sections_read(struct loader *L, const config_setting_t *root)
{
	struct scenario *s = L->s;
	void *items;

	access_check_keys(L, root, "", "");
	if (overlay_alone(L, root))
		return;
	double v = 0.0;
	if (rule_get_number(L, root, "", rule_of("version"), 1, 0.0, &v) && v != 1 &&
	    v != SCENARIO_MODEL_VERSION)
		access_report(L, access_member(root, "version"),
			      _("'version' is %g, must be 1 or %d: this ccsim reads files of model versions "
			      "1 and %d alike"), v, SCENARIO_MODEL_VERSION, SCENARIO_MODEL_VERSION);
	/* the scenario's own name too: reports and every JSON show it */
	const char *name = valid_name(L, root, _("the scenario"), access_string(L, root, "", "name", 0));
	if (name != NULL)
		s->name = access_copy(L, name);

	read_run(L, root);
	read_campaign_and_inspection(L, root);
	s->n_categories = read_named_list(L, root, "categories", "categories", "category", 1,
					  sizeof(struct category), &items, NULL);
	s->categories = items;
	s->n_districts = read_named_list(L, root, "districts", "districts", "district", 1,
					 sizeof(struct district), &items, read_district);
	s->districts = items;

	const config_setting_t *defaults = access_group(L, root, "", "defaults", 0);
	if (defaults != NULL)
		access_check_keys(L, defaults, "defaults", "defaults");
	int *declared_line = NULL;
	unsigned char *cell_valid = NULL;
	if (s->n_categories > 0 && s->n_districts > 0 && !L->out_of_memory) {
		size_t cells = (size_t)s->n_categories * (size_t)s->n_districts;
		s->cells = access_alloc(L, cells, sizeof *s->cells);
		declared_line = access_alloc(L, cells, sizeof *declared_line);
		cell_valid = access_alloc(L, cells, sizeof *cell_valid);
		if (s->cells != NULL && declared_line != NULL && cell_valid != NULL)
			cells_resolve(L, defaults, access_member(root, "districts"),
				      declared_line, cell_valid);
	}

	s->n_materials = read_named_list(L, root, "materials", "materials", "material", 0,
					 sizeof(struct material), &items, NULL);
	s->materials = items;
	read_section(L, root, "survey", 1);
	read_section(L, root, "overall", 0);
	s->n_negatives = read_named_list(L, root, "negative_list", "negative_list",
					 _("negative-list event"), 0, sizeof(struct negative_event),
					 &items, NULL);
	s->negatives = items;
	read_bonus_minors_history(L, root);
	read_pass(L, root);
	read_section(L, root, "ranking", 0);
	read_policies(L, root);
	read_sensitivity(L, root);
	read_budget_and_levers(L, root);

	if (s->cells != NULL && declared_line != NULL && cell_valid != NULL && !L->out_of_memory)
		check_between(L, root, declared_line, cell_valid);
	free(declared_line);
	free(cell_valid);
	uncertainty_read(L, root);
}

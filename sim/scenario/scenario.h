/*
 * scenario: a city's campaign and assessment, resolved and validated
 * (docs/model.md section 2). Every district-and-category parameter is resolved
 * from its levels (district group entry, district scalar, defaults group
 * entry, defaults scalar) into one cell, so the simulation never looks a
 * value up twice.
 */
#ifndef CCSIM_SCENARIO_H
#define CCSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "scenario_schema.h"

/* The model ccsim computes (docs/model.md); files of version 1 read alike. */
#define SCENARIO_MODEL_VERSION 2

/* The quantiles' histogram: bins of this width in points (docs/model.md 5). */
#define SCENARIO_HISTOGRAM_BINS_PER_POINT 100

struct category {
	char *name;
	double weight;
	double deduction;
	int64_t lottery;       /* k_c: declared sites drawn per batch */
	int64_t random_view;   /* m_c: undeclared sites chosen per batch */
	double prepared;       /* problem factor at declared sites */
};

/* One district's parameters for one category. */
struct cell {
	int64_t sites;         /* N */
	int64_t declared;      /* n, 0 <= n <= N */
	int64_t problems;      /* O0 */
	double new_per_week;   /* lambda */
	double rectify_rate;   /* r */
	double rebound;        /* rho */
};

struct district {
	char *name;
	double population;
	double satisfaction;               /* s */
	double satisfaction_concentration; /* kappa; 0: theta is exactly s */
};

struct material {
	char *name;
	int64_t items;
	double points;
	double loss_probability;
};

struct negative_event {
	char *name;
	double probability;
	double deduct;
	int veto;
};

struct honor {
	char *name;
	double probability;
	double points;
};

struct competitor {
	char *name;
	double mean;
	double sd;
};

enum policy_value_type {
	POLICY_VALUE_NUMBER,
	POLICY_VALUE_BOOLEAN,
	POLICY_VALUE_STRING,
	POLICY_VALUE_NUMBERS,
	POLICY_VALUE_STRINGS
};

/* One entry of a policy's params group, as the file wrote it. */
struct policy_param {
	char *key;
	int line;
	enum policy_value_type type;
	double number;         /* NUMBER, BOOLEAN (0 or 1) */
	char *string;          /* STRING */
	int count;             /* NUMBERS, STRINGS */
	double *numbers;
	char **strings;
};

struct policy {
	char *plugin;
	int line;
	char *file;            /* where it was written, when not the scenario's own file
				* (an @include'd file, a later layer); NULL otherwise */
	int n_targets;         /* 0: every district */
	char **targets;
	int n_params;
	struct policy_param *params;
};

/* What a policy's setup made of it, as reports show it. */
struct policy_summary {
	const char *name;      /* the plugin's own name */
	const char *plugin;    /* the plugin's file stem */
	double cost;           /* what setup returned */
};

struct sensitivity_input {
	char *path;
	int line;
	char *file;            /* where it was written, when not the scenario's own file
				* (an @include'd file, a later layer); NULL otherwise */
	double low;
	double high;
};

/* A lever of `ccsim optimize` (docs/model.md 9): a numeric parameter of a
 * policy, spent district by district over its targets. */
struct lever {
	char *name;            /* first: read as a named list */
	char *param;           /* the policy's parameter */
	char *file;            /* where it was written, when not the scenario's own file */
	int line;
	int policy;            /* 1-based, as written */
	double unit_cost;      /* the cost of one unit of the parameter, > 0 */
	double step;           /* the units one step adds, > 0 */
	double max;            /* the most a district may hold, >= step */
};

/* What the office can spend (docs/model.md 9); present 0: no budget section. */
struct budget {
	int present;
	int line;
	double total;
	char *unit;            /* "" when not given */
};

/*
 * One value an uncertain input sets (docs/model.md 3.12): a stored key of one
 * record (item and category as scenario_value_get takes them) and the
 * value it holds without uncertainty, which a relative input scales.
 */
struct uncertain_target {
	const struct scenario_key *key;
	int item, category;
	double base;
};

struct uncertain_set;

/* A value a later file of a layered scenario (city.cfg+plan.cfg) wrote. */
struct scenario_origin {
	char *path;            /* the parameter path it wrote */
	const char *kind;      /* "replaces", "adds", "appends", "adds the scalar of" */
	char *file;            /* where it was written */
	int line;
	char *replaced_file;   /* where the value it replaced was written; NULL: none */
	int replaced_line;
};

enum pass_rule { PASS_THRESHOLD, PASS_COMPETITION };

/* Districts ranked by field points lost per inspected site, or in all. */
enum ranking_rule { RANKING_PER_SITE, RANKING_POINTS_LOST };

struct scenario {
	char *name;                 /* the file's name key, else its base name */
	char *file;                 /* the path it was read from */

	int has_replications;       /* run: defaults, overridden by flags */
	int64_t replications;
	int has_seed;
	uint64_t seed;

	int weeks;                  /* T */
	int window_first, window_last; /* a, b */
	int batches;                /* B */

	int n_categories;
	struct category *categories;
	int n_districts;
	struct district *districts;
	struct cell *cells;         /* [district * n_categories + category] */

	int n_materials;
	struct material *materials;

	struct {
		int64_t respondents;
		double weight;
		double veto_below;
	} survey;

	struct {
		double weight;
		double noise_sd;
		double mean;      /* of the noise: the impression's shift from the field share */
	} overall;

	int n_negatives;
	struct negative_event *negatives;

	struct {
		double cap;
		int n_honors;
		struct honor *honors;
	} bonus;

	struct {
		int present;
		double mean, sd, weight, minimum;
	} minors;

	struct {
		int present;
		int n;
		double *scores;
		double *weights;
		double current_weight;
	} history;

	struct {
		enum pass_rule rule;
		double threshold;
		int n_bands;
		double *bands;
		int64_t slots;
		int n_competitors;
		struct competitor *competitors;
	} pass;

	/* How the office ranks its districts (docs/model.md 3.10). */
	struct {
		enum ranking_rule by;
		int64_t bottom;        /* k: the bottom k count */
	} ranking;

	int n_policies;
	struct policy *policies;
	int n_sensitivity;
	struct sensitivity_input *sensitivity;
	struct budget budget;
	int n_levers;
	struct lever *levers;

	/* A layered scenario: its files in order (one: a single file), and
	 * what each later file wrote (check shows it). */
	int n_layers;
	char **layers;
	int n_origins;
	struct scenario_origin *origins;

	/* What is valid but almost surely not what was meant (DIAG_WARNING
	 * entries, each with its file and line), as check and every command
	 * print them and the JSON's `warnings` lists them. */
	struct diag warnings;

	/* Uncertain inputs (docs/model.md 3.12), NULL when none (or all fixed by
	 * --set): input k of the set sets the targets uncertain_first[k] to
	 * uncertain_first[k + 1] - 1, every cell, district or entry it covers. */
	struct uncertain_set *uncertain;
	int *uncertain_first;
	struct uncertain_target *uncertain_targets;
};

/*
 * What replications read besides the written scenario, derived from it once
 * after the policies' setup (scenario_compile) and read-only thereafter:
 * nothing derived lives in struct scenario.
 */
struct scenario_compiled {
	const struct scenario *scenario; /* borrowed: must outlive the compiled model */
	double field_weight;        /* sum of category weights */
	int64_t *respondents;       /* [D]: the survey's largest-remainder share by population */
	int64_t *declared_before;   /* [c * (D + 1) + d]: declared sites of c in districts < d */
	int64_t *undeclared_before; /* likewise for undeclared sites */
	double total_lo, total_hi;  /* the least and greatest Total */
	int64_t histogram_base;     /* bin i holds Total in [(base+i)/100, (base+i+1)/100) */
	int64_t histogram_bins;
};

static inline struct cell *scenario_cell(const struct scenario *s, int district, int category)
{
	return &s->cells[(size_t)district * (size_t)s->n_categories + (size_t)category];
}

/*
 * Reads, resolves and validates the scenario at PATH. On success returns it
 * (free with scenario_free). On failure returns NULL with every problem in D,
 * whose file name must be PATH.
 */
struct scenario *scenario_load_file(const char *path, struct diag *d);

/*
 * A number set by parameter path (docs/model.md 2.4: defaults.rectify_rate,
 * districts.NAME.rectify_rate[.CATEGORY], categories.NAME.deduction,
 * survey.respondents, materials.NAME.loss_probability, pass.threshold,
 * policies.N.params.KEY, and every other number a section or a named entry
 * holds), as if the file had said it at that level.
 */
struct parameter_setting {
	const char *path;
	double value;
	int used;          /* set by the loader: a path matched */
	int integer;       /* set by the loader: the path takes whole numbers */
};

/*
 * A policy's districts may be set too, by a list of names that the setting
 * keeps in its path after the '=' ("policies.1.districts=[Beishan, Qilihe]",
 * its value unused): the list's text after "=[" (up to its ']'), or NULL
 * for a number.
 */
const char *scenario_setting_names(const struct parameter_setting *set);

/*
 * Checks, in S, that every value from LO to HI set at PATH (a pattern, or a
 * factor for PATH*) keeps the range of PATH's key: 0 when it does, 1 with
 * what leaves it in WHY, -1 when PATH's key has no range to keep (a
 * policy's parameter) or PATH names nothing in S.
 */
int scenario_range_check(const struct scenario *s, const char *path, double lo, double hi,
			 char *why, size_t size);

/*
 * As scenario_load_file, with SETTINGS applied. A path that matches nothing
 * is a problem naming the nearest valid paths; a value out of range for its
 * path is a problem like any other.
 */
struct scenario *scenario_load_file_with(const char *path, struct parameter_setting *settings,
					 int n_settings, struct diag *d);

/* As scenario_load_file, from TEXT; plugins and relative paths resolve
 * against the current directory. */
struct scenario *scenario_load_string(const char *text, struct diag *d);

/*
 * A scenario file parsed once (its @include'd files too), to be resolved
 * and validated as often as asked without opening any file again: a
 * command's variants are settings applied in memory.
 */
struct scenario_source;

/*
 * Parses the file at PATH, or the files of a layered PATH
 * ("city.cfg+plan.cfg", each later one read on top of the earlier ones).
 * Returns the source (free with scenario_source_free), or NULL with the
 * problems in D (whose file name must be PATH).
 */
struct scenario_source *scenario_source_read(const char *path, struct diag *d);

/* As scenario_source_read, from TEXT, reported under NAME (@include resolves
 * against the current directory). */
struct scenario_source *scenario_source_read_string(const char *text, const char *name,
						    struct diag *d);

/*
 * Resolves and validates the scenario SRC holds with SETTINGS[N] applied
 * (as scenario_load_file_with; SETTINGS are not written). Returns a fresh
 * scenario (free with scenario_free), or NULL with every problem in D. Safe
 * to call from several threads at once on one source.
 */
struct scenario *scenario_source_resolve(const struct scenario_source *src,
					 const struct parameter_setting *settings, int n,
					 struct diag *d);

/*
 * The last file of a layered scenario PATH ("city.cfg+plan.cfg": "plan.cfg",
 * docs/model.md 2), or PATH itself when it is one file: a command names a
 * variant by it, and finds its plugins beside it.
 */
const char *scenario_last_layer(const char *path);

/* A resolution's options: warnings are errors (--strict). */
#define SCENARIO_STRICT 0x1u

/* As scenario_source_resolve, with FLAGS (SCENARIO_STRICT). A resolved
 * scenario's warnings are in D too, and in its own `warnings`. */
struct scenario *scenario_source_resolve_with(const struct scenario_source *src,
					      const struct parameter_setting *settings, int n,
					      unsigned flags, struct diag *d);

/* The path SRC was read from ("<string>" or the name given for a text). */
const char *scenario_source_path(const struct scenario_source *src);

/* The files SRC was read from, as opened: the scenario's own (each layer's)
 * and each @include'd one; *FILES[0 .. the count returned). */
int scenario_source_files(const struct scenario_source *src, const char *const **files);

void scenario_source_free(struct scenario_source *src);

/* 1 when parameter path PATH takes whole numbers (survey.respondents,
 * districts.NAME.sites, ...), 0 otherwise or when it names no key. */
int scenario_path_is_integer(const char *path);

void scenario_free(struct scenario *s);

/*
 * Replaces policy INDEX by one policy per target district (all districts
 * when it names none), the one for target t with parameter KEY set to
 * AMOUNTS[t] (docs/model.md 6: the plugin checks KEY). For spreading a budget
 * across districts. Returns the number of targets, or -1 when out of memory.
 */
int scenario_split_policy(struct scenario *s, int index, const char *key, const double *amounts);

/*
 * Compiles S (valid, after setup) into what replications read. Returns it
 * (free with scenario_compiled_free), or NULL with a message in D when the
 * scenario, though valid key by key, cannot be simulated, or when memory
 * runs out.
 */
struct scenario_compiled *scenario_compile(const struct scenario *s, struct diag *d);
void scenario_compiled_free(struct scenario_compiled *m);

/* Checks that S compiles: 0, or -1 with the message in D (scenario_compile's). */
int scenario_derive(const struct scenario *s, struct diag *d);

/*
 * Splits TOTAL among N shares in proportion to WEIGHT by the largest
 * remainder method, ties to the earlier share. WEIGHT must be positive.
 * Returns 0, or -1 when out of memory.
 */
int scenario_largest_remainder(int64_t total, const double *weight, int n, int64_t *out);

/*
 * Where the values scenario_check_consistency compares were written, for
 * its messages. Any pointer may be NULL: the message then has no line.
 */
struct scenario_lines {
	const int *declared;            /* [cell]: the line of the declared value in force */
	const int *category;            /* [category] */
	const int *satisfaction;        /* [district] */
	int overall;
	const unsigned char *cell_valid; /* [cell]: 0 skips a cell whose sites or declared was invalid */
};

/*
 * The rules between values (docs/model.md 2.3): declared at most sites; a
 * satisfaction strictly inside (0, 1) when its concentration is positive;
 * every category with weight able to inspect a site; an overall impression
 * only with a field to judge. Reports each broken rule in D, PREFIX before
 * its message; returns how many.
 */
int scenario_check_consistency(const struct scenario *s, const struct scenario_lines *lines,
			       const char *prefix, struct diag *d);

/*
 * Checks VALUE against the rule the file's FIELD must keep, FIELD one of
 * "category.weight", "cell.rectify_rate", "district.population",
 * "survey.respondents", "material.loss_probability", "negative.deduct",
 * "honor.points", "bonus.cap", "overall.noise_sd", ... (the section's
 * singular and the key). Returns 0 when VALUE keeps it, 1 with "must be ..."
 * in WHY when it does not, -1 when FIELD names no rule.
 */
int scenario_field_check(const char *field, double value, char *why, size_t size);

/* The rule of FIELD, for checking many values against it (NULL when FIELD names none).
 * (The schema's scenario_key_check does the same for a key: scenario_schema.h.) */
const struct value_rule *scenario_field_rule(const char *field);

/* As scenario_field_check, with a rule from scenario_field_rule. */
int scenario_rule_check(const struct value_rule *rule, double value, char *why, size_t size);

/* The least and greatest Total the scenario can produce. */
void scenario_total_bounds(const struct scenario *s, double *lo, double *hi);

/* Prints the resolved scenario, every cell after defaults and overrides. */
void scenario_print(const struct scenario *s, FILE *out);

#endif

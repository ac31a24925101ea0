/*
 * scenario_int: what the scenario layer's files share and nobody else sees
 * (after SQLite's btreeInt.h). The reading of a file is split by concept:
 *
 *   scenario_access.c    libconfig access: members, strings, groups, lines
 *   scenario_rule.c      value rules: ranges, their words, numbers read against them
 *   scenario_schema.c    the table of every key (public API in scenario_schema.h)
 *   scenario_sections.c  the sections, in the order of the file
 *   scenario_cells.c     per-district-and-category values resolved from their levels
 *   scenario_settings.c  values set by parameter path (--set, variants)
 *   scenario_source.c    a file parsed once, resolved as often as asked
 *   scenario_layers.c    layered files (city.cfg+plan.cfg) merged into one tree
 *   scenario_warnings.c  valid values that are almost surely not what was meant
 *   scenario_literal.c   the file's text before parsing: size, includes, integer literals
 *   scenario_compile.c   what replications read, derived once (public)
 *   scenario_print.c     check's printout
 */
#ifndef CCSIM_SCENARIO_INT_H
#define CCSIM_SCENARIO_INT_H

#include "scenario.h"
#include "scenario_schema.h"

#include <libconfig.h>
#include <stddef.h>

#define N_ELEMENTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct literal_map;

/* One resolution of a parsed file into a struct scenario. */
struct loader {
	struct diag *d;
	struct scenario *s;
	const char *prefix;  /* the parameter path of the group being read; NULL: none */
	struct parameter_setting *settings;  /* values set by path (--set, variants) */
	int n_settings;
	int n_scales;        /* how many of them scale (PATH*=F) */
	int *more;           /* [setting]: values out of range beyond the one reported */
	/* The sensitivity list's paths are checked as settings that set nothing
	 * (probes): PROBE_OF[setting] is the entry's number (0: a real setting),
	 * PROBE_LINES[entry - 1] its line. NULL: no probes. */
	const int *probe_of;
	const int *probe_lines;
	char **offered;      /* every path that could have been set, for suggestions */
	int n_offered, offered_capacity;
	int out_of_memory;   /* reported once */
	const char *file;    /* the file the root was read from (NULL: a string) */
	const char *directory; /* where @include'd files were found (NULL: here) */
	const struct literal_map *map; /* where each line of the parsed text was written (may be NULL) */
	/* the schema's keys under the pattern last asked for, so that a list of
	 * many entries looks them up once */
	char known_pattern[64];
	const char *known[64];
	int n_known;         /* -1: none yet */
	char fields_pattern[64];
	const struct scenario_key *fields[64];
	int n_fields;        /* -1: none yet */
};

/* ---- scenario_access.c ---- */

/* What follows WHERE in a message: ": ", or nothing at the top level (""). */
const char *access_sep(const char *where);
int access_line(const config_setting_t *setting);
/* GROUP's member NAME, or NULL (also when GROUP is no group): as
 * config_setting_get_member, whose comparison calls strchr for every
 * character of every name it passes, but by strcmp (a quarter of a large
 * scenario's reading went there). */
config_setting_t *access_member(const config_setting_t *group, const char *name);
const char *access_type_name(const config_setting_t *setting);
int access_is_integer(const config_setting_t *setting);
double access_number(const config_setting_t *setting);
/* Levenshtein distance, for "did you mean". */
int access_edit_distance(const char *a, const char *b);
/* The candidate nearest to WORD (the first of equals). */
const char *access_nearest(const char *word, const char *const *candidates, int n);
/* Reports, once, that memory ran out. */
void access_no_memory(struct loader *L);
/* Does the work of entries FROM to TO - 1 of a list, reporting in L. */
typedef void (*access_range)(struct loader *L, const void *context, int from, int to);
/*
 * EACH over entries 0 to N - 1. A long list (and no values set by path,
 * which mark the loader's one list) runs on the threads OpenMP offers: each
 * thread takes a run of entries with its own copy of L and its own
 * problems, moved afterwards in the entries' order, so that the messages
 * and their order are the ones one thread gives.
 */
void access_in_parallel(struct loader *L, int n, access_range each, const void *context);
/* The threads access_in_parallel reads N entries on (1: one, at once). */
int access_threads(const struct loader *L, int n);
/* Zeroed memory for COUNT items (at least one); NULL, reported once, when out of memory. */
void *access_alloc(struct loader *L, size_t count, size_t size);
/* A copy of TEXT; NULL, reported once, when out of memory. */
char *access_copy(struct loader *L, const char *text);
/* A problem at the line of AT (NULL: no line), in the file AT was written in
 * (an @include'd file is named, not the file that includes it). */
void access_report(struct loader *L, const config_setting_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int access_bool(struct loader *L, const config_setting_t *group, const char *where, const char *key,
		int fallback);
/* A string member; NULL (reported when REQUIRED) when absent or not a string. */
const char *access_string(struct loader *L, const config_setting_t *group, const char *where,
			  const char *key, int required);
/* A member that must be a group; NULL (reported when REQUIRED) otherwise. */
const config_setting_t *access_group(struct loader *L, const config_setting_t *parent,
				     const char *where, const char *key, int required);
/* Reports every member of GROUP that is not a key of the schema under PATTERN. */
void access_check_keys(struct loader *L, const config_setting_t *group, const char *where,
		       const char *pattern);

/* ---- scenario_rule.c ---- */

/* Returns 1 when VALUE breaks RULE (NaN and infinities always do), else 0. */
int rule_breaks(const struct value_rule *rule, double value);
/* 1 with SETTING's value in OUT when it is a number keeping RULE, else 0 (nothing reported). */
int rule_quick(const struct value_rule *rule, const config_setting_t *setting, double *out);
/* Checks that SETTING (named KEY, in WHERE) is a number keeping RULE; stores it in OUT. */
int rule_take_number(struct loader *L, const config_setting_t *setting, const char *where,
		     const char *key, const struct value_rule *rule, double *out);
/* Reads GROUP's member RULE->key (or the setting of PREFIX.key); 1 when OUT holds a valid value. */
int rule_get_number(struct loader *L, const config_setting_t *group, const char *where,
		    const struct value_rule *rule, int required, double fallback, double *out);
/* An array or list of numbers keeping RULE, fresh; the count, or -1 (reported). */
int rule_get_numbers(struct loader *L, const config_setting_t *group, const char *where,
		     const char *key, const struct value_rule *rule, double **out);
/* Reads every stored number and boolean of the schema under PATTERN into ITEM. */
void rule_read_fields(struct loader *L, const config_setting_t *group, const char *where,
		      const char *pattern, void *item);

/* ---- scenario_schema.c ---- */

/* The names of the keys under PARENT ("defaults": the cell keys), in table order. */
int schema_children(const char *parent, const char **names, int max);
const struct scenario_key *schema_child(const char *parent, const char *name);
void *schema_record(const struct scenario *s, enum scenario_record record, int item, int category);
double schema_load(const void *record, const struct scenario_key *k);
void schema_store(void *record, const struct scenario_key *k, double value);

/* ---- scenario_sections.c ---- */

void sections_read(struct loader *L, const config_setting_t *root);

/* ---- scenario_cells.c ---- */

void cells_resolve(struct loader *L, const config_setting_t *defaults,
		   const config_setting_t *districts, int *declared_line, unsigned char *cell_valid);

/* ---- scenario_uncertainty.c ---- */

/*
 * Reads the `uncertain` and `correlation` lists (docs/model.md 3.12) into the
 * scenario's uncertain set and targets, once every other value is resolved;
 * each problem at its entry's FILE:LINE.
 */
void uncertainty_read(struct loader *L, const config_setting_t *root);

/* ---- scenario_warnings.c ---- */

/* Reports, as warnings, what the resolved scenario holds that is valid but
 * almost surely not what was meant (ROOT: where each value was written). */
void warnings_check(struct loader *L, const config_setting_t *root);

/* ---- scenario_literal.c ---- */

/*
 * The text of PATH, whole (LENGTH receives its size), or NULL with the
 * problem reported: a directory, not a regular file, over the size limit,
 * unreadable. Reported under FILE:LINE when LINE is not 0 (an @include).
 */
char *literal_read_file(const char *path, const char *file, int line, struct diag *d,
			size_t *length);
/* Where each line of a prepared text came from. */
struct literal_map {
	char **files;          /* [0]: the scenario itself; then each @include'd file */
	int n_files;
	struct {
		int file, line;
	} *origin;             /* [1 .. n_lines]: the file and its own line */
	int n_lines;
};

/*
 * TEXT (of the file NAME) with every @include expanded in place (files are
 * found in DIRECTORY, NULL: here) and an L after each integer literal beyond
 * 32 bits, so that libconfig reads them exactly, MAP saying where each line
 * came from. NULL with every problem reported (a literal beyond 64 bits; an
 * @include'd file that is a directory, too big or missing; includes too deep).
 */
char *literal_prepare(const char *text, size_t length, const char *name, const char *directory,
		      struct diag *d, struct literal_map *map);
/* The ASCII classes of a scenario's text, as libconfig's scanner sees them:
 * not the C library's ctype, which looks each byte up through the locale
 * (a call a character in the pre-scan's loops) and whose answer for bytes
 * beyond ASCII is the locale's. */
static inline int ascii_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline int ascii_alpha(char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

static inline int ascii_xdigit(char c)
{
	return ascii_digit(c) || (unsigned char)((c | 0x20) - 'a') < 6;
}

/* A character of a setting's name after its first: a letter, a digit, _ - * */
static inline int ascii_name_char(char c)
{
	return ascii_alpha(c) || ascii_digit(c) || c == '_' || c == '-' || c == '*';
}

/* The end of the string literal starting at P (its opening quote), LINE
 * counting the newlines passed. */
const char *literal_skip_string(const char *p, int *line);
/* The end of the comment (#, //, / * * /) starting at P, or P when none
 * starts there, LINE counting the newlines passed. */
const char *literal_skip_comment(const char *p, int *line);
/*
 * Finds the setting libconfig calls a "duplicate setting name" at LINE of
 * the prepared TEXT: 1 with its NAME and the line it was FIRST given at
 * (in the same group), else 0.
 */
int literal_duplicate(const char *text, int line, char *name, size_t size, int *first);
/* Moves the entries of D from FROM on, whose lines are the prepared text's,
 * to the files and lines MAP says they came from. */
void literal_map_entries(const struct literal_map *map, struct diag *d, int from);
void literal_map_free(struct literal_map *map);

/* ---- scenario_split.c ---- */

/* The parts of a split read, kept for split_destroy (opaque). */
struct split_parts;

/*
 * config_read_string(CONFIG, TEXT), a long top-level district list parsed
 * on the threads OpenMP offers: the same tree, lines and messages as one read.
 * With PARTS (may be NULL), *PARTS receives what split_destroy needs to free
 * each part's districts on the thread that parsed them (NULL: nothing to keep).
 */
int split_read(config_t *config, const char *text, struct split_parts **parts);
/* config_destroy(CONFIG), PARTS (split_read's, may be NULL) freed on their threads. */
void split_destroy(config_t *config, struct split_parts *parts);

/* ---- scenario_layers.c ---- */

/* One value a later file of a layered scenario (city.cfg+plan.cfg) wrote. */
struct layer_origin {
	char *path;          /* districts.Xigu.rectify_rate.main_road, policies.3, ... */
	const char *kind;    /* "replaces", "adds", "appends", "adds the scalar of" */
	int line;            /* where it was written, in the combined line map */
	int replaced;        /* where the value it replaced was written (0: none) */
};

/* What merging the later files did: the values they wrote, in order. */
struct layer_merge {
	struct diag *d;      /* a later file's own problems (a name twice in a list) */
	const struct literal_map *map; /* the combined lines, for a message's second line */
	struct layer_origin *origins;
	int n, capacity;
	int failed;          /* out of memory */
};

/* Merges the tree OVERLAY into BASE by docs/model.md 2.6's rules, noting each value in M. */
void layers_merge(config_setting_t *base, const config_setting_t *overlay, struct layer_merge *m);
void layers_merge_free(struct layer_merge *m);
/* Adds OFFSET to the line of SETTING and of everything in it. */
void layers_shift_lines(config_setting_t *setting, int offset);
/* 1 when ENTRY of a per-category group holds its level's scalar (a merge put it there). */
int layers_is_scalar_entry(const config_setting_t *entry);

/* ---- scenario_settings.c ---- */

/* 1 when the concrete PATH matches PATTERN's first LENGTH characters (a
 * setting's path, where a '*' segment stands for any name). */
int settings_match(const char *pattern, size_t length, const char *path);
/* The sensitivity entry (from 1) setting SET of L probes, else 0. */
int settings_probe(const struct loader *L, const struct parameter_setting *set);
/* 1 when SET scales (written PATH*=F): its path ends in a '*' after a name. */
int settings_scales(const struct parameter_setting *set);
/*
 * The product of the factors of every PATH*=F setting matching one of
 * PATHS[N] (each counted once, marked used): 1 when none. WHICH receives one
 * of them, for messages (NULL: none).
 */
double settings_factor(struct loader *L, const char *const *paths, int n,
		       const struct parameter_setting **which);
/*
 * VALUE times FACTOR (rounded to a whole number for an integer RULE) into
 * OUT: 1, or 0 with the problem reported (WHICH is the setting, WHAT names
 * the value: "district 'Xigu', category 'main_road'") when it breaks RULE.
 */
int settings_scaled(struct loader *L, const struct parameter_setting *which,
		    const struct value_rule *rule, const char *what, double value, double factor,
		    double *out);
/* Records PATH as settable; returns the setting that sets it, if any (marked used). */
struct parameter_setting *settings_for(struct loader *L, const char *path);
/* Checks a value set by path against RULE; reported at line 0 as "PATH=VALUE". */
int settings_take(struct loader *L, const struct parameter_setting *set,
		  const struct value_rule *rule, double *out);
/* Applies the settings of policies.N.params.KEY (N = INDEX + 1) to P. */
void settings_apply_params(struct loader *L, struct policy *p, int index, const char *where);
/* Applies the settings of policies.N.districts=[A, B] (N = INDEX + 1) to P,
 * each name checked against DISTRICTS[n_districts]. */
void settings_apply_targets(struct loader *L, struct policy *p, int index, const char *where,
			    const char *const *districts, int n_districts);
/* Every setting no path matched is an error naming the nearest valid paths. */
void settings_report_unused(struct loader *L);
void settings_free_offered(struct loader *L);

#endif

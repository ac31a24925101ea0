/*
 * scenario_schema: every key a scenario file may hold, described once
 * (docs/model.md, "Scenario keys", is generated from this table).
 *
 * A key is named by its path pattern: "survey.respondents",
 * "districts.*.rectify_rate" (a '*' stands for one name of a list),
 * "policies.*.params.*". A key marked SCENARIO_KEY_CELL is a district's
 * per-category parameter: it may also be written under `defaults`, and as a
 * group keyed by category name (`districts.NAME.KEY.CATEGORY`).
 *
 * The loader, parameter paths (--set), check's printout, the resolved
 * scenario's JSON and the fuzz dictionary are driven by the table; so is
 * the plugin layer's view of a scenario, through the typed get and set
 * below: code outside this layer needs no offsets of its own.
 */
#ifndef CCSIM_SCENARIO_SCHEMA_H
#define CCSIM_SCENARIO_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

struct scenario;

/* A number's type and range. */
struct value_rule {
	const char *key;   /* the key's name, for messages */
	int integer;       /* 1: an integer is required */
	double lo, hi;     /* inclusive bounds, +-INFINITY for none */
	int lo_open;       /* 1: lo itself is excluded */
	int hi_open;
};

enum scenario_type {
	SCENARIO_TYPE_REAL,
	SCENARIO_TYPE_INTEGER,
	SCENARIO_TYPE_BOOLEAN,
	SCENARIO_TYPE_STRING,
	SCENARIO_TYPE_REALS,     /* an array of numbers */
	SCENARIO_TYPE_INTEGERS,
	SCENARIO_TYPE_STRINGS,   /* an array of strings */
	SCENARIO_TYPE_GROUP,     /* a section { ... } */
	SCENARIO_TYPE_LIST,      /* a list of groups ( { ... }, ... ) */
	SCENARIO_TYPE_ANY        /* a policy parameter: number, boolean, string or array */
};

/* What struct holds a key's value. */
enum scenario_record {
	SCENARIO_RECORD_ROOT,        /* struct scenario itself */
	SCENARIO_RECORD_CATEGORY,    /* s->categories[item] */
	SCENARIO_RECORD_DISTRICT,    /* s->districts[item] */
	SCENARIO_RECORD_CELL,        /* scenario_cell(s, item, category) */
	SCENARIO_RECORD_MATERIAL,    /* s->materials[item] */
	SCENARIO_RECORD_NEGATIVE,    /* s->negatives[item] */
	SCENARIO_RECORD_HONOR,       /* s->bonus.honors[item] */
	SCENARIO_RECORD_COMPETITOR,  /* s->pass.competitors[item] */
	SCENARIO_RECORD_POLICY,      /* s->policies[item] */
	SCENARIO_RECORD_SENSITIVITY, /* s->sensitivity[item] */
	SCENARIO_RECORD_LEVER,       /* s->levers[item] */
	SCENARIO_RECORD_COUNT
};

/* How a value is stored at its offset (NONE: read by its section's code). */
enum scenario_storage {
	SCENARIO_STORE_NONE,
	SCENARIO_STORE_DOUBLE,
	SCENARIO_STORE_INT64,
	SCENARIO_STORE_INT,
	SCENARIO_STORE_BOOL,     /* int, 0 or 1 */
	SCENARIO_STORE_UINT64,
	SCENARIO_STORE_CHOICE    /* int: the index of a string among `choices` */
};

#define SCENARIO_KEY_REQUIRED 0x01u  /* the file must give it (in its section) */
#define SCENARIO_KEY_SET 0x02u       /* --set PATH=VALUE and patterns may set it */
#define SCENARIO_KEY_SETUP 0x04u     /* a policy's setup may write it */
#define SCENARIO_KEY_WEEK 0x08u      /* a week hook may write it (one replication) */
#define SCENARIO_KEY_UNCERTAIN 0x10u /* it may be an uncertain input (docs/model.md 3.12) */
#define SCENARIO_KEY_CELL 0x20u      /* per district and category (also in defaults) */
#define SCENARIO_KEY_DEFAULT 0x40u   /* optional, with `fallback` when absent */

struct scenario_key {
	const char *path;              /* the pattern: "districts.*.rectify_rate" */
	enum scenario_type type;
	enum scenario_record record;
	unsigned flags;
	struct value_rule rule;        /* numbers; rule.key is the key's own name */
	double fallback;               /* the default (SCENARIO_KEY_DEFAULT), else the value kept after an error */
	enum scenario_storage storage;
	size_t offset;                 /* within the record's struct */
	const char *choices;           /* strings with fixed values: "threshold|competition" */
	const char *description;       /* one line */
};

/* The table, in the order files are read and printed. */
int scenario_schema_count(void);
const struct scenario_key *scenario_schema_key(int index);

/* The key of pattern PATTERN ("survey.respondents", "districts.*.rectify_rate"), or NULL. */
const struct scenario_key *scenario_schema_find(const char *pattern);

/* The key's own name: the last segment of its path. */
const char *scenario_key_name(const struct scenario_key *k);

/*
 * Choice INDEX of a key with `choices` ("threshold|competition") into OUT:
 * returns 0, or -1 when INDEX names none (OUT is then empty). The index of
 * the string TEXT among them, or -1.
 */
int scenario_key_choice(const struct scenario_key *k, int index, char *out, size_t size);
int scenario_key_choice_index(const struct scenario_key *k, const char *text);

/*
 * The next key after PREVIOUS (NULL: the first) stored in RECORD with every
 * flag of FLAGS, in table order; NULL after the last. For walking a
 * record's fields: a district's (SCENARIO_RECORD_DISTRICT), a cell's, ...
 */
const struct scenario_key *scenario_schema_next(const struct scenario_key *previous,
						enum scenario_record record, unsigned flags);

/*
 * The key a concrete parameter path names in S ("districts.Xigu.rectify_rate.back_street",
 * "categories.main_road.deduction", "survey.weight"), with ITEM the index of
 * the named entry (-1 for a section's key) and CATEGORY the category of a
 * cell key (-1 when the path gives none: the district's scalar; also for
 * defaults.KEY[.CATEGORY], where ITEM is -1). NULL when the path names
 * no key of S. Policy parameters (policies.N.params.KEY) are not keys.
 */
const struct scenario_key *scenario_schema_resolve(const struct scenario *s, const char *path,
						   int *item, int *category);

/* The pattern key a concrete path matches, without a scenario (NULL: none);
 * policies.N.params.KEY matches "policies.*.params.*". */
const struct scenario_key *scenario_schema_match(const char *path);

/* How many entries RECORD has in S (1 for the root; cells: districts). */
int scenario_record_count(const struct scenario *s, enum scenario_record record);

/*
 * The value of numeric or boolean key K of entry ITEM (cells: district ITEM,
 * category CATEGORY; root keys: ITEM and CATEGORY ignored) as a double.
 * K's storage must not be NONE.
 */
double scenario_value_get(const struct scenario *s, const struct scenario_key *k, int item,
			  int category);

/*
 * Sets it to VALUE after checking VALUE against K's rule (a whole number for
 * integers, finite, within range; booleans 0 or 1). Returns 0, or 1 with
 * "must be ..." in WHY (S unchanged).
 */
int scenario_value_set(struct scenario *s, const struct scenario_key *k, int item, int category,
		       double value, char *why, size_t size);

/* Checks VALUE against K's rule: 0, or 1 with "must be ..." in WHY. */
int scenario_key_check(const struct scenario_key *k, double value, char *why, size_t size);

/* Writes "an integer within [1, 10000]", "a number at least 0", ... for RULE. */
void scenario_rule_describe(const struct value_rule *rule, char *out, size_t size);

/* The keys as a Markdown table, as docs/model.md holds it between its markers. */
void scenario_schema_markdown(FILE *out);

/* The fuzzer's dictionary (fuzz/scenario.dict): libconfig's tokens, every key's name. */
void scenario_schema_dictionary(FILE *out);

#endif

#include "uncertain.h"
#include "copula.h"
#include "rng.h"
#include "sample.h"
#include "special.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct input {
	char *path;
	char *file;
	int line;
	uint64_t stream;
	struct distribution dist;
	int relative;
	struct uncertain_key key;
	char *key_name;          /* key.name's own copy */
};

struct uncertain_set {
	struct input *inputs;
	int count, capacity;
	struct copula_pair *pairs;
	int pair_count, pair_capacity;
	char **pair_files;       /* the pairs' FILE strings, owned */
	int file_count, file_capacity;
	struct copula *copula;   /* after finish; NULL: no correlations */
	int finished;
};

uint64_t uncertain_stream(const char *path)
{
	uint64_t hash = UINT64_C(0xcbf29ce484222325);
	for (const unsigned char *c = (const unsigned char *)path; *c != '\0'; c++) {
		hash ^= *c;
		hash *= UINT64_C(0x100000001b3);
	}
	return UNCERTAIN_SUBSTREAM | (hash >> 1);
}

static char *copy(const char *text)
{
	if (text == NULL)
		return NULL;
	size_t n = strlen(text) + 1;
	char *out = malloc(n);
	if (out != NULL)
		memcpy(out, text, n);
	return out;
}

/* ---- the support check ---- */

static void number(double value, char *out, size_t size)
{
	diag_format_number(value, out, size);
}

/* The key's range in words: "[0, 1]", "(0, 1)", "at least 1", "above 0". */
static void range_text(const struct uncertain_key *key, char *out, size_t size)
{
	char lo[32], hi[32];
	number(key->lo, lo, sizeof lo);
	number(key->hi, hi, sizeof hi);
	if (isfinite(key->lo) && isfinite(key->hi))
		snprintf(out, size, "in %s%s, %s%s", key->lo_open ? "(" : "[", lo, hi,
			 key->hi_open ? ")" : "]");
	else if (isfinite(key->lo))
		snprintf(out, size, "%s %s", key->lo_open ? "above" : "at least", lo);
	else if (isfinite(key->hi))
		snprintf(out, size, "%s %s", key->hi_open ? "below" : "at most", hi);
	else
		snprintf(out, size, "any number");
}

/* b * s, with 0 for a zero base whatever s (0 * infinity is 0 here). */
static double times(double b, double s)
{
	return b == 0.0 ? 0.0 : b * s;
}

/* Whether the end LIMIT of a support (ATTAINED: drawn itself) keeps within
 * the key's end BOUND (OPEN: excluded) on the side SIGN (-1 lower, +1 upper). */
static int end_within(double limit, int attained, double bound, int open, int sign)
{
	if (sign < 0 ? limit > bound : limit < bound)
		return 1;
	return limit == bound && !(attained && open);
}

/* The side a distribution cannot be bounded on by a parameter of its own. */
static int unbounded_by_kind(enum distribution_kind kind)
{
	return kind == DISTRIBUTION_LOGNORMAL || kind == DISTRIBUTION_GAMMA;
}

/*
 * The message for a support leaving the key's range on side SIGN: the
 * parameter to add or move (BOUND the value it needs; for a relative input,
 * a bound on the multiplier worked out from BASE, the base value that
 * binds).
 */
static void bound_message(const struct distribution *dist, int relative, double base,
			  const struct uncertain_key *key, int sign, double bound, char *out,
			  size_t size)
{
	const char *name = distribution_name(dist->kind);
	const char *param = sign < 0 ? "min" : "max";
	double limit = sign < 0 ? dist->lo : dist->hi;
	char range[96], bound_text[32], limit_text[32], base_text[32], key_text[32];
	range_text(key, range, sizeof range);
	number(bound, bound_text, sizeof bound_text);
	number(limit, limit_text, sizeof limit_text);
	number(base, base_text, sizeof base_text);
	number(sign < 0 ? key->lo : key->hi, key_text, sizeof key_text);
	const char *what = relative ? "multiplier" : "value";
	char how[160];
	if (relative && (sign < 0 ? key->lo : key->hi) != 0.0)
		snprintf(how, sizeof how, " (%s / %s, the %s base value the path covers)", key_text,
			 base_text, sign < 0 ? (key->lo > 0.0 ? "least" : "greatest")
					     : (key->hi >= 0.0 ? "greatest" : "least"));
	else
		how[0] = '\0';

	if (dist->kind == DISTRIBUTION_DISCRETE) {
		snprintf(out, size,
			 "the discrete %s %s lies outside the range of %s, which must be %s%s%s",
			 what, limit_text, key->name, range, relative ? ": times base value " : "",
			 relative ? base_text : "");
	} else if (isinf(limit) && unbounded_by_kind(dist->kind)) {
		snprintf(out, size,
			 "a %s %s can be as large as any number, but %s must be %s: use a "
			 "distribution with max = %s%s (pert, triangular, uniform, beta with min "
			 "and max, or a normal with max)",
			 name, what, key->name, range, bound_text, how);
	} else if (unbounded_by_kind(dist->kind)) {
		snprintf(out, size,
			 "a %s %s can come as close to 0 as any number, but %s must be %s: use a "
			 "distribution with min = %s%s (pert, triangular, uniform, beta with min "
			 "and max, or a normal with min)",
			 name, what, key->name, range, bound_text, how);
	} else if (isinf(limit)) {
		snprintf(out, size,
			 "a normal %s without %s can draw any value, but %s must be %s: add %s = %s%s "
			 "to truncate it",
			 what, param, key->name, range, param, bound_text, how);
	} else {
		snprintf(out, size,
			 "the %s's %s %s lies %s what %s may be (%s): %s %s to %s%s", name, what,
			 limit_text, sign < 0 ? "below" : "above", key->name, range,
			 sign < 0 ? "raise" : "lower", param, bound_text, how);
	}
}

int uncertain_support_check(const struct distribution *dist, int relative, double base_lo,
			    double base_hi, const struct uncertain_key *key, char *message,
			    size_t size)
{
	double s_lo, s_hi;
	int attained;
	distribution_support(dist, &s_lo, &s_hi, &attained);
	double p_lo = s_lo, p_hi = s_hi, bases[2] = {base_lo, base_hi};
	if (relative) {
		p_lo = INFINITY, p_hi = -INFINITY;
		for (int i = 0; i < 2; i++) {
			double a = times(bases[i], s_lo), b = times(bases[i], s_hi);
			p_lo = fmin(p_lo, fmin(a, b));
			p_hi = fmax(p_hi, fmax(a, b));
		}
	}
	int low_ok = end_within(p_lo, attained, key->lo, key->lo_open, -1);
	int high_ok = end_within(p_hi, attained, key->hi, key->hi_open, +1);
	if (low_ok && high_ok)
		return 1;
	if (relative && !(base_lo > 0.0)) {
		/* bases of either sign or zero: no one bound on the multiplier says it */
		char range[96], lo[32], hi[32];
		range_text(key, range, sizeof range);
		number(base_lo, lo, sizeof lo);
		number(base_hi, hi, sizeof hi);
		snprintf(message, size,
			 "the %s multiplier times the base values from %s to %s leaves the range of "
			 "%s, which must be %s: bound the multiplier",
			 distribution_name(dist->kind), lo, hi, key->name, range);
		return 0;
	}
	/* the bound to add or move, on the value or (relative) the multiplier */
	int sign = low_ok ? +1 : -1;
	double edge = sign < 0 ? key->lo : key->hi;
	double base = 1.0, bound = edge;
	if (relative) {
		/* b F within the key for every base b in [base_lo, base_hi] > 0 */
		base = sign < 0 ? (edge > 0.0 ? base_lo : base_hi) : (edge >= 0.0 ? base_hi : base_lo);
		bound = edge / base;
	}
	char first[512];
	bound_message(dist, relative, base, key, sign, bound, first, sizeof first);
	if (!low_ok && !high_ok && dist->kind == DISTRIBUTION_NORMAL && isinf(dist->lo) &&
	    isinf(dist->hi)) {
		/* an unbounded normal on a key bounded both ways: both bounds at once */
		double base_hi_side = relative ? (key->hi >= 0.0 ? base_hi : base_lo) : 1.0;
		char lo_text[32], hi_text[32], range[96];
		number(bound, lo_text, sizeof lo_text);
		number(key->hi / base_hi_side, hi_text, sizeof hi_text);
		range_text(key, range, sizeof range);
		snprintf(message, size,
			 "a normal %s without min and max can draw any value, but %s must be %s: "
			 "add min = %s and max = %s to truncate it",
			 relative ? "multiplier" : "value", key->name, range, lo_text, hi_text);
		return 0;
	}
	if (!low_ok && !high_ok) {
		char second[512];
		double base2 = relative ? (key->hi >= 0.0 ? base_hi : base_lo) : 1.0;
		bound_message(dist, relative, base2, key, +1, key->hi / base2, second, sizeof second);
		snprintf(message, size, "%s; and %s", first, second);
		return 0;
	}
	snprintf(message, size, "%s", first);
	return 0;
}

/* ---- the set ---- */

struct uncertain_set *uncertain_set_new(void)
{
	return calloc(1, sizeof(struct uncertain_set));
}

static void input_free(struct input *in)
{
	free(in->path);
	free(in->file);
	free(in->key_name);
	distribution_free(&in->dist);
}

void uncertain_set_free(struct uncertain_set *set)
{
	if (set == NULL)
		return;
	for (int k = 0; k < set->count; k++)
		input_free(&set->inputs[k]);
	for (int i = 0; i < set->file_count; i++)
		free(set->pair_files[i]);
	free(set->inputs);
	free(set->pairs);
	free(set->pair_files);
	copula_free(set->copula);
	free(set);
}

/* Room for one more of an array of SIZE-byte entries. */
static int grow(void **array, int *capacity, int count, size_t size)
{
	if (count < *capacity)
		return 0;
	int more = *capacity > 0 ? 2 * *capacity : 16;
	void *bigger = realloc(*array, (size_t)more * size);
	if (bigger == NULL)
		return -1;
	*array = bigger;
	*capacity = more;
	return 0;
}

int uncertain_set_find(const struct uncertain_set *set, const char *path)
{
	uint64_t stream = uncertain_stream(path);
	for (int k = 0; k < set->count; k++)
		if (set->inputs[k].stream == stream && strcmp(set->inputs[k].path, path) == 0)
			return k;
	return -1;
}

int uncertain_set_add(struct uncertain_set *set, const struct uncertain_spec *spec, struct diag *d)
{
	int errors_before = diag_errors(d);
	int earlier = uncertain_set_find(set, spec->path);
	if (earlier >= 0) {
		const struct input *first = &set->inputs[earlier];
		char where[256];
		if (first->file != NULL)
			snprintf(where, sizeof where, "%s:%d", first->file, first->line);
		else
			snprintf(where, sizeof where, "line %d", first->line);
		diag_add_at(d, DIAG_INPUT, spec->file, spec->line,
			    "%s is reached by two uncertain entries (the first at %s); "
			    "give each path one distribution",
			    spec->path, where);
		return -1;
	}
	struct input in = {0};
	if (distribution_init(&in.dist, &spec->dist, d, spec->file, spec->line, spec->path) != 0)
		return -1;
	char message[1024];
	if (!uncertain_support_check(&in.dist, spec->relative, spec->base_lo, spec->base_hi,
				     &spec->key, message, sizeof message))
		diag_add_at(d, DIAG_INPUT, spec->file, spec->line, "%s: %s", spec->path, message);
	double value;
	if (spec->key.integer && !spec->relative && spec->dist.kind == DISTRIBUTION_DISCRETE &&
	    !distribution_integral(&in.dist, &value)) {
		char text[32];
		number(value, text, sizeof text);
		diag_add_at(d, DIAG_INPUT, spec->file, spec->line,
			    "%s: %s takes whole numbers, but the discrete value %s is not one",
			    spec->path, spec->key.name, text);
	}
	if (diag_errors(d) > errors_before) {
		distribution_free(&in.dist);
		return -1;
	}
	in.path = copy(spec->path);
	in.file = copy(spec->file);
	in.key_name = copy(spec->key.name);
	in.line = spec->line;
	in.stream = uncertain_stream(spec->path);
	in.relative = spec->relative;
	in.key = spec->key;
	in.key.name = in.key_name;
	if (in.path == NULL || (spec->file != NULL && in.file == NULL) ||
	    (spec->key.name != NULL && in.key_name == NULL) ||
	    grow((void **)&set->inputs, &set->capacity, set->count, sizeof *set->inputs) != 0) {
		input_free(&in);
		diag_no_memory(d, "adding an uncertain input");
		return -1;
	}
	set->inputs[set->count] = in;
	set->finished = 0;
	return set->count++;
}

/* Whether PATTERN matches PATH segment by segment ('*' matches one segment). */
static int path_matches(const char *pattern, const char *path)
{
	for (;;) {
		const char *pattern_end = strchr(pattern, '.');
		const char *path_end = strchr(path, '.');
		size_t pattern_length = pattern_end != NULL ? (size_t)(pattern_end - pattern) : strlen(pattern);
		size_t path_length = path_end != NULL ? (size_t)(path_end - path) : strlen(path);
		int wild = pattern_length == 1 && pattern[0] == '*';
		if (!wild && (pattern_length != path_length || memcmp(pattern, path, path_length) != 0))
			return 0;
		if (wild && path_length == 0)
			return 0;
		if ((pattern_end == NULL) != (path_end == NULL))
			return 0;
		if (pattern_end == NULL)
			return 1;
		pattern = pattern_end + 1;
		path = path_end + 1;
	}
}

int uncertain_set_match(const struct uncertain_set *set, const char *pattern, int *out)
{
	int found = 0;
	for (int k = 0; k < set->count; k++)
		if (path_matches(pattern, set->inputs[k].path))
			out[found++] = k;
	return found;
}

/* FILE's copy among the set's, made once. */
static const char *pair_file(struct uncertain_set *set, const char *file)
{
	if (file == NULL)
		return NULL;
	for (int i = 0; i < set->file_count; i++)
		if (strcmp(set->pair_files[i], file) == 0)
			return set->pair_files[i];
	if (grow((void **)&set->pair_files, &set->file_capacity, set->file_count,
		 sizeof *set->pair_files) != 0)
		return NULL;
	char *own = copy(file);
	if (own != NULL)
		set->pair_files[set->file_count++] = own;
	return own;
}

int uncertain_set_correlate(struct uncertain_set *set, const int *inputs, int count, double rank,
			    const char *file, int line, struct diag *d)
{
	for (int a = 0; a < count; a++) {
		for (int b = a + 1; b < count; b++) {
			if (inputs[a] == inputs[b]) {
				diag_add_at(d, DIAG_INPUT, file, line,
					    "correlation: %s is reached twice by this entry's paths; "
					    "name each input once",
					    set->inputs[inputs[a]].path);
				return -1;
			}
		}
	}
	const char *own_file = pair_file(set, file);
	if (file != NULL && own_file == NULL) {
		diag_no_memory(d, "recording a correlation");
		return -1;
	}
	for (int a = 0; a < count; a++) {
		for (int b = a + 1; b < count; b++) {
			if (grow((void **)&set->pairs, &set->pair_capacity, set->pair_count,
				 sizeof *set->pairs) != 0) {
				diag_no_memory(d, "recording a correlation");
				return -1;
			}
			set->pairs[set->pair_count++] =
				(struct copula_pair){inputs[a], inputs[b], rank, own_file, line};
		}
	}
	set->finished = 0;
	return 0;
}

int uncertain_set_finish(struct uncertain_set *set, struct diag *d)
{
	copula_free(set->copula);
	set->copula = NULL;
	set->finished = 0;
	if (set->pair_count == 0) {
		set->finished = 1;
		return 0;
	}
	const char **names = malloc((size_t)set->count * sizeof *names);
	if (names == NULL) {
		diag_no_memory(d, "checking the correlations");
		return -1;
	}
	for (int k = 0; k < set->count; k++)
		names[k] = set->inputs[k].path;
	int status = copula_new(&set->copula, set->count, names, set->pairs, set->pair_count, d);
	free(names);
	set->finished = status == 0;
	return status;
}

int uncertain_count(const struct uncertain_set *set)
{
	return set->count;
}

const char *uncertain_path(const struct uncertain_set *set, int k)
{
	return set->inputs[k].path;
}

int uncertain_is_relative(const struct uncertain_set *set, int k)
{
	return set->inputs[k].relative;
}

const struct uncertain_key *uncertain_key_of(const struct uncertain_set *set, int k)
{
	return &set->inputs[k].key;
}

const struct distribution *uncertain_distribution(const struct uncertain_set *set, int k)
{
	return &set->inputs[k].dist;
}

/* VALUE made one KEY may take (uncertain_fit). */
static double fit_key(const struct uncertain_key *key, double value)
{
	return uncertain_fit(key, value);
}

void uncertain_draw(const struct uncertain_set *set, uint64_t seed, uint64_t replication,
		    double *value, double *u)
{
	/* U holds the scores until the copula has mixed them */
	for (int k = 0; k < set->count; k++) {
		struct rng r;
		rng_init(&r, seed, replication, set->inputs[k].stream);
		u[k] = sample_normal(&r);
	}
	if (set->copula != NULL)
		copula_apply(set->copula, u);
	for (int k = 0; k < set->count; k++) {
		const struct input *in = &set->inputs[k];
		double z = u[k];
		/* U_k and 1 - U_k, the smaller from erfc and exact */
		double tail = special_normal_cdf(-fabs(z));
		double lower = z < 0.0 ? tail : 1.0 - tail, upper = z < 0.0 ? 1.0 - tail : tail;
		double x = distribution_at(&in->dist, z, lower, upper);
		value[k] = in->relative ? x : fit_key(&in->key, x);
		u[k] = lower;
	}
}

double uncertain_scaled(const struct uncertain_set *set, int k, double multiplier, double base)
{
	return uncertain_fit(&set->inputs[k].key, base * multiplier);
}

double uncertain_fit_bounds(const struct uncertain_key *key, double value)
{
	if (value > key->cap)
		value = key->cap;
	if (value < key->lo || (key->lo_open && value <= key->lo))
		value = key->lo_open ? (key->integer ? key->lo + 1.0 : nextafter(key->lo, INFINITY))
				     : key->lo;
	if (value > key->hi || (key->hi_open && value >= key->hi))
		value = key->hi_open ? (key->integer ? key->hi - 1.0 : nextafter(key->hi, -INFINITY))
				     : key->hi;
	return value;
}

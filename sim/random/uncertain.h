/*
 * uncertain: the uncertain inputs of a scenario and their draws, one set
 * of values per replication (docs/model.md, uncertain inputs).
 *
 * The scenario layer expands each `uncertain` entry into one input per
 * path it reaches (patterns in the order the scenario lists the names)
 * and adds them here with the range of their key; then each `correlation`
 * entry, as the inputs it reaches; then finishes the set, which factors
 * the correlation matrix. Every rule is checked as it is added, each
 * problem an input error at the entry's FILE:LINE.
 *
 * In replication i, input k draws one standard normal Z_k from the
 * substream of (seed, i) that belongs to its path (uncertain_stream), the
 * copula makes X = L Z, U_k = Phi(X_k), and the value is F_k^-1(U_k):
 * for a relative input the multiplier, otherwise the value itself (an
 * integer key's rounded, halves away from zero, and clamped to its count
 * cap). The values depend on the seed, the replication index and the set
 * alone: whatever thread or process draws them, and whatever other inputs
 * the scenario adds or fixes (each path keeps its substream; only inputs
 * correlated with a changed one move with it).
 */
#ifndef CCSIM_UNCERTAIN_H
#define CCSIM_UNCERTAIN_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "distribution.h"

/*
 * The substreams of uncertain inputs: the upper half of the substream
 * numbers, above the model's parts (1 to 63), the cells' (64 + cell) and
 * the policies' (2^32 + policy): an input's substream is
 * UNCERTAIN_SUBSTREAM | (the 64-bit FNV-1a hash of its path >> 1).
 */
#define UNCERTAIN_SUBSTREAM (UINT64_C(1) << 63)

/* The substream of the input at PATH. */
uint64_t uncertain_stream(const char *path);

/*
 * What the scenario says of the key a path sets (docs/model.md, the scenario file): its range,
 * whether it takes integers, and its count cap. Each end of the range is
 * closed or open; an absent end is -INFINITY or INFINITY.
 */
struct uncertain_key {
	const char *name;        /* the key as files write it ("rectify_rate"), for messages */
	double lo, hi;
	int lo_open, hi_open;    /* population > 0 is lo = 0, lo_open = 1 */
	int integer;             /* takes integers: draws are rounded, discrete values must be integers */
	double cap;              /* a count cap (1e12): a draw past it is clamped, not refused;
				    INFINITY for none */
};

/* One expanded input, as its entry gives it. */
struct uncertain_spec {
	const char *path;        /* the path it sets (copied) */
	const char *file;        /* where its entry was written (copied; NULL: the diag's file) */
	int line;
	struct distribution_spec dist;
	int relative;            /* the draw multiplies the path's value without uncertainty */
	double base_lo, base_hi; /* relative: the least and greatest such value the path covers
				    (every district and category it reaches, after defaults and --set) */
	struct uncertain_key key;
};

/*
 * Whether every value DIST can produce (times every base value in
 * [BASE_LO, BASE_HI] when RELATIVE) lies within KEY's range: 1 if so;
 * else 0, and MESSAGE (SIZE bytes) says which bound to add or move, as
 * "a normal can draw any value, but rectify_rate must lie in [0, 1]: add
 * min = 0 and max = 1 to truncate it" (for a relative input, the bound on
 * the multiplier: max = 1 / 0.15 = 6.66666666666667 for a base of 0.15).
 * The count cap is not part of the range.
 */
int uncertain_support_check(const struct distribution *dist, int relative, double base_lo,
			    double base_hi, const struct uncertain_key *key, char *message,
			    size_t size);

struct uncertain_set;

/* An empty set; NULL when out of memory. */
struct uncertain_set *uncertain_set_new(void);
void uncertain_set_free(struct uncertain_set *set);

/*
 * Adds one input: checks its distribution's parameters, its support
 * against the key's range, a discrete value on an integer key, and that
 * no earlier input has the same path ("reached twice"). Returns the
 * input's index (0, 1, ... in the order added), or -1 with the problems
 * in D.
 */
int uncertain_set_add(struct uncertain_set *set, const struct uncertain_spec *spec, struct diag *d);

/* The index of the input at PATH, or -1. */
int uncertain_set_find(const struct uncertain_set *set, const char *path);

/*
 * The inputs whose path PATTERN matches, in the order added, into OUT
 * (room for uncertain_count): a `*` segment matches any one segment
 * (segments are split at '.'), any other must be equal. Returns how many.
 */
int uncertain_set_match(const struct uncertain_set *set, const char *pattern, int *out);

/*
 * One `correlation` entry: rank correlation RANK between every two of the
 * COUNT inputs INPUTS (the matches of its paths, patterns expanded),
 * written at FILE:LINE. An input listed twice, a rank outside [-1, 1] and
 * a pair some earlier entry gave are errors (now or at finish). Returns 0,
 * or -1.
 */
int uncertain_set_correlate(struct uncertain_set *set, const int *inputs, int count, double rank,
			    const char *file, int line, struct diag *d);

/* After the last add and correlate: checks the correlations together
 * (R positive definite) and factors them. Returns 0, or -1. */
int uncertain_set_finish(struct uncertain_set *set, struct diag *d);

int uncertain_count(const struct uncertain_set *set);
const char *uncertain_path(const struct uncertain_set *set, int k);
int uncertain_is_relative(const struct uncertain_set *set, int k);
const struct uncertain_key *uncertain_key_of(const struct uncertain_set *set, int k);
const struct distribution *uncertain_distribution(const struct uncertain_set *set, int k);

/*
 * The values of replication REPLICATION under SEED: VALUE[k] (the value
 * to set, or for a relative input the multiplier) and U[k] (the input's
 * uniform U_k = Phi(X_k), for the report's terciles and correlations),
 * each of uncertain_count entries. Needs a finished set; thread-safe.
 */
void uncertain_draw(const struct uncertain_set *set, uint64_t seed, uint64_t replication,
		    double *value, double *u);

/* A relative input K's multiplier applied to one BASE value: base times
 * multiplier, rounded for an integer key and clamped to its cap (and into
 * its range against rounding). */
double uncertain_scaled(const struct uncertain_set *set, int k, double multiplier, double base);

/* uncertain_fit's clamps, out of line. */
double uncertain_fit_bounds(const struct uncertain_key *key, double value);

/* VALUE made one KEY may take: rounded for an integer key, clamped to the
 * cap, and held inside the range against rounding (the support check
 * already keeps every draw inside it, up to the last bit): inline, for a
 * value inside the range as it nearly always is. */
static inline double uncertain_fit(const struct uncertain_key *key, double value)
{
	if (key->integer)
		value = __builtin_round(value);
	if (__builtin_expect(value > key->lo && value < key->hi && value <= key->cap, 1))
		return value;
	return uncertain_fit_bounds(key, value);
}

#endif

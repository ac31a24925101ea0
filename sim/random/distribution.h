/*
 * distribution: the eight distributions an uncertain input may follow
 * (docs/model.md, uncertain inputs), each drawn by inversion so that a
 * Gaussian copula can drive it: the value is F^-1(U) for U = Phi(X), X the
 * input's (possibly correlated) standard normal score.
 *
 *   uniform     min < max
 *   triangular  min <= mode <= max, min < max
 *   pert        the same; Beta-PERT: alpha = 1 + 4 (mode - min) / (max - min),
 *               beta = 1 + 4 (max - mode) / (max - min), scaled to [min, max]
 *   normal      mean, sd > 0; optional min, max truncate it
 *   lognormal   mean > 0, sd > 0 of the value itself:
 *               sigma^2 = ln(1 + sd^2 / mean^2), mu = ln(mean) - sigma^2 / 2
 *   beta        alpha > 0, beta > 0; optional min, max (default 0, 1) scale it
 *   gamma       shape > 0, rate > 0
 *   discrete    values, and weights >= 0 with a positive sum (default equal):
 *               the first value whose cumulative weight share reaches U
 *
 * A prepared distribution is read-only: any number of threads may draw
 * from it at once.
 */
#ifndef CCSIM_DISTRIBUTION_H
#define CCSIM_DISTRIBUTION_H

#include "diag.h"
#include "special.h"

enum distribution_kind {
	DISTRIBUTION_UNIFORM,
	DISTRIBUTION_TRIANGULAR,
	DISTRIBUTION_PERT,
	DISTRIBUTION_NORMAL,
	DISTRIBUTION_LOGNORMAL,
	DISTRIBUTION_BETA,
	DISTRIBUTION_GAMMA,
	DISTRIBUTION_DISCRETE
};

#define DISTRIBUTION_KINDS 8

/* The name a scenario writes (`dist = "pert"`), and back: 0, or -1 for a
 * name that is none of the eight. */
const char *distribution_name(enum distribution_kind kind);
int distribution_kind_of(const char *name, enum distribution_kind *kind);

/* The keys an entry of KIND may carry besides `path`, `dist` and `relative`:
 * the required ones, then the optional ones, each list NULL-terminated
 * (for the schema: an unknown key, or a missing required one, is its error). */
struct distribution_keys {
	const char *required[4];
	const char *optional[3];
};
const struct distribution_keys *distribution_keys(enum distribution_kind kind);

/* What an `uncertain` entry says, each parameter named as in the model.
 * Fields a kind does not use are ignored. */
struct distribution_spec {
	enum distribution_kind kind;
	double min, mode, max;   /* uniform, triangular, pert; normal's truncation; beta's scale */
	int has_min, has_max;    /* normal and beta: whether min, max were written */
	double mean, sd;         /* normal, lognormal */
	double alpha, beta;      /* beta */
	double shape, rate;      /* gamma */
	const double *values;    /* discrete: COUNT values (copied) */
	const double *weights;   /* discrete: COUNT weights (copied), or NULL for equal */
	int count;
};

/* A distribution ready to draw from. The fields are the module's own:
 * read them through the functions below. */
struct distribution {
	enum distribution_kind kind;
	double lo, hi;           /* the support's ends (may be infinite) */
	double mean, sd;         /* normal: as given; lognormal: mu and sigma of the log */
	double a, b;             /* beta and pert: the shapes; gamma: shape and rate */
	double log_norm;         /* log B(a, b), or log Gamma(shape) */
	struct special_beta_shape shape, mirror; /* beta and pert: of (a, b) and (b, a) */
	double mode;             /* triangular */
	/* normal truncated to [lo, hi]: the scores of its ends, Phi(za),
	 * 1 - Phi(zb) and the mass between them */
	int truncated;
	double za, zb, below, above, mass;
	int count;               /* discrete: values with their cumulative shares */
	double *values, *shares;
	/* beta, pert and gamma: where each normal score's value lies, roughly
	 * (a start for the exact search; NULL: none) */
	double *guess;
};

/*
 * Checks SPEC's parameters (each finite, and the rules above) and prepares
 * DIST. Each problem is an input error at FILE:LINE (FILE NULL: D's own
 * file) naming PATH, the input: "PATH: pert needs mode <= max (mode = 0.2,
 * max = 0.14)". Returns 0, or -1 (DIST then needs no distribution_free).
 */
int distribution_init(struct distribution *dist, const struct distribution_spec *spec,
		      struct diag *d, const char *file, int line, const char *path);

void distribution_free(struct distribution *dist);

/* F^-1(U) with U = Phi(Z): the value at normal score Z (exact in both tails:
 * a normal is mean + sd Z, a lognormal exp(mu + sigma Z), without the round
 * trip through U). */
double distribution_at_score(const struct distribution *dist, double z);

/* The same, for a caller that has U = Phi(Z) and V = 1 - U already (each
 * exact: the smaller from erfc, the other as 1 minus it). */
double distribution_at(const struct distribution *dist, double z, double u, double v);

/* F^-1(U) for U in [0, 1]: the first value whose CDF reaches U. */
double distribution_quantile(const struct distribution *dist, double u);

/*
 * The least and greatest values DIST can produce: *LO and *HI (infinite
 * for an unbounded side). *ATTAINED is 1 when the ends themselves can be
 * drawn (discrete), 0 when only values strictly between them can (every
 * continuous distribution: a uniform on [0, 1] never draws 0 exactly).
 */
void distribution_support(const struct distribution *dist, double *lo, double *hi, int *attained);

/* Whether every value DIST can produce is an integer (discrete with
 * integer values); else 0 and, when VALUE is not NULL, the first value
 * that is not in *VALUE. */
int distribution_integral(const struct distribution *dist, double *value);

#endif

#include "distribution.h"
#include "special.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[DISTRIBUTION_KINDS] = {
	"uniform", "triangular", "pert", "normal", "lognormal", "beta", "gamma", "discrete"};

static const struct distribution_keys keys[DISTRIBUTION_KINDS] = {
	[DISTRIBUTION_UNIFORM] = {{"min", "max", NULL}, {NULL}},
	[DISTRIBUTION_TRIANGULAR] = {{"min", "mode", "max", NULL}, {NULL}},
	[DISTRIBUTION_PERT] = {{"min", "mode", "max", NULL}, {NULL}},
	[DISTRIBUTION_NORMAL] = {{"mean", "sd", NULL}, {"min", "max", NULL}},
	[DISTRIBUTION_LOGNORMAL] = {{"mean", "sd", NULL}, {NULL}},
	[DISTRIBUTION_BETA] = {{"alpha", "beta", NULL}, {"min", "max", NULL}},
	[DISTRIBUTION_GAMMA] = {{"shape", "rate", NULL}, {NULL}},
	[DISTRIBUTION_DISCRETE] = {{"values", NULL}, {"weights", NULL}},
};

const char *distribution_name(enum distribution_kind kind)
{
	return names[kind];
}

int distribution_kind_of(const char *name, enum distribution_kind *kind)
{
	for (int k = 0; k < DISTRIBUTION_KINDS; k++) {
		if (strcmp(name, names[k]) == 0) {
			*kind = (enum distribution_kind)k;
			return 0;
		}
	}
	return -1;
}

const struct distribution_keys *distribution_keys(enum distribution_kind kind)
{
	return &keys[kind];
}

/*
 * The guesses of a beta, pert or gamma: at GUESS_NODES normal scores z
 * evenly spaced on [-GUESS_SPAN, GUESS_SPAN], the exact value's logit (beta,
 * on [0, 1]) or logarithm (gamma, rate 1) w and its slope dw/dz. Cubic
 * Hermite interpolation between two nodes lands within about 1e-8 of the
 * value, where one Halley step ends the search (special.c): a draw costs
 * one evaluation of the CDF instead of two or three.
 */
#define GUESS_NODES 257
#define GUESS_SPAN 8.0
#define GUESS_STEP (2.0 * GUESS_SPAN / (GUESS_NODES - 1))
#define LOG_SQRT_2PI 0.91893853320467274178

static void prepare_guess(struct distribution *dist)
{
	int beta = dist->kind != DISTRIBUTION_GAMMA;
	dist->guess = malloc(2 * GUESS_NODES * sizeof *dist->guess);
	if (dist->guess == NULL)
		return; /* no guesses: the same draws, a little slower */
	double *w = dist->guess, *slope = dist->guess + GUESS_NODES;
	for (int i = 0; i < GUESS_NODES; i++) {
		double z = -GUESS_SPAN + i * GUESS_STEP;
		double tail = special_normal_cdf(-fabs(z));
		double u = z < 0.0 ? tail : 1.0 - tail, v = z < 0.0 ? 1.0 - tail : tail;
		double log_phi = -0.5 * z * z - LOG_SQRT_2PI;
		if (beta) {
			double x, y;
			special_beta_quantile(dist->a, dist->b, u, v, dist->log_norm, &x, &y);
			double lx = log(x), ly = log(y);
			w[i] = lx - ly;
			/* dw/dz = phi(z) / (f(x) x (1 - x)), f x (1 - x) = x^a (1 - x)^b / B */
			slope[i] = exp(log_phi - dist->a * lx - dist->b * ly + dist->log_norm);
		} else {
			double x = special_gamma_quantile(dist->a, u, v, dist->log_norm);
			double lx = log(x);
			w[i] = lx;
			/* dw/dz = phi(z) / (f(x) x), f x = x^a e^-x / Gamma(a) */
			slope[i] = exp(log_phi - dist->a * lx + x + dist->log_norm);
		}
		if (!isfinite(w[i]) || !isfinite(slope[i]))
			w[i] = NAN; /* a tail past the doubles: no guess there */
	}
}

/* The guessed logit (beta) or logarithm (gamma) at score Z, or NAN. */
static double guess_at(const struct distribution *dist, double z)
{
	if (dist->guess == NULL || !(fabs(z) < GUESS_SPAN))
		return NAN;
	double position = (z + GUESS_SPAN) / GUESS_STEP;
	int i = (int)position;
	if (i >= GUESS_NODES - 1)
		i = GUESS_NODES - 2;
	double t = position - i;
	const double *w = dist->guess, *slope = dist->guess + GUESS_NODES;
	double t2 = t * t, t3 = t2 * t;
	return (2.0 * t3 - 3.0 * t2 + 1.0) * w[i] + (t3 - 2.0 * t2 + t) * GUESS_STEP * slope[i] +
	       (-2.0 * t3 + 3.0 * t2) * w[i + 1] + (t3 - t2) * GUESS_STEP * slope[i + 1];
}

/* Where the entry being checked was written, and what it is called. */
struct where {
	struct diag *d;
	const char *file;
	int line;
	const char *path;
	const char *kind;
	int errors;
};

static void complain(struct where *w, const char *what, const char *a_name, double a,
		     const char *b_name, double b)
{
	char a_text[32], b_text[32];
	diag_format_number(a, a_text, sizeof a_text);
	diag_format_number(b, b_text, sizeof b_text);
	if (b_name != NULL)
		diag_add_at(w->d, DIAG_INPUT, w->file, w->line, "%s: %s needs %s (%s = %s, %s = %s)",
			    w->path, w->kind, what, a_name, a_text, b_name, b_text);
	else
		diag_add_at(w->d, DIAG_INPUT, w->file, w->line, "%s: %s needs %s (%s = %s)", w->path,
			    w->kind, what, a_name, a_text);
	w->errors++;
}

/* Each named parameter finite; returns 0 when they all are. */
static int check_finite(struct where *w, int count, const char *const *param_names,
			const double *values)
{
	int bad = 0;
	for (int i = 0; i < count; i++) {
		if (!isfinite(values[i])) {
			diag_add_at(w->d, DIAG_INPUT, w->file, w->line,
				    "%s: %s's %s must be a finite number", w->path, w->kind,
				    param_names[i]);
			w->errors++;
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

static void check_positive(struct where *w, const char *name, double value)
{
	char what[32];
	snprintf(what, sizeof what, "%s > 0", name);
	if (!(value > 0.0))
		complain(w, what, name, value, NULL, 0.0);
}

static void check_range(struct where *w, double min, double max)
{
	if (!(min < max))
		complain(w, "min < max", "min", min, "max", max);
}

static void check_mode(struct where *w, double min, double mode, double max)
{
	check_range(w, min, max);
	if (!(min <= mode))
		complain(w, "min <= mode", "min", min, "mode", mode);
	if (!(mode <= max))
		complain(w, "mode <= max", "mode", mode, "max", max);
}

/* The truncated normal's tails and mass, from the ends' scores. */
static void prepare_truncation(struct distribution *dist)
{
	dist->za = (dist->lo - dist->mean) / dist->sd;
	dist->zb = (dist->hi - dist->mean) / dist->sd;
	dist->below = special_normal_cdf(dist->za);   /* Phi(za): 0 when untruncated below */
	dist->above = special_normal_cdf(-dist->zb);  /* 1 - Phi(zb) */
	/* the mass between, from the tails that keep their digits */
	if (dist->za >= 0.0)
		dist->mass = special_normal_cdf(-dist->za) - dist->above;
	else if (dist->zb <= 0.0)
		dist->mass = special_normal_cdf(dist->zb) - dist->below;
	else
		dist->mass = 1.0 - dist->below - dist->above;
}

static int prepare_normal(struct distribution *dist, const struct distribution_spec *spec,
			  struct where *w)
{
	const char *param_names[] = {"mean", "sd", "min", "max"};
	double values[] = {spec->mean, spec->sd, spec->has_min ? spec->min : 0.0,
			   spec->has_max ? spec->max : 0.0};
	if (check_finite(w, 4, param_names, values) != 0)
		return -1;
	check_positive(w, "sd", spec->sd);
	if (spec->has_min && spec->has_max)
		check_range(w, spec->min, spec->max);
	if (w->errors > 0)
		return -1;
	dist->mean = spec->mean;
	dist->sd = spec->sd;
	dist->lo = spec->has_min ? spec->min : -INFINITY;
	dist->hi = spec->has_max ? spec->max : INFINITY;
	dist->truncated = spec->has_min || spec->has_max;
	if (dist->truncated) {
		prepare_truncation(dist);
		if (!(dist->mass >= 1e-300)) {
			char mean[32], sd[32];
			diag_format_number(spec->mean, mean, sizeof mean);
			diag_format_number(spec->sd, sd, sizeof sd);
			diag_add_at(w->d, DIAG_INPUT, w->file, w->line,
				    "%s: the normal's range [min, max] lies so far from its mean "
				    "(%s, sd %s) that it holds no probability: move min and max "
				    "toward the mean",
				    w->path, mean, sd);
			return -1;
		}
	}
	return 0;
}

static int prepare_discrete(struct distribution *dist, const struct distribution_spec *spec,
			    struct where *w)
{
	if (spec->count < 1 || spec->values == NULL) {
		diag_add_at(w->d, DIAG_INPUT, w->file, w->line,
			    "%s: discrete needs at least one value in `values`", w->path);
		return -1;
	}
	double total = 0.0;
	for (int i = 0; i < spec->count; i++) {
		char name[32];
		snprintf(name, sizeof name, "values[%d]", i + 1);
		const char *value_name = name;
		if (check_finite(w, 1, &value_name, &spec->values[i]) != 0)
			continue;
		if (spec->weights == NULL)
			continue;
		snprintf(name, sizeof name, "weights[%d]", i + 1);
		if (check_finite(w, 1, &value_name, &spec->weights[i]) != 0)
			continue;
		if (!(spec->weights[i] >= 0.0))
			complain(w, "weights >= 0", name, spec->weights[i], NULL, 0.0);
		else
			total += spec->weights[i];
	}
	if (w->errors == 0 && spec->weights != NULL && !(total > 0.0 && isfinite(total))) {
		diag_add_at(w->d, DIAG_INPUT, w->file, w->line,
			    "%s: discrete needs weights with a positive, finite sum", w->path);
		w->errors++;
	}
	if (w->errors > 0)
		return -1;
	dist->values = malloc((size_t)spec->count * sizeof *dist->values);
	dist->shares = malloc((size_t)spec->count * sizeof *dist->shares);
	if (dist->values == NULL || dist->shares == NULL) {
		free(dist->values);
		free(dist->shares);
		dist->values = dist->shares = NULL;
		diag_no_memory(w->d, "preparing a discrete distribution");
		return -1;
	}
	dist->count = spec->count;
	if (spec->weights == NULL)
		total = spec->count;
	double sum = 0.0;
	dist->lo = INFINITY;
	dist->hi = -INFINITY;
	for (int i = 0; i < spec->count; i++) {
		double weight = spec->weights != NULL ? spec->weights[i] : 1.0;
		sum += weight;
		dist->values[i] = spec->values[i];
		dist->shares[i] = sum / total;
		if (weight > 0.0) {
			dist->lo = fmin(dist->lo, spec->values[i]);
			dist->hi = fmax(dist->hi, spec->values[i]);
		}
	}
	/* the last value with weight closes the shares at exactly 1 */
	for (int i = spec->count - 1; i >= 0; i--) {
		double weight = spec->weights != NULL ? spec->weights[i] : 1.0;
		dist->shares[i] = 1.0;
		if (weight > 0.0)
			break;
	}
	return 0;
}

int distribution_init(struct distribution *dist, const struct distribution_spec *spec,
		      struct diag *d, const char *file, int line, const char *path)
{
	memset(dist, 0, sizeof *dist);
	dist->kind = spec->kind;
	struct where w = {d, file, line, path, names[spec->kind], 0};
	switch (spec->kind) {
	case DISTRIBUTION_UNIFORM: {
		const char *param_names[] = {"min", "max"};
		if (check_finite(&w, 2, param_names, (double[]){spec->min, spec->max}) != 0)
			return -1;
		check_range(&w, spec->min, spec->max);
		dist->lo = spec->min;
		dist->hi = spec->max;
		break;
	}
	case DISTRIBUTION_TRIANGULAR:
	case DISTRIBUTION_PERT: {
		const char *param_names[] = {"min", "mode", "max"};
		if (check_finite(&w, 3, param_names, (double[]){spec->min, spec->mode, spec->max}) != 0)
			return -1;
		check_mode(&w, spec->min, spec->mode, spec->max);
		if (w.errors > 0)
			return -1;
		dist->lo = spec->min;
		dist->hi = spec->max;
		dist->mode = spec->mode;
		if (spec->kind == DISTRIBUTION_PERT) {
			double width = spec->max - spec->min;
			dist->a = 1.0 + 4.0 * (spec->mode - spec->min) / width;
			dist->b = 1.0 + 4.0 * (spec->max - spec->mode) / width;
			dist->log_norm = special_log_beta(dist->a, dist->b);
			special_beta_shape_init(&dist->shape, dist->a, dist->b);
			special_beta_shape_init(&dist->mirror, dist->b, dist->a);
			prepare_guess(dist);
		}
		break;
	}
	case DISTRIBUTION_NORMAL:
		return prepare_normal(dist, spec, &w);
	case DISTRIBUTION_LOGNORMAL: {
		const char *param_names[] = {"mean", "sd"};
		if (check_finite(&w, 2, param_names, (double[]){spec->mean, spec->sd}) != 0)
			return -1;
		check_positive(&w, "mean", spec->mean);
		check_positive(&w, "sd", spec->sd);
		if (w.errors > 0)
			return -1;
		double cv = spec->sd / spec->mean;
		double sigma2 = log1p(cv * cv);
		dist->mean = log(spec->mean) - 0.5 * sigma2;
		dist->sd = sqrt(sigma2);
		dist->lo = 0.0;
		dist->hi = INFINITY;
		break;
	}
	case DISTRIBUTION_BETA: {
		const char *param_names[] = {"alpha", "beta", "min", "max"};
		double min = spec->has_min ? spec->min : 0.0, max = spec->has_max ? spec->max : 1.0;
		if (check_finite(&w, 4, param_names, (double[]){spec->alpha, spec->beta, min, max}) != 0)
			return -1;
		check_positive(&w, "alpha", spec->alpha);
		check_positive(&w, "beta", spec->beta);
		check_range(&w, min, max);
		dist->a = spec->alpha;
		dist->b = spec->beta;
		dist->lo = min;
		dist->hi = max;
		if (w.errors == 0) {
			dist->log_norm = special_log_beta(dist->a, dist->b);
			special_beta_shape_init(&dist->shape, dist->a, dist->b);
			special_beta_shape_init(&dist->mirror, dist->b, dist->a);
			prepare_guess(dist);
		}
		break;
	}
	case DISTRIBUTION_GAMMA: {
		const char *param_names[] = {"shape", "rate"};
		if (check_finite(&w, 2, param_names, (double[]){spec->shape, spec->rate}) != 0)
			return -1;
		check_positive(&w, "shape", spec->shape);
		check_positive(&w, "rate", spec->rate);
		dist->a = spec->shape;
		dist->b = spec->rate;
		dist->lo = 0.0;
		dist->hi = INFINITY;
		if (w.errors == 0) {
			dist->log_norm = special_log_gamma(dist->a);
			prepare_guess(dist);
		}
		break;
	}
	case DISTRIBUTION_DISCRETE:
		return prepare_discrete(dist, spec, &w);
	}
	return w.errors > 0 ? -1 : 0;
}

void distribution_free(struct distribution *dist)
{
	free(dist->values);
	free(dist->shares);
	free(dist->guess);
	dist->values = dist->shares = dist->guess = NULL;
	dist->count = 0;
}

/* x scaled from [0, 1] to [lo, hi], from whichever end x lies nearer
 * (ONE_MINUS_X is 1 - x, exact). */
static double scaled(const struct distribution *dist, double x, double one_minus_x)
{
	double width = dist->hi - dist->lo;
	double value = x <= 0.5 ? dist->lo + width * x : dist->hi - width * one_minus_x;
	return fmin(fmax(value, dist->lo), dist->hi);
}

static double triangular_quantile(const struct distribution *dist, double u, double v)
{
	double width = dist->hi - dist->lo;
	double left = dist->mode - dist->lo, right = dist->hi - dist->mode;
	double value;
	if (u * width <= left)
		value = dist->lo + sqrt(u * width * left);
	else
		value = dist->hi - sqrt(v * width * right);
	return fmin(fmax(value, dist->lo), dist->hi);
}

/* The truncated normal's score at lower tail U (upper V). */
static double truncated_score(const struct distribution *dist, double u, double v)
{
	double lower = dist->below + u * dist->mass;   /* Phi(z) */
	double upper = dist->above + v * dist->mass;   /* 1 - Phi(z) */
	double z = lower <= upper ? special_normal_quantile(lower) : -special_normal_quantile(upper);
	return fmin(fmax(z, dist->za), dist->zb);
}

static double discrete_quantile(const struct distribution *dist, double u)
{
	/* the first share reaching u (binary search: shares never decrease);
	 * a value of weight 0 shares its predecessor's share and is never first */
	int lo = 0, hi = dist->count - 1;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (dist->shares[mid] >= u && dist->shares[mid] > 0.0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return dist->values[lo];
}

/* F^-1 at lower tail U and upper tail V = 1 - U (both exact); Z is the
 * normal score when known (NAN otherwise). */
static double quantile(const struct distribution *dist, double u, double v, double z)
{
	switch (dist->kind) {
	case DISTRIBUTION_UNIFORM:
		return scaled(dist, u, v);
	case DISTRIBUTION_TRIANGULAR:
		return triangular_quantile(dist, u, v);
	case DISTRIBUTION_PERT:
	case DISTRIBUTION_BETA: {
		double x, one_minus_x;
		special_beta_quantile_shaped(&dist->shape, &dist->mirror, u, v, dist->log_norm,
					     guess_at(dist, z), &x, &one_minus_x);
		return scaled(dist, x, one_minus_x);
	}
	case DISTRIBUTION_NORMAL:
		if (dist->truncated) {
			double value = dist->mean + dist->sd * truncated_score(dist, u, v);
			return fmin(fmax(value, dist->lo), dist->hi);
		}
		if (isnan(z))
			z = u <= v ? special_normal_quantile(u) : -special_normal_quantile(v);
		return dist->mean + dist->sd * z;
	case DISTRIBUTION_LOGNORMAL:
		if (isnan(z))
			z = u <= v ? special_normal_quantile(u) : -special_normal_quantile(v);
		return exp(dist->mean + dist->sd * z);
	case DISTRIBUTION_GAMMA:
		return special_gamma_quantile_near(dist->a, u, v, dist->log_norm, guess_at(dist, z)) /
		       dist->b;
	case DISTRIBUTION_DISCRETE:
		return discrete_quantile(dist, u);
	}
	return NAN;
}

double distribution_at(const struct distribution *dist, double z, double u, double v)
{
	return quantile(dist, u, v, z);
}

double distribution_at_score(const struct distribution *dist, double z)
{
	/* the normal and the lognormal need no U */
	if ((dist->kind == DISTRIBUTION_NORMAL && !dist->truncated) ||
	    dist->kind == DISTRIBUTION_LOGNORMAL)
		return quantile(dist, NAN, NAN, z);
	double tail = special_normal_cdf(-fabs(z));
	return z < 0.0 ? quantile(dist, tail, 1.0 - tail, z) : quantile(dist, 1.0 - tail, tail, z);
}

double distribution_quantile(const struct distribution *dist, double u)
{
	u = fmin(fmax(u, 0.0), 1.0);
	return quantile(dist, u, 1.0 - u, NAN);
}

void distribution_support(const struct distribution *dist, double *lo, double *hi, int *attained)
{
	*lo = dist->lo;
	*hi = dist->hi;
	*attained = dist->kind == DISTRIBUTION_DISCRETE;
}

int distribution_integral(const struct distribution *dist, double *value)
{
	if (dist->kind != DISTRIBUTION_DISCRETE)
		return 0;
	for (int i = 0; i < dist->count; i++) {
		if (dist->values[i] != floor(dist->values[i])) {
			if (value != NULL)
				*value = dist->values[i];
			return 0;
		}
	}
	return 1;
}

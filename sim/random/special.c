/* lgamma_r (thread-safe, unlike lgamma) is a BSD and GNU extension. */
#define _DEFAULT_SOURCE

#include "special.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

/* Iterations at most: every loop below converges in far fewer. */
#define SERIES_TERMS 10000
#define NEWTON_STEPS 400
/* A continued fraction's floor (Lentz): keeps a denominator off zero. */
#define TINY 1e-300

double special_log_gamma(double x)
{
	int sign;
	return lgamma_r(x, &sign);
}

double special_log_beta(double a, double b)
{
	return special_log_gamma(a) + special_log_gamma(b) - special_log_gamma(a + b);
}

double special_normal_cdf(double z)
{
	return 0.5 * erfc(-z * M_SQRT1_2);
}

/* AS 241 (Wichura, 1988): rational approximations in three regions. */
static double ppnd16_central(double q)
{
	double r = 0.180625 - q * q;
	return q *
	       (((((((2509.0809287301226727 * r + 33430.575583588128105) * r +
		     67265.770927008700853) * r + 45921.953931549871457) * r +
		   13731.693765509461125) * r + 1971.5909503065514427) * r +
		 133.14166789178437745) * r + 3.3871328727963666080) /
	       (((((((5226.4952788528545610 * r + 28729.085735721942674) * r +
		     39307.895800092710610) * r + 21213.794301586595867) * r +
		   5394.1960214247511077) * r + 687.18700749205790830) * r +
		 42.313330701600911252) * r + 1.0);
}

/* The deviate of the smaller tail area R = min(p, 1 - p), before its sign. */
static double ppnd16_tail(double tail)
{
	double r = sqrt(-log(tail));
	if (r <= 5.0) {
		r -= 1.6;
		return (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r +
			     2.41780725177450611770e-1) * r + 1.27045825245236838258) * r +
			   3.64784832476320460504) * r + 5.76949722146069140550) * r +
			 4.63033784615654529590) * r + 1.42343711074968357734) /
		       (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r +
			     1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r +
			   6.89767334985100004550e-1) * r + 1.67638483018380384940) * r +
			 2.05319162663775882187) * r + 1.0);
	}
	r -= 5.0;
	return (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
		     1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r +
		   2.96560571828504891230e-1) * r + 1.78482653991729133580) * r +
		 5.46378491116411436990) * r + 6.65790464350110377720) /
	       (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r +
		     1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r +
		   1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
		 5.99832206555887937690e-1) * r + 1.0);
}

double special_normal_quantile(double p)
{
	if (!(p > 0.0))
		return -INFINITY;
	if (!(p < 1.0))
		return INFINITY;
	double q = p - 0.5;
	if (fabs(q) <= 0.425)
		return ppnd16_central(q);
	return q < 0.0 ? -ppnd16_tail(p) : ppnd16_tail(1.0 - p);
}

/* exp(-x + a log x - log Gamma(a)): the prefactor of both gamma tails. */
static double gamma_prefactor(double a, double x, double log_gamma_a)
{
	return exp(-x + a * log(x) - log_gamma_a);
}

/* P(a, x) / prefactor by its series, x < a + 1. */
static double gamma_series(double a, double x)
{
	double term = 1.0 / a, sum = term, ap = a;
	for (int n = 0; n < SERIES_TERMS; n++) {
		ap += 1.0;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * DBL_EPSILON)
			break;
	}
	return sum;
}

/* One step of the modified Lentz method for a continued fraction with
 * partial numerator A and denominator B: updates C and D; the factor the
 * fraction's value takes. */
static double lentz_step(double *c, double *d, double a, double b)
{
	*d = a * *d + b;
	if (fabs(*d) < TINY)
		*d = TINY;
	*c = b + a / *c;
	if (fabs(*c) < TINY)
		*c = TINY;
	*d = 1.0 / *d;
	return *d * *c;
}

/* Q(a, x) / prefactor by its continued fraction (modified Lentz), x >= a + 1. */
static double gamma_fraction(double a, double x)
{
	double b = x + 1.0 - a, c = 1.0 / TINY, d = 1.0 / b, h = d;
	for (int i = 1; i < SERIES_TERMS; i++) {
		double an = -i * (i - a);
		b += 2.0;
		double delta = lentz_step(&c, &d, an, b);
		h *= delta;
		if (fabs(delta - 1.0) < DBL_EPSILON)
			break;
	}
	return h;
}

/* P(a, x) and Q(a, x) at x > 0, each to full relative precision on the side
 * computed directly; *PREFACTOR the common factor (density times x). */
static void gamma_tails(double a, double x, double log_gamma_a, double *p, double *q,
			double *prefactor)
{
	double front = gamma_prefactor(a, x, log_gamma_a);
	*prefactor = front;
	if (x < a + 1.0) {
		*p = front * gamma_series(a, x);
		*q = 1.0 - *p;
	} else {
		*q = front * gamma_fraction(a, x);
		*p = 1.0 - *q;
	}
}

double special_gamma_p(double a, double x, double log_gamma_a)
{
	if (x <= 0.0)
		return 0.0;
	if (isinf(x))
		return 1.0;
	double p, q, front;
	gamma_tails(a, x, log_gamma_a, &p, &q, &front);
	return p;
}

double special_gamma_q(double a, double x, double log_gamma_a)
{
	if (x <= 0.0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	double p, q, front;
	gamma_tails(a, x, log_gamma_a, &p, &q, &front);
	return q;
}

/*
 * Halley's method on an increasing CDF, kept inside a bracket [lo, hi]
 * that shrinks with every step (a step leaving it bisects instead).
 * EVAL(x) gives CDF(x) - target (or, in the upper tail, target' - SF(x):
 * the same sign), the density (its derivative) and the density's
 * logarithmic derivative, from one set of logarithms. Stops when a step
 * moves x by less than a few ulps, or when a Halley step (cubic) was so
 * short that the next one could not move x.
 */
struct halley_point {
	double error, density, curvature;
};

struct halley {
	void (*eval)(double x, const void *ctx, struct halley_point *at);
	const void *ctx;
};

/* A Halley step shorter than this, relative to x, leaves an error of its
 * cube (times the density's curvature, of order 1 relative to x): below
 * the last bit. */
#define HALLEY_DONE 1e-6

static double halley_solve(const struct halley *h, double x, double lo, double hi)
{
	for (int step = 0; step < NEWTON_STEPS; step++) {
		struct halley_point at;
		h->eval(x, h->ctx, &at);
		if (at.error == 0.0)
			return x;
		if (at.error > 0.0)
			hi = x;
		else
			lo = x;
		double next = NAN;
		if (at.density > 0.0 && isfinite(at.density)) {
			double newton = at.error / at.density;
			double damp = 1.0 - 0.5 * newton * at.curvature;
			/* Halley's correction only while it shortens the step */
			int halley = damp > 0.5 && damp < 2.0;
			next = x - (halley ? newton / damp : newton);
			double moved = fabs(next - x);
			if (moved <= 4.0 * DBL_EPSILON * fabs(x) ||
			    (halley && moved <= HALLEY_DONE * fabs(x) && next > lo && next < hi))
				return next; /* converged (next may equal x, an end of the bracket) */
		}
		if (!(next > lo && next < hi)) {
			if (isinf(hi))
				next = lo > 0.0 ? 2.0 * lo : 1.0;
			else if (lo <= 0.0)
				next = hi / 16.0;       /* toward a root that may be tiny */
			else if (hi > 4.0 * lo)
				next = sqrt(lo * hi);   /* bisect the exponent */
			else
				next = 0.5 * (lo + hi);
		}
		if (fabs(next - x) <= 4.0 * DBL_EPSILON * fabs(next) || next == lo || next == hi)
			return next;
		x = next;
	}
	return x;
}

struct gamma_target {
	double a, log_gamma_a, target;
	int upper;      /* solve Q(a, x) = target instead of P(a, x) = target */
};

static void gamma_eval(double x, const void *ctx, struct halley_point *at)
{
	const struct gamma_target *g = ctx;
	if (x <= 0.0) {
		at->error = g->upper ? g->target - 1.0 : -g->target;
		at->density = 0.0;
		at->curvature = 0.0;
		return;
	}
	double p, q, front;
	gamma_tails(g->a, x, g->log_gamma_a, &p, &q, &front);
	at->error = g->upper ? g->target - q : p - g->target;
	at->density = front / x;
	at->curvature = (g->a - 1.0) / x - 1.0;
}

/* A starting point (Numerical Recipes' invgammp, on the smaller tail T). */
static double gamma_start(double a, double t, int upper, double log_gamma_a)
{
	if (a > 1.0) {
		double s = sqrt(-2.0 * log(t));
		double z = (2.30753 + s * 0.27061) / (1.0 + s * (0.99229 + s * 0.04481)) - s;
		if (upper)
			z = -z;
		/* z is now the normal deviate of the lower tail */
		double w = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * sqrt(a));
		return fmax(1e-3, a * w * w * w);
	}
	double cut = 1.0 - a * (0.253 + a * 0.12);
	(void)log_gamma_a;
	if (!upper && t < cut)
		return pow(t / cut, 1.0 / a);
	double v = upper ? t : 1.0 - t;
	return 1.0 - log(v / (1.0 - cut) > 0.0 ? v / (1.0 - cut) : DBL_MIN);
}

double special_gamma_quantile_near(double a, double u, double v, double log_gamma_a,
				   double log_start)
{
	if (!(u > 0.0))
		return 0.0;
	if (!(v > 0.0))
		return INFINITY;
	int upper = v < u;
	struct gamma_target g = {a, log_gamma_a, upper ? v : u, upper};
	struct halley h = {gamma_eval, &g};
	double x = isfinite(log_start) ? exp(log_start) : gamma_start(a, g.target, upper, log_gamma_a);
	if (!(x > 0.0 && isfinite(x)))
		x = gamma_start(a, g.target, upper, log_gamma_a);
	return halley_solve(&h, x, 0.0, INFINITY);
}

double special_gamma_quantile(double a, double u, double v, double log_gamma_a)
{
	return special_gamma_quantile_near(a, u, v, log_gamma_a, NAN);
}

/* The continued fraction of I_x(a, b) (modified Lentz), x < (a + 1) / (a + b + 2). */
static double beta_fraction(double a, double b, double x)
{
	double qab = a + b, qap = a + 1.0, qam = a - 1.0;
	double c = 1.0, d = 1.0 - qab * x / qap;
	if (fabs(d) < TINY)
		d = TINY;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m < SERIES_TERMS; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		h *= lentz_step(&c, &d, aa, 1.0);
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		double delta = lentz_step(&c, &d, aa, 1.0);
		h *= delta;
		if (fabs(delta - 1.0) < DBL_EPSILON)
			break;
	}
	return h;
}

/* Z^K for a whole 0 <= K < SPECIAL_BETA_WHOLE_SUM. */
static double whole_power(double z, int k)
{
	double power = 1.0;
	for (; k > 0; k >>= 1, z *= z)
		if (k & 1)
			power *= z;
	return power;
}

void special_beta_shape_init(struct special_beta_shape *s, double a, double b)
{
	s->a = a;
	s->b = b;
	s->whole = a >= 1.0 && b >= 1.0 && a + b <= SPECIAL_BETA_WHOLE_SUM &&
		   a == (double)(int)a && b == (double)(int)b;
	if (!s->whole)
		return;
	int ia = (int)a, ib = (int)b, m = ia + ib - 1;
	double choose = 1.0; /* C(m, a), exactly: each step's quotient is whole */
	for (int i = 1; i <= ia; i++)
		choose = choose * (double)(m - ia + i) / (double)i;
	s->choose = choose;
	s->density = (double)ia * choose;
	/* C(m, a - 1) = C(m, a) a / (m - a + 1) = C(m, a) a / b */
	s->below = choose * (double)ia / (double)ib;
	s->split = (a + 1.0) / (a + b + 2.0);
	for (int j = 0; j <= m; j++) {
		s->up[j] = (double)(m - j) / (double)(j + 1);
		s->down[j] = (double)j / (double)(m - j + 1);
	}
}

/*
 * I_x(a, b) for whole a, b >= 1 with a + b <= SPECIAL_BETA_WHOLE_SUM (a PERT
 * whose mode is the middle, a quarter or an end of its range: 3 and 3, 2 and
 * 4, ...): the binomial tail P(Binomial(m, x) >= a), m = a + b - 1, a sum of
 * b terms from the lower side or 1 less a sum of a terms from the upper,
 * each term the last times a ratio: no logarithm, exact to a few ulps as the
 * fraction. *DENSITY the density at x. The constants are SHAPE's, worked out
 * once: the same values as working them out here.
 */
static double beta_whole(const struct special_beta_shape *shape, double x, double y,
			 double *density)
{
	int a = (int)shape->a, b = (int)shape->b, m = a + b - 1;
	double x_a1 = whole_power(x, a - 1), y_b1 = whole_power(y, b - 1);
	*density = shape->density * x_a1 * y_b1;
	if (x < shape->split) {
		double term = shape->choose * x_a1 * x * y_b1, sum = term, odds = x / y;
		for (int j = a; j < m; j++) {
			term *= shape->up[j] * odds;
			sum += term;
		}
		return sum;
	}
	double term = shape->below * x_a1 * y_b1 * y, sum = term, odds = y / x;
	for (int j = a - 1; j > 0; j--) {
		term *= shape->down[j] * odds;
		sum += term;
	}
	return 1.0 - sum;
}

/* I_x(a, b) with X and Y = 1 - x both exact, from the side where the
 * fraction converges; *DENSITY the density at x (the same logarithms). */
static double beta_i(const struct special_beta_shape *shape, double x, double y, double log_beta,
		     double *density)
{
	double a = shape->a, b = shape->b;
	if (x <= 0.0 || y <= 0.0) {
		*density = 0.0;
		return x <= 0.0 ? 0.0 : 1.0;
	}
	if (shape->whole)
		return beta_whole(shape, x, y, density);
	double front = exp(a * log(x) + b * log(y) - log_beta);
	*density = front / (x * y);
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_fraction(a, b, x) / a;
	return 1.0 - front * beta_fraction(b, a, y) / b;
}

double special_beta_i(double a, double b, double x, double log_beta)
{
	struct special_beta_shape shape;
	special_beta_shape_init(&shape, a, b);
	double density;
	return beta_i(&shape, x, 1.0 - x, log_beta, &density);
}

/* I_x(a, b) = TARGET for the a and b of SHAPE. */
struct beta_target {
	const struct special_beta_shape *shape;
	double log_beta, target;
};

static void beta_eval(double x, const void *ctx, struct halley_point *at)
{
	const struct beta_target *t = ctx;
	double y = 1.0 - x;
	at->error = beta_i(t->shape, x, y, t->log_beta, &at->density) - t->target;
	double a = t->shape->a, b = t->shape->b;
	at->curvature = x > 0.0 && y > 0.0 ? (a - 1.0) / x - (b - 1.0) / y : 0.0;
}

/* A starting point for I_x(a, b) = T <= 1/2 (Numerical Recipes' invbetai). */
static double beta_start(double a, double b, double t)
{
	if (a >= 1.0 && b >= 1.0) {
		double s = sqrt(-2.0 * log(t));
		double z = -((2.30753 + s * 0.27061) / (1.0 + s * (0.99229 + s * 0.04481)) - s);
		double al = (z * z - 3.0) / 6.0;
		double h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
		double w = z * sqrt(al + h) / h -
			   (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h));
		return a / (a + b * exp(2.0 * w));
	}
	double lna = log(a / (a + b)), lnb = log(b / (a + b));
	double ta = exp(a * lna) / a, tb = exp(b * lnb) / b, w = ta + tb;
	if (t < ta / w)
		return pow(a * w * t, 1.0 / a);
	return 1.0 - pow(b * w * (1.0 - t), 1.0 / b);
}

void special_beta_quantile_shaped(const struct special_beta_shape *shape,
				  const struct special_beta_shape *mirror, double u, double v,
				  double log_beta, double logit_start, double *x, double *one_minus_x)
{
	double lower, upper;
	if (!(u > 0.0)) {
		lower = 0.0, upper = 1.0;
	} else if (!(v > 0.0)) {
		lower = 1.0, upper = 0.0;
	} else {
		/* solve the smaller tail: I_y(b, a) = v for y = 1 - x when v < u
		 * (MIRROR is the shape of b and a) */
		int swap = v < u;
		struct beta_target t = {swap ? mirror : shape, log_beta, swap ? v : u};
		struct halley h = {beta_eval, &t};
		double s;
		if (isfinite(logit_start)) /* x = 1 / (1 + e^-w), y = 1 - x = 1 / (1 + e^w) */
			s = 1.0 / (1.0 + exp(swap ? logit_start : -logit_start));
		else
			s = beta_start(t.shape->a, t.shape->b, t.target);
		if (!(s > 0.0 && s < 1.0))
			s = 0.5;
		double root = halley_solve(&h, s, 0.0, 1.0);
		lower = swap ? 1.0 - root : root;
		upper = swap ? root : 1.0 - root;
	}
	if (x != NULL)
		*x = lower;
	if (one_minus_x != NULL)
		*one_minus_x = upper;
}

void special_beta_quantile_near(double a, double b, double u, double v, double log_beta,
				double logit_start, double *x, double *one_minus_x)
{
	struct special_beta_shape shape, mirror;
	special_beta_shape_init(&shape, a, b);
	special_beta_shape_init(&mirror, b, a);
	special_beta_quantile_shaped(&shape, &mirror, u, v, log_beta, logit_start, x, one_minus_x);
}

void special_beta_quantile(double a, double b, double u, double v, double log_beta,
			   double *x, double *one_minus_x)
{
	special_beta_quantile_near(a, b, u, v, log_beta, NAN, x, one_minus_x);
}

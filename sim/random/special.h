/*
 * special: the special functions the uncertain inputs' distributions are
 * inverted with (docs/model.md, uncertain inputs): the standard normal's
 * CDF and quantile, and the regularised incomplete gamma and beta functions
 * and their inverses.
 *
 * Every function is pure and thread-safe (no lgamma: its sign is a global).
 * A quantile takes its probability twice, as the lower tail U and the upper
 * tail V = 1 - U, each computed accurately by the caller: far in the upper
 * tail U rounds to 1 while V still says how far (a normal score of 9 is
 * U = 1 but V = 1.1e-19), so the inverse is solved on the smaller of the
 * two and stays exact to a few units in the last place in both tails.
 */
#ifndef CCSIM_SPECIAL_H
#define CCSIM_SPECIAL_H

/* log Gamma(x), x > 0 (lgamma_r: thread-safe). */
double special_log_gamma(double x);

/* log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b), a, b > 0. */
double special_log_beta(double a, double b);

/* Phi(z), the standard normal CDF (exact to a few ulps, also far in the tails:
 * Phi(-37) is 5.7e-300, not 0). */
double special_normal_cdf(double z);

/* Phi^-1(p) for p in (0, 1): Wichura's AS 241 (PPND16), relative error about
 * 1e-16. Returns -INFINITY for p <= 0 and INFINITY for p >= 1. */
double special_normal_quantile(double p);

/*
 * The regularised incomplete gamma functions P(a, x) (lower) and
 * Q(a, x) = 1 - P(a, x) (upper), a > 0, x >= 0, with LOG_GAMMA_A =
 * special_log_gamma(a) worked out once by the caller.
 */
double special_gamma_p(double a, double x, double log_gamma_a);
double special_gamma_q(double a, double x, double log_gamma_a);

/* The x >= 0 with P(a, x) = U (and Q(a, x) = V = 1 - U). */
double special_gamma_quantile(double a, double u, double v, double log_gamma_a);

/* The same, the search started at exp(LOG_START) (a close guess saves
 * steps; NAN: the function's own start). */
double special_gamma_quantile_near(double a, double u, double v, double log_gamma_a,
				   double log_start);

/* The regularised incomplete beta I_x(a, b), a, b > 0, x in [0, 1], with
 * LOG_BETA = special_log_beta(a, b). */
double special_beta_i(double a, double b, double x, double log_beta);

/*
 * The x in [0, 1] with I_x(a, b) = U (and 1 - I_x(a, b) = V = 1 - U), as
 * x and its complement: *X and *ONE_MINUS_X are each exact to a few ulps
 * (the upper tail is solved as 1 - x, so x close to 1 keeps its distance
 * from 1). Either pointer may be NULL.
 */
void special_beta_quantile(double a, double b, double u, double v, double log_beta,
			   double *x, double *one_minus_x);

/* The same, the search started at the x whose logit log(x / (1 - x)) is
 * LOGIT_START (NAN: the function's own start). */
void special_beta_quantile_near(double a, double b, double u, double v, double log_beta,
				double logit_start, double *x, double *one_minus_x);

/* Whole a and b up to this sum have I_x(a, b) as a finite sum. */
#define SPECIAL_BETA_WHOLE_SUM 32

/* What I_x(a, b) needs of a and b, worked out once for the many quantiles
 * of one beta (a PERT input's, every replication): the same values as
 * working it out each time, without its divisions. */
struct special_beta_shape {
	double a, b;
	int whole;                               /* the finite sum serves */
	double choose, density, below, split;    /* C(m, a), a C(m, a), C(m, a - 1), (a + 1) / (a + b + 2) */
	double up[SPECIAL_BETA_WHOLE_SUM];       /* (m - j) / (j + 1), m = a + b - 1 */
	double down[SPECIAL_BETA_WHOLE_SUM];     /* j / (m - j + 1) */
};

void special_beta_shape_init(struct special_beta_shape *shape, double a, double b);

/* special_beta_quantile_near for the beta of SHAPE, whose MIRROR is the
 * shape of (b, a). */
void special_beta_quantile_shaped(const struct special_beta_shape *shape,
				  const struct special_beta_shape *mirror, double u, double v,
				  double log_beta, double logit_start, double *x, double *one_minus_x);

#endif

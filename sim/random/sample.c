#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

uint64_t sample_below(struct rng *r, uint64_t n)
{
	/* Lemire (2019): the high word of x * n is uniform once the low word
	 * is outside the short first interval. */
	unsigned __int128 m = (unsigned __int128)rng_next(r) * n;
	uint64_t low = (uint64_t)m;
	if (low < n) {
		uint64_t threshold = -n % n;
		while (low < threshold) {
			m = (unsigned __int128)rng_next(r) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

int64_t sample_uniform_int(struct rng *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
	if (span == 0) /* the whole 64-bit range */
		return (int64_t)rng_next(r);
	return (int64_t)((uint64_t)lo + sample_below(r, span));
}

int sample_bernoulli(struct rng *r, double p)
{
	return rng_uniform(r) < p;
}

/* log k! by Stirling's series for lgamma(k + 1), exact to about 1e-15 relative. */
static double log_factorial_series(int64_t k)
{
	static const double small[10] = {
		0.0, 0.0, 0.69314718055994531, 1.79175946922805500,
		3.17805383034794562, 4.78749174278204599, 6.57925121201010100,
		8.52516136106541430, 10.60460290274525023, 12.80182748008146961};
	if (k < 10)
		return small[k];
	/* x = k + 1 >= 11: the first omitted term is below 1e-17 */
	double x = (double)k + 1.0;
	double x2 = x * x;
	return (x - 0.5) * log(x) - x + 0.91893853320467274 +
	       (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x;
}

/* log k! for the k that binomial and Poisson rejection meet most, filled
 * once by whichever thread first needs it. */
#define LOG_FACTORIALS 1024
static double log_factorials[LOG_FACTORIALS];
static once_flag log_factorials_once = ONCE_FLAG_INIT;

static void fill_log_factorials(void)
{
	for (int64_t k = 0; k < LOG_FACTORIALS; k++)
		log_factorials[k] = log_factorial_series(k);
}

double sample_log_factorial(int64_t k)
{
	if (k >= LOG_FACTORIALS)
		return log_factorial_series(k);
	call_once(&log_factorials_once, fill_log_factorials);
	return log_factorials[k];
}

/* 1/x for small x: the inversion loops multiply instead of divide. */
#define RECIPROCALS 64
#define R4(x) 1.0 / (x), 1.0 / ((x) + 1), 1.0 / ((x) + 2), 1.0 / ((x) + 3)
#define R16(x) R4(x), R4((x) + 4), R4((x) + 8), R4((x) + 12)
static const double reciprocal[RECIPROCALS] = {0.0, 1.0, 0.5, 1.0 / 3, R4(4), R4(8), R4(12),
					       R16(16), R16(32), R16(48)};

static double one_over(int64_t x)
{
	return x < RECIPROCALS ? reciprocal[x] : 1.0 / (double)x;
}

void sample_binomial_rate_init(struct binomial_rate *rate, double p)
{
	rate->p = p;
	rate->low = p > 0.5 ? 1.0 - p : p;
	rate->q = 1.0 - rate->low;
	rate->log_q = log1p(-rate->low);
	rate->odds = rate->low / rate->q;
	rate->log_odds = log(rate->odds);
}

/* Inversion by sequential search, p <= 0.5 and n*p < 10. */
static int64_t binomial_inversion(struct rng *r, int64_t n, const struct binomial_rate *rate)
{
	double q_n = exp((double)n * rate->log_q);
	double mean = (double)n * rate->low;
	/* The search stops at the bound, beyond which the mass is below 1e-20
	 * (rounding could otherwise walk on forever); mean + 20 is below it,
	 * so the square root is taken only for the rare draw past that. */
	double cheap_bound = fmin((double)n, mean + 20.0);
	double bound = -1.0;
	int64_t x = 0;
	double px = q_n;
	double u = rng_uniform(r);
	while (u > px) {
		x++;
		if ((double)x > cheap_bound) {
			if (bound < 0.0)
				bound = fmin((double)n, mean + 10.0 * sqrt(mean * rate->q + 1.0) + 20.0);
			if ((double)x > bound) { /* the tail beyond bound: start again */
				x = 0;
				px = q_n;
				u = rng_uniform(r);
				continue;
			}
		}
		u -= px;
		px *= (double)(n - x + 1) * rate->odds * one_over(x);
	}
	return x;
}

/* Hoermann's BTRS (1993), p <= 0.5 and n*p >= 10. */
static int64_t binomial_btrs(struct rng *r, int64_t n, const struct binomial_rate *rate)
{
	double p = rate->low;
	double spq = sqrt((double)n * p * rate->q);
	double b = 1.15 + 2.53 * spq;
	double inv_b = 1.0 / b;
	double a = -0.0873 + 0.0248 * b + 0.01 * p;
	double c = (double)n * p + 0.5;
	double v_r = 0.92 - 4.2 * inv_b;
	int64_t m = (int64_t)floor((double)(n + 1) * p);
	double h = NAN; /* log m! (n-m)!, needed only past the squeeze */

	for (;;) {
		double u = rng_uniform(r) - 0.5;
		double v = rng_uniform(r);
		double us = 0.5 - fabs(u);
		double kf = floor((2.0 * a / us + b) * u + c);
		if (kf < 0.0 || kf > (double)n)
			continue;
		int64_t k = (int64_t)kf;
		if (us >= 0.07 && v <= v_r)
			return k;
		if (v <= 0.0)
			continue;
		double alpha = (2.83 + 5.1 * inv_b) * spq;
		if (isnan(h))
			h = sample_log_factorial(m) + sample_log_factorial(n - m);
		v = log(v * alpha / (a / (us * us) + b));
		if (v <= h - sample_log_factorial(k) - sample_log_factorial(n - k) + (double)(k - m) * rate->log_odds)
			return k;
	}
}

int64_t sample_binomial_at(struct rng *r, int64_t n, const struct binomial_rate *rate)
{
	if (n <= 0 || rate->p <= 0.0)
		return 0;
	if (rate->p >= 1.0)
		return n;
	int64_t k = (double)n * rate->low < 10.0 ? binomial_inversion(r, n, rate)
						 : binomial_btrs(r, n, rate);
	return rate->p > 0.5 ? n - k : k;
}

int64_t sample_binomial(struct rng *r, int64_t n, double p)
{
	if (n <= 0 || p <= 0.0)
		return 0;
	if (p >= 1.0)
		return n;
	struct binomial_rate rate;
	sample_binomial_rate_init(&rate, p);
	return sample_binomial_at(r, n, &rate);
}

void sample_poisson_rate_init(struct poisson_rate *rate, double mu)
{
	rate->mu = mu;
	if (mu < 10.0) {
		rate->exp_neg_mu = exp(-mu);
		rate->bound = mu + 10.0 * sqrt(mu) + 20.0;
		return;
	}
	double slam = sqrt(mu);
	rate->log_mu = log(mu);
	rate->b = 0.931 + 2.53 * slam;
	rate->a = -0.059 + 0.02483 * rate->b;
	rate->log_alpha = log(1.1239 + 1.1328 / (rate->b - 3.4));
	rate->v_r = 0.9277 - 3.6224 / (rate->b - 2.0);
}

/* Inversion by sequential search, mu < 10. */
static int64_t poisson_inversion(struct rng *r, const struct poisson_rate *rate)
{
	int64_t x = 0;
	double px = rate->exp_neg_mu;
	double u = rng_uniform(r);
	while (u > px) {
		x++;
		if ((double)x > rate->bound) {
			x = 0;
			px = rate->exp_neg_mu;
			u = rng_uniform(r);
			continue;
		}
		u -= px;
		px *= rate->mu * one_over(x);
	}
	return x;
}

/* Hoermann's PTRS (1993), mu >= 10. */
static int64_t poisson_ptrs(struct rng *r, const struct poisson_rate *rate)
{
	double a = rate->a, b = rate->b, mu = rate->mu;
	for (;;) {
		double u = rng_uniform(r) - 0.5;
		double v = rng_uniform(r);
		double us = 0.5 - fabs(u);
		double kf = floor((2.0 * a / us + b) * u + mu + 0.43);
		if (us >= 0.07 && v <= rate->v_r)
			return (int64_t)kf;
		if (kf < 0.0 || (us < 0.013 && v > us) || v <= 0.0)
			continue;
		int64_t k = (int64_t)kf;
		if (log(v) + rate->log_alpha - log(a / (us * us) + b) <=
		    -mu + kf * rate->log_mu - sample_log_factorial(k))
			return k;
	}
}

int64_t sample_poisson_at(struct rng *r, const struct poisson_rate *rate)
{
	if (rate->mu <= 0.0)
		return 0;
	return rate->mu < 10.0 ? poisson_inversion(r, rate) : poisson_ptrs(r, rate);
}

int64_t sample_poisson(struct rng *r, double mu)
{
	if (mu <= 0.0)
		return 0;
	struct poisson_rate rate;
	sample_poisson_rate_init(&rate, mu);
	return sample_poisson_at(r, &rate);
}

/*
 * The normal ziggurat (Marsaglia and Tsang, 2000, in Doornik's 2005 form,
 * whose layer and position come from separate bits): 128 layers of equal
 * area under exp(-x^2 / 2); the top layer's right edge is ZIGGURAT_R.
 */
#define ZIGGURAT_LAYERS 128
#define ZIGGURAT_R 3.442619855899
#define ZIGGURAT_AREA 9.91256303526217e-3

struct ziggurat {
	double x[ZIGGURAT_LAYERS + 1];  /* layer edges; x[0] widens the base to area V */
	double ratio[ZIGGURAT_LAYERS];  /* x[i + 1] / x[i]: inside the next layer's edge */
};

static struct ziggurat normal_layers;
static once_flag normal_layers_once = ONCE_FLAG_INIT;

static void fill_normal_layers(void)
{
	struct ziggurat *z = &normal_layers;
	double f = exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
	z->x[0] = ZIGGURAT_AREA / f;
	z->x[1] = ZIGGURAT_R;
	z->x[ZIGGURAT_LAYERS] = 0.0;
	for (int i = 2; i < ZIGGURAT_LAYERS; i++) {
		z->x[i] = sqrt(-2.0 * log(ZIGGURAT_AREA / z->x[i - 1] + f));
		f = exp(-0.5 * z->x[i] * z->x[i]);
	}
	for (int i = 0; i < ZIGGURAT_LAYERS; i++)
		z->ratio[i] = z->x[i + 1] / z->x[i];
}

/* The tail beyond R (Marsaglia, 1964), on the side of NEGATIVE. */
static double normal_tail(struct rng *r, int negative)
{
	double x, y;
	do {
		x = log(rng_uniform_open(r)) / ZIGGURAT_R;
		y = log(rng_uniform_open(r));
	} while (-2.0 * y < x * x);
	return negative ? x - ZIGGURAT_R : ZIGGURAT_R - x;
}

double sample_normal(struct rng *r)
{
	call_once(&normal_layers_once, fill_normal_layers);
	const struct ziggurat *z = &normal_layers;
	for (;;) {
		uint64_t bits = rng_next(r);
		int i = (int)(bits & (ZIGGURAT_LAYERS - 1));
		double u = 2.0 * ((double)(bits >> 11) * 0x1.0p-53) - 1.0;  /* [-1, 1) */
		if (fabs(u) < z->ratio[i])
			return u * z->x[i];  /* inside the layer's rectangle: most draws */
		if (i == 0)
			return normal_tail(r, u < 0.0);
		double x = u * z->x[i];
		double f0 = exp(-0.5 * (z->x[i] * z->x[i] - x * x));
		double f1 = exp(-0.5 * (z->x[i + 1] * z->x[i + 1] - x * x));
		if (f1 + rng_uniform(r) * (f0 - f1) < 1.0)
			return x;
	}
}

/* The exponential ziggurat (sample.h): its layers, filled once. */
static struct sample_exp_ziggurat exp_layers;
static once_flag exp_layers_once = ONCE_FLAG_INIT;

static void fill_exp_layers(void)
{
	struct sample_exp_ziggurat *z = &exp_layers;
	double f = exp(-SAMPLE_EXP_ZIGGURAT_R);
	z->x[0] = SAMPLE_EXP_ZIGGURAT_AREA / f;
	z->x[1] = SAMPLE_EXP_ZIGGURAT_R;
	z->x[SAMPLE_EXP_ZIGGURAT_LAYERS] = 0.0;
	for (int i = 2; i < SAMPLE_EXP_ZIGGURAT_LAYERS; i++) {
		z->x[i] = -log(SAMPLE_EXP_ZIGGURAT_AREA / z->x[i - 1] + f);
		f = exp(-z->x[i]);
	}
	for (int i = 0; i <= SAMPLE_EXP_ZIGGURAT_LAYERS; i++)
		z->f[i] = exp(-z->x[i]);
	for (int i = 0; i < SAMPLE_EXP_ZIGGURAT_LAYERS; i++)
		z->ratio[i] = z->x[i + 1] / z->x[i];
}

const struct sample_exp_ziggurat *sample_exponential_layers(void)
{
	call_once(&exp_layers_once, fill_exp_layers);
	return &exp_layers;
}

double sample_exponential_outside(const struct sample_exp_ziggurat *z, struct rng *r, int i,
				  double u)
{
	for (;;) {
		if (i == 0)
			return SAMPLE_EXP_ZIGGURAT_R - log(rng_uniform_open(r));
		/* the wedge between x[i + 1] and x[i], under exp(-x) or not */
		double x = u * z->x[i];
		if (z->f[i] + rng_uniform(r) * (z->f[i + 1] - z->f[i]) < exp(-x))
			return x;
		uint64_t bits = rng_next(r);
		i = (int)(bits & (SAMPLE_EXP_ZIGGURAT_LAYERS - 1));
		u = (double)(bits >> 11) * 0x1.0p-53;
		if (u < z->ratio[i])
			return u * z->x[i];
	}
}

double sample_exponential(struct rng *r)
{
	return sample_exponential_with(sample_exponential_layers(), r);
}

/* Gamma(shape, 1) variate for shape >= 1 (Marsaglia and Tsang, 2000). */
static double gamma_marsaglia_tsang(struct rng *r, double shape)
{
	double d = shape - 1.0 / 3.0;
	double c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = sample_normal(r);
		double v = 1.0 + c * x;
		if (v <= 0.0)
			continue;
		v = v * v * v;
		double u = rng_uniform_open(r);
		double x2 = x * x;
		if (u < 1.0 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double sample_log_gamma(struct rng *r, double shape)
{
	if (shape >= 1.0)
		return log(gamma_marsaglia_tsang(r, shape));
	/* Gamma(a) = Gamma(a + 1) * U^(1/a), in logs: U^(1/a) may underflow */
	double boosted = log(gamma_marsaglia_tsang(r, shape + 1.0));
	return boosted + log(rng_uniform_open(r)) / shape;
}

double sample_beta(struct rng *r, double a, double b)
{
	if (a >= 1.0 && b >= 1.0) { /* X / (X + Y) directly: neither underflows */
		double x = gamma_marsaglia_tsang(r, a);
		double y = gamma_marsaglia_tsang(r, b);
		return x / (x + y);
	}
	double log_x = sample_log_gamma(r, a);
	double log_y = sample_log_gamma(r, b);
	/* X / (X + Y), computed without forming X or Y */
	return 1.0 / (1.0 + exp(log_y - log_x));
}

void sample_draw_set_free(struct draw_set *set)
{
	free(set->slots);
	set->slots = NULL;
	set->capacity = 0;
	set->mask = 0;
}

static size_t slot_of(uint64_t value, size_t mask)
{
	/* Fibonacci hashing spreads consecutive values. */
	return (size_t)((value * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & mask;
}

/* Inserts VALUE; returns 0 when it was already there. */
static int draw_set_insert(struct draw_set *set, uint64_t value)
{
	size_t mask = set->mask;
	size_t i = slot_of(value, mask);
	while (set->slots[i] != 0) {
		if (set->slots[i] == value + 1)
			return 0;
		i = (i + 1) & mask;
	}
	set->slots[i] = value + 1;
	return 1;
}

int64_t sample_without_replacement(struct rng *r, uint64_t n, uint64_t k,
				   struct draw_set *set, uint64_t *out)
{
	if (k >= n) {
		for (uint64_t i = 0; i < n; i++)
			out[i] = i;
		return (int64_t)n;
	}
	if (k == 0)
		return 0;

	size_t need = 4;
	while (need < 2 * k)
		need *= 2;
	if (set->capacity < need) {
		uint64_t *slots = realloc(set->slots, need * sizeof *slots);
		if (slots == NULL)
			return -1;
		set->slots = slots;
		set->capacity = need;
	}
	/* Only the slots this draw uses are cleared: O(k), whatever was
	 * allocated for an earlier, larger draw. */
	set->mask = need - 1;
	memset(set->slots, 0, need * sizeof *set->slots);

	/* Floyd (1987): for j = n-k .. n-1 take t uniform in 0..j; if t is
	 * already taken, take j (which cannot be). Every k-subset is equally
	 * likely. */
	uint64_t written = 0;
	for (uint64_t j = n - k; j < n; j++) {
		uint64_t t = sample_below(r, j + 1);
		if (!draw_set_insert(set, t)) {
			draw_set_insert(set, j);
			t = j;
		}
		out[written++] = t;
	}
	return (int64_t)written;
}

#include "inversion.h"
#include "ccsim_limits.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Entries of a table at most: 2 (10 sd + 20) + 3 with sd <= 10, and a
 * little room for rounding; an entry's index fits a byte. */
#define CDF_WIDTH_MAX 255
#define GUIDE INVERSION_GUIDE
/* The greatest m of a uniform m 2^-53. */
#define GREATEST_M ((UINT64_C(1) << 53) - 1)
#define GREATEST_UNIFORM (1.0 - 0x1.0p-53)

/* Rates a run keeps tables for, per kind, and how far a lookup probes. */
#define REGISTRY 1024
#define REGISTRY_PROBES 64

struct inversion_tables {
	_Atomic(void *) binomials[REGISTRY];    /* struct binomial_cdfs */
	_Atomic(void *) poissons[REGISTRY];     /* struct cdf_table */
	atomic_size_t bytes;
};

struct span {
	int64_t lo;
	int width;
};

/* The values from mean - 10 sd - 20 to mean + 10 sd + 20, within [0, N]. */
static struct span span_of(double mean, double sd, int64_t n)
{
	double lo = floor(mean - 10.0 * sd - 20.0), hi = ceil(mean + 10.0 * sd + 20.0);
	int64_t first = lo > 0.0 ? (int64_t)lo : 0;
	int64_t last = hi < (double)n ? (int64_t)hi : n;
	return (struct span){first, (int)(last - first + 1)};
}

static struct span binomial_span(int64_t n, double p)
{
	double mean = (double)n * p;
	return span_of(mean, sqrt(mean * (1.0 - p)), n);
}

static struct span poisson_span(double mu)
{
	return span_of(mu, sqrt(mu), INT64_MAX);
}

/*
 * The cumulative probabilities of Binomial(N, P) over SPAN into CDF, up to
 * the first that reaches the largest uniform, 1 - 2^-53 (no draw stops
 * past it): returns the span filled.
 */
static struct span fill_binomial(int64_t n, double p, struct span span, double *cdf)
{
	double log_q = log1p(-p), odds = p / (1.0 - p);
	int64_t lo = span.lo;
	double px = exp(sample_log_factorial(n) - sample_log_factorial(lo) - sample_log_factorial(n - lo) +
			(double)lo * log(p) + (double)(n - lo) * log_q);
	double sum = 0.0;
	for (int i = 0; i < span.width; i++) {
		int64_t k = lo + i;
		sum += px;
		cdf[i] = sum;
		if (sum >= GREATEST_UNIFORM)
			return (struct span){lo, i + 1};
		px *= (double)(n - k) * odds / (double)(k + 1);
	}
	return span;
}

/* The cumulative probabilities of Poisson(MU) over SPAN into CDF, as
 * fill_binomial's. */
static struct span fill_poisson(double mu, struct span span, double *cdf)
{
	int64_t lo = span.lo;
	double px = exp(-mu + (double)lo * log(mu) - sample_log_factorial(lo));
	double sum = 0.0;
	for (int i = 0; i < span.width; i++) {
		sum += px;
		cdf[i] = sum;
		if (sum >= GREATEST_UNIFORM)
			return (struct span){lo, i + 1};
		px *= mu / (double)(lo + i + 1);
	}
	return span;
}

/* The first x from LO whose cumulative probability reaches a uniform, in
 * the whole span (what a kept table draws, searched from the start). */
static int64_t search(const double *cdf, struct span span, struct rng *r)
{
	for (;;) {
		double u = rng_uniform(r);
		int i = 0;
		while (i < span.width && cdf[i] < u)
			i++;
		if (i < span.width)
			return span.lo + i;
		/* u fell in the tail beyond hi (or rounding's last 1e-16): again */
	}
}

/* SIZE bytes counted against the budget; NULL past it or out of memory. */
static void *reserve(struct inversion_tables *tables, size_t size)
{
	size_t before = atomic_fetch_add_explicit(&tables->bytes, size, memory_order_relaxed);
	void *block = before + size <= LIMIT_TABLE_BYTES ? malloc(size) : NULL;
	if (block == NULL)
		atomic_fetch_sub_explicit(&tables->bytes, size, memory_order_relaxed);
	return block;
}

static void release(struct inversion_tables *tables, void *block, size_t size)
{
	free(block);
	atomic_fetch_sub_explicit(&tables->bytes, size, memory_order_relaxed);
}

static size_t table_size(int width)
{
	return sizeof(struct cdf_table) + (size_t)(width + 1) * sizeof(uint64_t);
}

/* Guide entry g: the first entry reaching the least m with top bits g,
 * g 2^47, that is the first whose cut has top bits g or more: no search
 * starts past its answer. */
static void fill_guide(struct cdf_table *t)
{
	int g = 0;
	for (int i = 0; i < t->width && g < GUIDE; i++) {
		uint64_t top = t->cut[i] >> (53 - INVERSION_GUIDE_BITS);
		int end = top < GUIDE ? (int)top + 1 : GUIDE;
		if (end > g) {
			memset(&t->guide[g], i, (size_t)(end - g));
			g = end;
		}
	}
	if (g < GUIDE)
		memset(&t->guide[g], t->width, (size_t)(GUIDE - g));
}

/* floor(F 2^53), F >= 0 a cumulative probability (at most 1 + rounding, so
 * below 2^63 once scaled): exact, as scaling by 2^53 is, and the
 * conversion truncates. */
static uint64_t cut_of(double f)
{
	return (uint64_t)(int64_t)(f * 0x1.0p53);
}

/*
 * The kept table of RATE from CDF over SPAN: the entries a uniform m 2^-53
 * with m >= 1 can stop at (inversion.h), the sentinel and the guide; NULL past
 * the budget.
 */
static struct cdf_table *table_new(struct inversion_tables *tables, double rate, struct span span,
				   const double *cdf)
{
	/* the first entry whose cut reaches 1, that is whose probability
	 * reaches 2^-53 (the cumulative probabilities never decrease); the
	 * fill stopped at the first reaching 2^53 - 1 */
	int first = 0, past = span.width - 1;
	while (first < past) {
		int mid = first + (past - first) / 2;
		if (cdf[mid] >= 0x1.0p-53)
			past = mid;
		else
			first = mid + 1;
	}
	int width = span.width - first;
	struct cdf_table *t = reserve(tables, table_size(width));
	if (t == NULL)
		return NULL;
	t->rate = rate;
	t->lo = span.lo;
	t->base = span.lo + first;
	t->width = width;
	t->reserved = 0;
	for (int i = 0; i < width; i++)
		t->cut[i] = cut_of(cdf[first + i]);
	t->cut[width] = UINT64_MAX;
	fill_guide(t);
	return t;
}

static void table_drop(struct inversion_tables *tables, void *entry)
{
	struct cdf_table *t = entry;
	release(tables, t, table_size(t->width));
}

static size_t cdfs_size(int64_t n_max)
{
	return sizeof(struct binomial_cdfs) + (size_t)(n_max + 1) * sizeof(_Atomic(struct cdf_table *));
}

static void cdfs_drop(struct inversion_tables *tables, void *entry)
{
	struct binomial_cdfs *f = entry;
	for (int64_t n = 0; n <= f->n_max; n++) {
		struct cdf_table *t = atomic_load_explicit(&f->by_n[n], memory_order_relaxed);
		if (t != NULL)
			table_drop(tables, t);
	}
	release(tables, f, cdfs_size(f->n_max));
}

/* The n up to which Binomial(n, p) is drawn by a table. */
static int64_t binomial_n_max(double p)
{
	if (p <= 0.0 || p >= 1.0)
		return -1;
	double most = floor(INVERSION_VARIANCE / (p * (1.0 - p)));
	return most < INVERSION_N ? (int64_t)most : INVERSION_N;
}

static uint64_t key_hash(double key)
{
	uint64_t bits;
	memcpy(&bits, &key, sizeof bits);
	return (bits * UINT64_C(0x9E3779B97F4A7C15)) >> 40;
}

static void *make_cdfs(struct inversion_tables *tables, double p)
{
	int64_t n_max = binomial_n_max(p);
	struct binomial_cdfs *f = reserve(tables, cdfs_size(n_max));
	if (f == NULL)
		return NULL;
	f->p = p;
	f->n_max = n_max;
	f->owner = tables;
	for (int64_t n = 0; n <= n_max; n++)
		atomic_init(&f->by_n[n], NULL);
	return f;
}

static void *make_poisson(struct inversion_tables *tables, double mu)
{
	double cdf[CDF_WIDTH_MAX];
	struct span span = fill_poisson(mu, poisson_span(mu), cdf);
	return table_new(tables, mu, span, cdf);
}

/* How a registry makes and drops its entries. */
struct entry_kind {
	void *(*make)(struct inversion_tables *tables, double key);
	void (*drop)(struct inversion_tables *tables, void *entry);
};

static const struct entry_kind binomial_kind = {make_cdfs, cdfs_drop};
static const struct entry_kind poisson_kind = {make_poisson, table_drop};

/* The entry of KEY in SLOTS (every entry starts with its key), made when
 * absent; NULL when the registry or the budget is full. */
static void *registry_find(struct inversion_tables *tables, _Atomic(void *) *slots, double key,
			   const struct entry_kind *kind)
{
	void *made = NULL;
	size_t i = key_hash(key) & (REGISTRY - 1);
	for (int probe = 0; probe < REGISTRY_PROBES; probe++, i = (i + 1) & (REGISTRY - 1)) {
		void *entry = atomic_load_explicit(&slots[i], memory_order_acquire);
		if (entry == NULL) {
			if (made == NULL && (made = kind->make(tables, key)) == NULL)
				return NULL;
			void *expected = NULL;
			if (atomic_compare_exchange_strong_explicit(&slots[i], &expected, made,
								    memory_order_acq_rel,
								    memory_order_acquire))
				return made;
			entry = expected; /* another thread filled the slot first */
		}
		if (*(const double *)entry == key) {
			if (made != NULL)
				kind->drop(tables, made);
			return entry;
		}
	}
	if (made != NULL)
		kind->drop(tables, made);
	return NULL;
}

struct inversion_tables *inversion_tables_new(void)
{
	struct inversion_tables *tables = malloc(sizeof *tables);
	if (tables == NULL)
		return NULL;
	for (int i = 0; i < REGISTRY; i++) {
		atomic_init(&tables->binomials[i], NULL);
		atomic_init(&tables->poissons[i], NULL);
	}
	atomic_init(&tables->bytes, sizeof *tables);
	return tables;
}

void inversion_tables_free(struct inversion_tables *tables)
{
	if (tables == NULL)
		return;
	for (int i = 0; i < REGISTRY; i++) {
		void *f = atomic_load_explicit(&tables->binomials[i], memory_order_relaxed);
		void *t = atomic_load_explicit(&tables->poissons[i], memory_order_relaxed);
		if (f != NULL)
			cdfs_drop(tables, f);
		if (t != NULL)
			table_drop(tables, t);
	}
	free(tables);
}

size_t inversion_tables_bytes(const struct inversion_tables *tables)
{
	return atomic_load_explicit(&tables->bytes, memory_order_relaxed);
}

void inversion_binomial_init(struct binomial_source *source, double p, struct inversion_tables *tables)
{
	sample_binomial_rate_init(&source->rate, p);
	source->n_max = binomial_n_max(p);
	source->cdfs = NULL;
	if (tables != NULL && source->n_max >= 0)
		source->cdfs = registry_find(tables, tables->binomials, p, &binomial_kind);
}

/* The kept table of n, built now if the budget allows; NULL otherwise. */
static const struct cdf_table *binomial_table(struct binomial_cdfs *f, int64_t n)
{
	struct cdf_table *t = atomic_load_explicit(&f->by_n[n], memory_order_acquire);
	if (t != NULL)
		return t;
	double cdf[CDF_WIDTH_MAX];
	struct span span = fill_binomial(n, f->p, binomial_span(n, f->p), cdf);
	struct cdf_table *made = table_new(f->owner, f->p, span, cdf);
	if (made == NULL)
		return NULL;
	if (atomic_compare_exchange_strong_explicit(&f->by_n[n], &t, made, memory_order_acq_rel,
						    memory_order_acquire))
		return made;
	table_drop(f->owner, made);
	return t;
}

void inversion_binomial_prefetch(const struct binomial_source *source, int64_t n)
{
	if (n > source->n_max || n <= 0 || source->cdfs == NULL)
		return;
	const struct cdf_table *t = atomic_load_explicit(&source->cdfs->by_n[n], memory_order_relaxed);
	if (t != NULL)
		__builtin_prefetch(t);
}

int64_t inversion_binomial_draw_building(const struct binomial_source *source, struct rng *r,
				      int64_t n)
{
	const struct cdf_table *t = source->cdfs != NULL ? binomial_table(source->cdfs, n) : NULL;
	if (t != NULL)
		return inversion_cdf_draw(t, r);
	double cdf[CDF_WIDTH_MAX];
	struct span span = fill_binomial(n, source->rate.p, binomial_span(n, source->rate.p), cdf);
	return search(cdf, span, r);
}

/* Whether Poisson(MU) is drawn by a table. */
static int poisson_tabled(double mu)
{
	return mu > 0.0 && mu <= INVERSION_VARIANCE;
}

void inversion_poisson_init(struct poisson_source *source, double mu, struct inversion_tables *tables)
{
	sample_poisson_rate_init(&source->rate, mu);
	source->table = NULL;
	if (tables != NULL && poisson_tabled(mu))
		source->table = registry_find(tables, tables->poissons, mu, &poisson_kind);
}

int64_t inversion_poisson_draw_untabled(const struct poisson_source *source, struct rng *r)
{
	if (!poisson_tabled(source->rate.mu))
		return sample_poisson_at(r, &source->rate);
	double cdf[CDF_WIDTH_MAX];
	struct span span = fill_poisson(source->rate.mu, poisson_span(source->rate.mu), cdf);
	return search(cdf, span, r);
}

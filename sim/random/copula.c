#include "copula.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sweeps of Jacobi rotations at most (a few suffice: convergence is quadratic). */
#define JACOBI_SWEEPS 100
/* Offending pairs a message lists before "and N more". */
#define PAIRS_NAMED 6
#define PI 3.14159265358979323846

/* One group of linked inputs and the Cholesky factor of its block of R. */
struct group {
	int size;
	int *inputs;       /* [size], ascending */
	double *factor;    /* packed lower triangle: row i starts at i (i + 1) / 2 */
};

struct copula {
	int count;         /* inputs */
	int groups;
	struct group *group;
};

double copula_pearson(double rank)
{
	return 2.0 * sin(PI * rank / 6.0);
}

static int find_root(int *parent, int i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* Packed lower triangle's entry (i, j), j <= i. */
static size_t packed(int i, int j)
{
	return (size_t)i * (size_t)(i + 1) / 2 + (size_t)j;
}

int copula_eigen(double *a, int n, double *values, double *vectors)
{
	if (vectors != NULL)
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				vectors[(size_t)i * n + j] = i == j;
	for (int sweep = 0; sweep < JACOBI_SWEEPS; sweep++) {
		double off = 0.0, diag = 0.0;
		for (int i = 0; i < n; i++) {
			diag += a[(size_t)i * n + i] * a[(size_t)i * n + i];
			for (int j = i + 1; j < n; j++)
				off += a[(size_t)i * n + j] * a[(size_t)i * n + j];
		}
		if (off <= 1e-32 * diag || off == 0.0)
			break;
		for (int p = 0; p < n; p++) {
			for (int q = p + 1; q < n; q++) {
				double apq = a[(size_t)p * n + q];
				if (apq == 0.0)
					continue;
				double app = a[(size_t)p * n + p], aqq = a[(size_t)q * n + q];
				/* the rotation that zeroes a_pq (Rutishauser's stable form) */
				double theta = (aqq - app) / (2.0 * apq);
				double t = (theta >= 0.0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
				double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
				for (int k = 0; k < n; k++) {
					double akp = a[(size_t)k * n + p], akq = a[(size_t)k * n + q];
					a[(size_t)k * n + p] = c * akp - s * akq;
					a[(size_t)k * n + q] = s * akp + c * akq;
				}
				for (int k = 0; k < n; k++) {
					double apk = a[(size_t)p * n + k], aqk = a[(size_t)q * n + k];
					a[(size_t)p * n + k] = c * apk - s * aqk;
					a[(size_t)q * n + k] = s * apk + c * aqk;
				}
				a[(size_t)p * n + q] = a[(size_t)q * n + p] = 0.0;
				if (vectors != NULL) {
					for (int k = 0; k < n; k++) {
						double vkp = vectors[(size_t)k * n + p];
						double vkq = vectors[(size_t)k * n + q];
						vectors[(size_t)k * n + p] = c * vkp - s * vkq;
						vectors[(size_t)k * n + q] = s * vkp + c * vkq;
					}
				}
			}
		}
	}
	/* ascending, the eigenvectors' columns alongside (selection sort: n is small) */
	for (int i = 0; i < n; i++)
		values[i] = a[(size_t)i * n + i];
	for (int i = 0; i < n; i++) {
		int least = i;
		for (int j = i + 1; j < n; j++)
			if (values[j] < values[least])
				least = j;
		if (least == i)
			continue;
		double swap = values[i];
		values[i] = values[least];
		values[least] = swap;
		if (vectors != NULL) {
			for (int k = 0; k < n; k++) {
				swap = vectors[(size_t)k * n + i];
				vectors[(size_t)k * n + i] = vectors[(size_t)k * n + least];
				vectors[(size_t)k * n + least] = swap;
			}
		}
	}
	return 0;
}

/*
 * The Cholesky factor of R (M x M, row-major) into FACTOR (packed). With
 * CLAMP, a pivot that rounding took to zero or below gives a zero column
 * (R positive semi-definite); without, it fails. Returns 0, or -1.
 */
static int cholesky(const double *r, int m, double *factor, int clamp)
{
	for (int i = 0; i < m; i++) {
		for (int j = 0; j <= i; j++) {
			double sum = r[(size_t)i * m + j];
			for (int k = 0; k < j; k++)
				sum -= factor[packed(i, k)] * factor[packed(j, k)];
			if (i == j) {
				if (!(sum > 0.0)) {
					if (!clamp)
						return -1;
					sum = 0.0;
				}
				factor[packed(i, i)] = sqrt(sum);
			} else {
				double pivot = factor[packed(j, j)];
				factor[packed(i, j)] = pivot > 0.0 ? sum / pivot : 0.0;
			}
		}
	}
	return 0;
}

struct offender {
	int pair;
	double pull;       /* 2 v_j v_k R_jk: below zero, it lowers v' R v */
};

static int by_pull(const void *a, const void *b)
{
	const struct offender *x = a, *y = b;
	if (x->pull != y->pull)
		return x->pull < y->pull ? -1 : 1;
	return x->pair - y->pair;
}

/* The error for a group whose R is not positive definite: the pairs that
 * pull its smallest eigenvalue LEAST down (eigenvector V over the group's
 * inputs, POSITION mapping an input to its place in the group). */
static void refuse(const struct copula_pair *pairs, int pair_count, const int *root_of,
		   int root, const int *position, const double *v, double least,
		   const char *const *names, struct diag *d)
{
	struct offender *list = malloc((size_t)pair_count * sizeof *list);
	if (list == NULL) {
		diag_no_memory(d, "explaining a correlation matrix");
		return;
	}
	int listed = 0;
	for (int p = 0; p < pair_count; p++) {
		if (root_of[pairs[p].j] != root)
			continue;
		double pull = 2.0 * v[position[pairs[p].j]] * v[position[pairs[p].k]] *
			      copula_pearson(pairs[p].rank);
		if (pull < 0.0)
			list[listed++] = (struct offender){p, pull};
	}
	qsort(list, (size_t)listed, sizeof *list, by_pull);
	char text[1024] = "";
	size_t used = 0;
	for (int i = 0; i < listed && i < PAIRS_NAMED; i++) {
		const struct copula_pair *pair = &pairs[list[i].pair];
		char rank[32];
		diag_format_number(pair->rank, rank, sizeof rank);
		int n = snprintf(text + used, sizeof text - used, "%s%s and %s (rank %s)",
				 i == 0 ? "" : "; ", names[pair->j], names[pair->k], rank);
		if (n < 0 || (size_t)n >= sizeof text - used)
			break;
		used += (size_t)n;
	}
	if (listed > PAIRS_NAMED && used < sizeof text)
		snprintf(text + used, sizeof text - used, "; and %d more pairs", listed - PAIRS_NAMED);
	char eigen[32];
	diag_format_number(least, eigen, sizeof eigen);
	const struct copula_pair *first = listed > 0 ? &pairs[list[0].pair] : NULL;
	diag_add_at(d, DIAG_INPUT, first != NULL ? first->file : NULL, first != NULL ? first->line : 0,
		    "correlation: these rank correlations cannot hold together: %s: the matrix "
		    "they make is not positive definite (its smallest eigenvalue is %s); weaken "
		    "the strongest of them",
		    listed > 0 ? text : "(every pair of the group)", eigen);
	free(list);
}

/* The group of inputs MEMBERS (ascending): its block of R, its factor, and
 * its refusal when R is not positive definite. Returns 0, 1 (refused) or
 * -1 (no memory). */
static int factor_group(struct group *g, const struct copula_pair *pairs, int pair_count,
			const int *root_of, int root, int *position, const char *const *names,
			struct diag *d)
{
	int m = g->size;
	double *r = calloc((size_t)m * (size_t)m, sizeof *r);
	g->factor = malloc(packed(m, 0) * sizeof *g->factor);
	if (r == NULL || g->factor == NULL) {
		free(r);
		return -1;
	}
	for (int i = 0; i < m; i++) {
		position[g->inputs[i]] = i;
		r[(size_t)i * m + i] = 1.0;
	}
	for (int p = 0; p < pair_count; p++) {
		if (root_of[pairs[p].j] != root)
			continue;
		int a = position[pairs[p].j], b = position[pairs[p].k];
		r[(size_t)a * m + b] = r[(size_t)b * m + a] = copula_pearson(pairs[p].rank);
	}
	int status = 0;
	if (cholesky(r, m, g->factor, 0) != 0) {
		/* not positive definite, or only by rounding: ask the eigenvalues */
		double *a = malloc((size_t)m * (size_t)m * sizeof *a);
		double *values = malloc((size_t)m * sizeof *values);
		double *vectors = malloc((size_t)m * (size_t)m * sizeof *vectors);
		if (a == NULL || values == NULL || vectors == NULL) {
			status = -1;
		} else {
			memcpy(a, r, (size_t)m * (size_t)m * sizeof *a);
			copula_eigen(a, m, values, vectors);
			if (values[0] >= -COPULA_ROUNDING) {
				cholesky(r, m, g->factor, 1);
			} else {
				double *v = values; /* reuse: the least eigenvalue's vector */
				double least = values[0];
				for (int i = 0; i < m; i++)
					v[i] = vectors[(size_t)i * m];
				refuse(pairs, pair_count, root_of, root, position, v, least, names, d);
				status = 1;
			}
		}
		free(a);
		free(values);
		free(vectors);
	}
	free(r);
	return status;
}

/* The checks of each pair alone: rank, self-pairing, repetition. */
static int check_pairs(int count, const char *const *names, const struct copula_pair *pairs,
		       int pair_count, struct diag *d)
{
	int errors = 0;
	for (int p = 0; p < pair_count; p++) {
		const struct copula_pair *pair = &pairs[p];
		if (pair->j < 0 || pair->j >= count || pair->k < 0 || pair->k >= count) {
			diag_add_at(d, DIAG_INPUT, pair->file, pair->line,
				    "correlation: a pair names an input that does not exist");
			errors++;
			continue;
		}
		if (!(pair->rank >= -1.0 && pair->rank <= 1.0)) {
			char rank[32];
			diag_format_number(pair->rank, rank, sizeof rank);
			diag_add_at(d, DIAG_INPUT, pair->file, pair->line,
				    "correlation: rank = %s between %s and %s lies outside [-1, 1]; "
				    "a rank correlation is between -1 and 1",
				    rank, names[pair->j], names[pair->k]);
			errors++;
		}
		if (pair->j == pair->k) {
			diag_add_at(d, DIAG_INPUT, pair->file, pair->line,
				    "correlation: %s is paired with itself; name two different inputs",
				    names[pair->j]);
			errors++;
		}
	}
	if (errors > 0)
		return errors;
	/* a pair given twice, in either order: sort the pairs' keys */
	struct key {
		int lo, hi, pair;
	} *sorted = malloc((size_t)pair_count * sizeof *sorted);
	if (sorted == NULL && pair_count > 0)
		return -1;
	for (int p = 0; p < pair_count; p++) {
		int j = pairs[p].j, k = pairs[p].k;
		sorted[p] = (struct key){j < k ? j : k, j < k ? k : j, p};
	}
	/* insertion sort keeps the first-written pair first among equals */
	for (int i = 1; i < pair_count; i++) {
		struct key key = sorted[i];
		int at = i;
		while (at > 0 && (sorted[at - 1].lo > key.lo ||
				  (sorted[at - 1].lo == key.lo && sorted[at - 1].hi > key.hi))) {
			sorted[at] = sorted[at - 1];
			at--;
		}
		sorted[at] = key;
	}
	int run = 0; /* the first of the current run of equal keys */
	for (int i = 1; i < pair_count; i++) {
		if (sorted[i].lo != sorted[run].lo || sorted[i].hi != sorted[run].hi) {
			run = i;
			continue;
		}
		const struct copula_pair *first = &pairs[sorted[run].pair];
		const struct copula_pair *again = &pairs[sorted[i].pair];
		char where[256];
		if (first->file != NULL && (again->file == NULL || strcmp(first->file, again->file) != 0))
			snprintf(where, sizeof where, "%s:%d", first->file, first->line);
		else
			snprintf(where, sizeof where, "line %d", first->line);
		diag_add_at(d, DIAG_INPUT, again->file, again->line,
			    "correlation: the pair %s and %s is given twice (first at %s); "
			    "give each pair one rank",
			    names[again->j], names[again->k], where);
		errors++;
	}
	free(sorted);
	return errors;
}

void copula_free(struct copula *c)
{
	if (c == NULL)
		return;
	for (int g = 0; c->group != NULL && g < c->groups; g++) { /* NULL: out of memory making it */
		free(c->group[g].inputs);
		free(c->group[g].factor);
	}
	free(c->group);
	free(c);
}

int copula_new(struct copula **out, int count, const char *const *names,
	       const struct copula_pair *pairs, int pair_count, struct diag *d)
{
	*out = NULL;
	int checked = check_pairs(count, names, pairs, pair_count, d);
	if (checked < 0) {
		diag_no_memory(d, "checking the correlations");
		return -1;
	}
	if (checked > 0)
		return -1;
	struct copula *c = calloc(1, sizeof *c);
	int *root_of = malloc((size_t)(count > 0 ? count : 1) * sizeof *root_of);
	int *size = calloc((size_t)(count > 0 ? count : 1), sizeof *size);
	int *position = malloc((size_t)(count > 0 ? count : 1) * sizeof *position);
	int status = 0, refused = 0;
	if (c == NULL || root_of == NULL || size == NULL || position == NULL)
		goto no_memory;
	c->count = count;
	for (int i = 0; i < count; i++)
		root_of[i] = i;
	for (int p = 0; p < pair_count; p++) {
		int a = find_root(root_of, pairs[p].j), b = find_root(root_of, pairs[p].k);
		if (a != b)
			root_of[a > b ? a : b] = a < b ? a : b; /* the least input leads */
	}
	for (int i = 0; i < count; i++) {
		root_of[i] = find_root(root_of, i);
		size[root_of[i]]++;
	}
	for (int i = 0; i < count; i++)
		if (root_of[i] == i && size[i] > 1)
			c->groups++;
	c->group = calloc((size_t)(c->groups > 0 ? c->groups : 1), sizeof *c->group);
	if (c->group == NULL)
		goto no_memory;
	int next = 0;
	for (int root = 0; root < count; root++) {
		if (root_of[root] != root || size[root] < 2)
			continue;
		struct group *g = &c->group[next++];
		if (size[root] > LIMIT_COPULA_GROUP) {
			const struct copula_pair *first = NULL;
			for (int p = 0; p < pair_count && first == NULL; p++)
				if (root_of[pairs[p].j] == root)
					first = &pairs[p];
			diag_add_at(d, DIAG_INPUT, first->file, first->line,
				    "correlation: %d inputs are linked by correlations, at most %d "
				    "may be (one group of inputs whose ranks are given together)",
				    size[root], LIMIT_COPULA_GROUP);
			refused = 1;
			continue;
		}
		g->inputs = malloc((size_t)size[root] * sizeof *g->inputs);
		if (g->inputs == NULL)
			goto no_memory;
		for (int i = root; i < count; i++)
			if (root_of[i] == root)
				g->inputs[g->size++] = i;
		int factored = factor_group(g, pairs, pair_count, root_of, root, position, names, d);
		if (factored < 0)
			goto no_memory;
		if (factored > 0)
			refused = 1;
	}
	if (refused) {
		status = -1;
		copula_free(c);
		c = NULL;
	}
	free(root_of);
	free(size);
	free(position);
	*out = c;
	return status;
no_memory:
	diag_no_memory(d, "preparing the correlations");
	copula_free(c);
	free(root_of);
	free(size);
	free(position);
	return -1;
}

void copula_apply(const struct copula *c, double *z)
{
	for (int gi = 0; gi < c->groups; gi++) {
		const struct group *g = &c->group[gi];
		/* from the last row up: row i reads the scores of rows <= i, not yet replaced */
		for (int i = g->size - 1; i >= 0; i--) {
			const double *row = &g->factor[packed(i, 0)];
			double x = 0.0;
			for (int j = 0; j <= i; j++)
				x += row[j] * z[g->inputs[j]];
			z[g->inputs[i]] = x;
		}
	}
}

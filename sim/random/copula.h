/*
 * copula: the Gaussian copula that correlates uncertain inputs by their
 * Spearman rank correlations (docs/model.md, uncertain inputs).
 *
 * Each pair (j, k) given a rank correlation rho contributes
 * R_jk = 2 sin(pi rho / 6) to the matrix R, which has ones on the diagonal
 * and 0 elsewhere; the inputs' independent standard normal scores Z become
 * X = L Z, L the Cholesky factor of R, so that U_k = Phi(X_k) has rank
 * correlation rho with U_j. Inputs no pair links are left alone, and each
 * group of linked inputs is factored by itself (R is block-diagonal: the
 * same L, with less work).
 *
 * R must be positive definite: otherwise the error names the pairs that
 * pull its smallest eigenvalue below zero, and that eigenvalue. A matrix
 * singular only by rounding (rank = 1 between inputs: R_jk rounds to
 * 1 - 2^-53, and three such inputs may round a pivot below zero) is
 * accepted, its smallest eigenvalue being within COPULA_ROUNDING of zero.
 */
#ifndef CCSIM_COPULA_H
#define CCSIM_COPULA_H

#include "ccsim_limits.h"
#include "diag.h"

/* How far below zero rounding may take R's smallest eigenvalue. */
#define COPULA_ROUNDING 1e-12

/* One correlation: inputs J and K (0-based, J != K) with Spearman RANK,
 * written at FILE:LINE (FILE NULL: the diag's own file). */
struct copula_pair {
	int j, k;
	double rank;
	const char *file;
	int line;
};

struct copula;

/* The Pearson correlation of the normal scores for Spearman RANK:
 * 2 sin(pi rank / 6). */
double copula_pearson(double rank);

/*
 * The copula of COUNT inputs called NAMES (for messages) under PAIRS.
 * Each problem is an input error at its pair's FILE:LINE: a rank outside
 * [-1, 1] or not finite, an input paired with itself, a pair given twice
 * (either order), a group past LIMIT_COPULA_GROUP, R not positive definite.
 * Returns 0 and *OUT, or -1 (*OUT NULL; out of memory is DIAG_NO_MEMORY).
 */
int copula_new(struct copula **out, int count, const char *const *names,
	       const struct copula_pair *pairs, int pair_count, struct diag *d);

void copula_free(struct copula *c);

/* X = L Z in place: Z holds the COUNT inputs' independent standard normal
 * scores, and then their correlated ones. Read-only on C: threads share it. */
void copula_apply(const struct copula *c, double *z);

/*
 * The eigenvalues of the symmetric N x N matrix A (row-major; destroyed)
 * by cyclic Jacobi rotations, in VALUES (ascending), and, when VECTORS is
 * not NULL, the unit eigenvectors in its columns (N x N, row-major).
 * Returns 0, or -1 when memory ran out.
 */
int copula_eigen(double *a, int n, double *values, double *vectors);

#endif

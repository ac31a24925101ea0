/*
 * pooling: the Beta prior that best explains how a rate differs between
 * districts (empirical Bayes). District i of a category saw
 * k_i successes (fixes, or rebounds) in n_i trials (open problems, or last
 * week's fixes); with r_i ~ Beta(a, b), its counts are beta-binomial and
 * the log marginal likelihood, up to the binomial coefficients (which do
 * not depend on a and b), is
 *     L(a, b) = sum_i log B(a + k_i, b + n_i - k_i) - log B(a, b).
 * pooling_fit maximises L over a, b >= POOLING_MIN.
 *
 * How: in the mean m = a / (a + b) and the concentration s = a + b, L is
 * concave in m for each s (each term is a sum of logarithms of linear
 * functions of m), so the best m for a given s is found by Newton's method;
 * the best s is the root of the derivative of that profile (the envelope
 * theorem gives it from the same sums), located on a grid of log s and
 * refined by the Illinois method. When the districts agree more closely
 * than binomial noise allows, L grows all the way to s = infinity: s is
 * then capped at the category's total number of trials.
 */
#ifndef CCSIM_POOLING_H
#define CCSIM_POOLING_H

#include <stdint.h>

/* The least a or b the fit may choose (a category whose districts fixed
 * nothing at all would otherwise drive a to 0). */
#define POOLING_MIN 1e-3

struct pooling_fit {
	double alpha, beta;
	double log_likelihood;  /* L(alpha, beta) */
	int districts;          /* districts with at least one trial */
	int64_t successes, trials;
	int capped;             /* alpha + beta is the cap: the likelihood grows without bound */
	int fitted;             /* 0: no trials, alpha and beta are the default prior's */
};

/* L(a, b) over the COUNT districts' K[i] successes in N[i] trials. */
double pooling_log_likelihood(const int64_t *k, const int64_t *n, int count, double a, double b);

/* The maximum-likelihood prior, or (DEFAULT_A, DEFAULT_B) when no district
 * has a trial. */
void pooling_fit(const int64_t *k, const int64_t *n, int count, double default_a, double default_b,
		 struct pooling_fit *fit);

#endif

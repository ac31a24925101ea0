/*
 * runner: many replications over OpenMP threads, reduced in a fixed order so
 * that the result does not depend on the thread count.
 *
 * Replications are cut into chunks of RUNNER_CHUNK consecutive indices; each
 * chunk is tallied by one thread from scratch and the chunks are merged in
 * index order. Memory holds a few chunks per thread, whatever the number of
 * replications.
 *
 * Under MPI the chunks of a round are dealt out to the processes too.
 *
 * Several variants of a scenario run in lockstep: replication i of every
 * variant draws the same random numbers (common random numbers), and each
 * variant is paired with the first, replication by replication.
 */
#ifndef CCSIM_RUNNER_H
#define CCSIM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "diag.h"
#include "replication.h"
#include "scenario.h"
#include "tally.h"

#define RUNNER_CHUNK 256
/* --precision looks at the intervals only every this many chunks, so that
 * where a run stops does not depend on the thread count. */
#define RUNNER_CHECKPOINT_CHUNKS 16

struct run_options {
	uint64_t seed;
	int64_t replications;    /* the number to run, or the most with precision */
	/* The first replication's index (0 unless a run continues another, or
	 * must share no index with one): replications first .. first + n - 1. */
	uint64_t first;
	int threads;             /* >= 1 */
	double precision;        /* > 0: stop once the 95 % half-width is at most this */
	const struct week_hooks *hooks; /* run_simulation: NULL for no week hooks */
	/* When *STOP becomes nonzero (a signal handler sets it), every thread
	 * stops at its next replication and the result is marked incomplete. */
	volatile sig_atomic_t *stop;
	/* Called by the calling thread after each round with the replications
	 * merged so far and the most there will be (may be NULL). */
	void (*progress)(void *context, int64_t done, int64_t total);
	void *progress_context;
	/* The processes that share the replications (NULL: this one alone).
	 * Each runs its share of every round's chunks; the chunks' tallies are
	 * exchanged and every process merges all of them in index order, so
	 * that every process holds the same result as a single one would. */
	struct cluster *cluster;
	/* run_variants: when not NULL, the caller's N x replications bytes, and
	 * PASSES[v * replications + (i - first)] becomes 1 when variant v passes
	 * replication i, else 0; TOTALS (when not NULL) the same place gets its
	 * Total (optimize pairs any two variants exactly, whatever their runs). */
	unsigned char *passes;
	double *totals;
};

/* What run_simulation and run_variants return (the command line maps them
 * to exit statuses: cli_exit_status). When another process of the job
 * failed, they return its status. */
enum run_status {
	RUN_OK = 0,
	RUN_NO_MEMORY = 1,
	RUN_PLUGIN_FAILED = 2
};

struct run_result {
	struct tally *tally;
	struct histogram *histogram;
	uint64_t seed;
	int64_t replications;    /* run */
	int threads;
	int processes;
	double seconds;
	int complete;            /* 0 when stopped early by options->stop */
	/* With precision (options->precision > 0; else all 0): the half-width
	 * asked for, the one reached (for variants the widest pairing's) and
	 * whether it was reached before the replications ran out. */
	double precision;
	double half_width;
	int precision_reached;
};

/* One variant: a scenario with its policies. */
struct run_variant {
	const struct scenario *scenario;
	const struct week_hooks *hooks; /* NULL: no week hooks */
};

/* A variant against the first, replication by replication. */
struct pairing {
	int64_t n;
	int64_t only_variant;          /* the variant passes, the first fails */
	int64_t only_first;            /* the first passes, the variant fails */
	struct moments pass_difference;  /* pass(variant) - pass(first) */
	struct moments total_difference; /* Total(variant) - Total(first) */
};

/*
 * Runs the replications 0 .. replications-1 of S (fewer with precision:
 * until the Wilson half-width of P(pass) is at most options->precision).
 * Returns RUN_OK and fills OUT (release with run_result_free), or another
 * status with the reason added to D (a plugin's error as the plugin's
 * entry, its message ending "(replication N)"); when several replications
 * fail, the one with the lowest index speaks, whatever the thread count.
 */
int run_simulation(const struct scenario *s, const struct run_options *options,
		   struct run_result *out, struct diag *d);

/*
 * Runs N variants in lockstep into RESULTS[N] and PAIRINGS[N] (entry 0
 * unused). With precision, stops once every pairing's half-width of the
 * difference in P(pass) is at most options->precision (for one variant:
 * its Wilson half-width). options->hooks is ignored: each variant has its
 * own.
 */
int run_variants(const struct run_variant *variants, int n, const struct run_options *options,
		 struct run_result *results, struct pairing *pairings, struct diag *d);

void run_result_free(struct run_result *r);

/* Adds FROM's replications (another range of the same variants) to INTO. */
void pairing_merge(struct pairing *into, const struct pairing *from);

/* Half-width of the 95 % normal interval of a mean difference. */
double pairing_half_width(const struct moments *m, int64_t n);

#endif

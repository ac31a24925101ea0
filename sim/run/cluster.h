/*
 * cluster: the processes of one ccsim job. Under MPI (the CCSIM_MPI build,
 * started by mpirun or srun) every process runs the same command on its share
 * of the work and process 0 alone prints and writes; without MPI the job is
 * this one process and every call below is trivial.
 *
 * Every process makes the same calls in the same order. A sequence of calls
 * that share data starts with cluster_agree, so that a process that failed
 * on its own (a file missing on its node, memory) and went on to
 * cluster_finish meets the others there: they all learn of it, and the job
 * ends with its status and its message instead of waiting forever.
 */
#ifndef CCSIM_CLUSTER_H
#define CCSIM_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct cluster;

/*
 * Joins the job (MPI_Init with funnelled threads: only the calling thread
 * calls MPI). In processes other than 0, standard output is discarded and
 * standard error is kept aside, to become the message of a failure.
 * Returns NULL when out of memory.
 */
struct cluster *cluster_start(int *argc, char ***argv);

/*
 * Ends the job for this process with STATUS (an exit status); returns the
 * exit status to use: a failed process's, the lowest-numbered one's, when
 * any failed. Process 0 prints a failed peer's message. Frees C.
 */
int cluster_finish(struct cluster *c, int status);

int cluster_rank(const struct cluster *c);
int cluster_size(const struct cluster *c);

/* 1 in the process that prints and writes (process 0). */
int cluster_writes(const struct cluster *c);

/*
 * Every process gives its STATUS (0 for success, else cluster_status_of its
 * failure's kind, which is its exit status) and,
 * when it failed, WHY (NULL: the last of what it wrote to stderr); returns 0 when all succeeded, else the status of the lowest-numbered
 * process that failed, with "process K of N failed:" and its message in
 * MESSAGE when that process is another one.
 */
int cluster_agree(struct cluster *c, int status, const char *why, char *message, size_t size);

/*
 * A failure's kind as the code it travels as between processes, and back.
 * The codes are the command line's exit statuses (2 input, 3 plugin, 1
 * memory or system) because a process that failed before its command's
 * work ends in cluster_finish with its exit status, and meets there the
 * agreements the other processes reach in the middle of the command.
 */
static inline int cluster_status_of(enum diag_kind kind)
{
	return kind == DIAG_WARNING ? 0 : kind == DIAG_INPUT ? 2 : kind == DIAG_PLUGIN ? 3 : 1;
}

static inline enum diag_kind cluster_kind_of(int status)
{
	return status == 2 ? DIAG_INPUT : status == 3 ? DIAG_PLUGIN : DIAG_SYSTEM;
}

/* The same fixed-size block from every process: ALL[rank * SIZE ..] = MINE. */
void cluster_share(const struct cluster *c, const void *mine, size_t size, void *all);

/*
 * Blocks of varied sizes: process r gives SIZES[r] bytes (every process
 * knows every size); ALL receives them in rank order.
 */
void cluster_share_varied(const struct cluster *c, const void *mine, const size_t *sizes, void *all);

/* Sums VALUES[N] over the processes, in every process (exact: integers). */
void cluster_sum(const struct cluster *c, uint64_t *values, size_t n);

#endif

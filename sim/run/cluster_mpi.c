/* cluster over MPI (Open MPI): one process per rank of MPI_COMM_WORLD. */
#include "cluster.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MESSAGE_SIZE 480
/* Processes whose blocks cluster_share_varied gathers in one call, its
 * counts on the stack (2 KiB); a larger job broadcasts block by block. */
#define SHARE_RANKS_MAX 256

struct cluster {
	int rank, size;
	int settled;        /* an agreement found a failure: every process knows */
	FILE *kept_errors;  /* processes but 0: what they wrote to stderr */
};

/* What each process brings to an agreement. */
struct verdict {
	int32_t status;
	char message[MESSAGE_SIZE];
};

/* Sends this process's standard output nowhere and keeps its standard
 * error aside (processes but 0). */
static void quieten(struct cluster *c)
{
	fflush(stdout);
	fflush(stderr);
	FILE *null = fopen("/dev/null", "w");
	if (null != NULL) {
		dup2(fileno(null), STDOUT_FILENO);
		fclose(null);
	}
	c->kept_errors = tmpfile();
	if (c->kept_errors != NULL)
		dup2(fileno(c->kept_errors), STDERR_FILENO);
}

/* The last of what this process wrote to stderr. */
static void kept_message(const struct cluster *c, int status, char *out, size_t size)
{
	snprintf(out, size, "exit status %d", status);
	if (c->kept_errors == NULL)
		return;
	fflush(stderr);
	long end = lseek(STDERR_FILENO, 0, SEEK_END);
	long start = end > (long)size - 1 ? end - (long)size + 1 : 0;
	ssize_t got = pread(STDERR_FILENO, out, size - 1, start);
	if (got <= 0)
		return; /* nothing read: "exit status N" stays */
	out[got] = '\0';
	while (got > 0 && out[got - 1] == '\n')
		out[--got] = '\0';
}

struct cluster *cluster_start(int *argc, char ***argv)
{
	struct cluster *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	int provided;
	MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
	MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &c->size);
	if (c->rank != 0)
		quieten(c);
	return c;
}

int cluster_finish(struct cluster *c, int status)
{
	if (!c->settled) {
		char message[MESSAGE_SIZE + 64];
		int agreed = cluster_agree(c, status, NULL, message, sizeof message);
		if (c->rank == 0 && status == 0 && agreed != 0)
			fprintf(stderr, "ccsim: %s\n", message);
		status = agreed;
	}
	if (c->kept_errors != NULL)
		fclose(c->kept_errors);
	MPI_Finalize();
	free(c);
	return status;
}

int cluster_rank(const struct cluster *c)
{
	return c->rank;
}

int cluster_size(const struct cluster *c)
{
	return c->size;
}

int cluster_writes(const struct cluster *c)
{
	return c->rank == 0;
}

int cluster_agree(struct cluster *c, int status, const char *why, char *message, size_t size)
{
	struct verdict mine = {.status = status};
	if (status != 0 && why != NULL && why[0] != '\0')
		snprintf(mine.message, sizeof mine.message, "%s", why);
	else if (status != 0)
		kept_message(c, status, mine.message, sizeof mine.message);
	/* the lowest-numbered process that failed tells the others its verdict
	 * (no memory needed: an agreement must happen when memory has run out) */
	int first = status != 0 ? c->rank : c->size;
	MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (size > 0)
		message[0] = '\0';
	if (first == c->size)
		return 0;
	MPI_Bcast(&mine, (int)sizeof mine, MPI_BYTE, first, MPI_COMM_WORLD);
	if (first != c->rank && size > 0) {
		mine.message[MESSAGE_SIZE - 1] = '\0';
		snprintf(message, size, "process %d of %d failed:\n%s", first + 1, c->size,
			 mine.message);
	}
	c->settled = 1;
	return mine.status;
}

void cluster_share(const struct cluster *c, const void *mine, size_t size, void *all)
{
	if (size > INT_MAX)
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Allgather(mine, (int)size, MPI_BYTE, all, (int)size, MPI_BYTE, MPI_COMM_WORLD);
	(void)c;
}

void cluster_share_varied(const struct cluster *c, const void *mine, const size_t *sizes, void *all)
{
	size_t at = 0;
	for (int r = 0; r < c->size; r++) {
		if (sizes[r] > INT_MAX || at > INT_MAX)
			MPI_Abort(MPI_COMM_WORLD, 1);
		at += sizes[r];
	}
	/* Every process knows every size, so all take the same branch. */
	if (c->size > SHARE_RANKS_MAX) {
		/* no room for the counts without memory: one broadcast a process */
		at = 0;
		for (int r = 0; r < c->size; r++) {
			unsigned char *block = (unsigned char *)all + at;
			if (r == c->rank)
				memmove(block, mine, sizes[r]);
			MPI_Bcast(block, (int)sizes[r], MPI_BYTE, r, MPI_COMM_WORLD);
			at += sizes[r];
		}
		return;
	}
	int counts[SHARE_RANKS_MAX], offsets[SHARE_RANKS_MAX];
	at = 0;
	for (int r = 0; r < c->size; r++) {
		counts[r] = (int)sizes[r];
		offsets[r] = (int)at;
		at += sizes[r];
	}
	MPI_Allgatherv(mine, counts[c->rank], MPI_BYTE, all, counts, offsets, MPI_BYTE, MPI_COMM_WORLD);
}

void cluster_sum(const struct cluster *c, uint64_t *values, size_t n)
{
	(void)c;
	for (size_t done = 0; done < n;) {
		int count = n - done > INT_MAX ? INT_MAX : (int)(n - done);
		MPI_Allreduce(MPI_IN_PLACE, values + done, count, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
		done += (size_t)count;
	}
}

/* cluster without MPI: the job is this one process. */
#include "cluster.h"

#include <stdlib.h>
#include <string.h>

struct cluster {
	int unused;
};

struct cluster *cluster_start(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return calloc(1, sizeof(struct cluster));
}

int cluster_finish(struct cluster *c, int status)
{
	free(c);
	return status;
}

int cluster_rank(const struct cluster *c)
{
	(void)c;
	return 0;
}

int cluster_size(const struct cluster *c)
{
	(void)c;
	return 1;
}

int cluster_writes(const struct cluster *c)
{
	(void)c;
	return 1;
}

int cluster_agree(struct cluster *c, int status, const char *why, char *message, size_t size)
{
	(void)c;
	(void)why;
	if (size > 0)
		message[0] = '\0';
	return status;
}

void cluster_share(const struct cluster *c, const void *mine, size_t size, void *all)
{
	(void)c;
	memmove(all, mine, size);
}

void cluster_share_varied(const struct cluster *c, const void *mine, const size_t *sizes, void *all)
{
	(void)c;
	memmove(all, mine, sizes[0]);
}

void cluster_sum(const struct cluster *c, uint64_t *values, size_t n)
{
	(void)c;
	(void)values;
	(void)n;
}

/*
 * campaign: the weekly dynamics of docs/model.md 3.1 for every cell of a
 * replication, and what the rest of the replication reads of them: each
 * cell's open problems at the inspection batches' weeks and the
 * rectification rate.
 *
 * Without week hooks a campaign runs a block of replications at once, cell
 * by cell: a cell runs every replication of the block before the next cell
 * starts, so its samplers and the tables its draws search stay in the
 * core's cache. Each cell draws from its own stream (seed, replication,
 * RNG_SUBSTREAM_CELLS + cell) in the order inventory_week draws: a
 * replication's numbers do not depend on the block it ran in, nor on
 * whether it ran in a block. With week hooks the replications run one at a
 * time, week by week over every cell, on struct inventory, the hooks'
 * view of the cells.
 */
#ifndef CCSIM_CAMPAIGN_H
#define CCSIM_CAMPAIGN_H

#include <stdint.h>

#include "inventory.h"
#include "scenario.h"

struct campaign;

/*
 * A campaign for S whose draws search TABLES (may be NULL: the same draws,
 * slower; both must outlive it), or NULL when out of memory. It holds the
 * results of up to campaign_capacity replications at once: as many as
 * LIMIT_CAMPAIGN_BLOCK_BYTES allow, at most CAMPAIGN_BLOCK, at least 1
 * (in 32 bits a value when no cell's O can reach 2^31).
 */
struct campaign *campaign_new(const struct scenario *s, struct inversion_tables *tables);
void campaign_free(struct campaign *c);

#define CAMPAIGN_BLOCK 256

int campaign_capacity(const struct campaign *c);

/*
 * Runs replications FIRST .. FIRST + COUNT - 1 of S under SEED, COUNT at
 * most the capacity; BATCH_WEEK[j * batches + b] is tau_b of replication
 * FIRST + j. Their results are then read with index j.
 */
void campaign_run_block(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t first, int count, const int *batch_week);

enum campaign_status {
	CAMPAIGN_OK = 0,
	CAMPAIGN_NO_MEMORY = -1,    /* for the hooks' view of the cells */
	CAMPAIGN_HOOK_STOPPED = -2  /* the hook returned nonzero */
};

/*
 * Runs replication INDEX of S alone into index 0, calling HOOK (CONTEXT,
 * SEED, INDEX, the week, the replication's inventories) after every week
 * (docs/model.md 5). Returns a campaign_status: a hook's stop at once.
 */
int campaign_run_hooked(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t index, const int *batch_week,
			int (*hook)(void *context, uint64_t seed, uint64_t replication, int week,
				    struct inventory *inventories),
			void *context);

/* O at batch B's week of cell K (district * categories + category) in result J. */
int64_t campaign_open(const struct campaign *c, int j, int b, size_t k);

/* Result J's rectified / (O0 + new) over all cells and weeks; 0 when both are 0. */
double campaign_rectification(const struct campaign *c, int j);

#endif

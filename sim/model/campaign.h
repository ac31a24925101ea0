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
 * whether it ran in a block. With week hooks a smaller block (up to
 * CAMPAIGN_HOOKED_BLOCK) runs up to the next week a replication's hook is
 * due (every week, unless the hooks asked for a later one), cell by cell,
 * then the hook is called for each replication due on its struct
 * inventory, the hooks' view of the cells.
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

/*
 * How a cell's value changes from one replication to the next, when an
 * uncertain input sets it (docs/model.md 3.12): the scenario's value in every
 * replication, one of a few values (a discrete input's: drawn from the
 * tables, kept for each value met), or a value seldom met twice (a
 * continuous input's: drawn without tables, varying.h).
 */
enum campaign_change { CAMPAIGN_FIXED, CAMPAIGN_FEW, CAMPAIGN_CONTINUOUS };

/* How each value of one cell changes (enum campaign_change). */
struct campaign_variation {
	unsigned char problems, rectify_rate, rebound, new_per_week;
};

/* One replication's values of a cell that varies (only the varying ones are read). */
struct campaign_values {
	int64_t problems;
	double rectify_rate, rebound, new_per_week;
};

/*
 * As campaign_new, for cells whose values VARIATION[cell] says vary (NULL:
 * none): before each run, campaign_values gives each such cell's values
 * for each replication of the run.
 */
struct campaign *campaign_new_varying(const struct scenario *s, struct inversion_tables *tables,
				      const struct campaign_variation *variation);

/* Where result J's values of cell K go before the run (NULL: K does not vary). */
struct campaign_values *campaign_values(struct campaign *c, int j, size_t k);

#define CAMPAIGN_BLOCK 256

int campaign_capacity(const struct campaign *c);

/*
 * Runs replications FIRST .. FIRST + COUNT - 1 of S under SEED, COUNT at
 * most the capacity; BATCH_WEEK[j * batches + b] is tau_b of replication
 * FIRST + j. Their results are then read with index j.
 */
void campaign_run_block(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t first, int count, const int *batch_week);

/*
 * Lets C copy, instead of drawing, each cell that draws alike in DONOR (a
 * campaign of another variant of the same run: the same O0 and rates, no
 * uncertain input varying it, the same weeks and inspection window) from
 * DONOR's last block, when that block is the very one C is asked to run:
 * each cell draws from its own stream (seed, replication, cell), so its
 * results are the same numbers. The runner's lanes run variant 0 of a
 * replication first: a variant differing from it in a few districts draws
 * only those. S and DONOR_S are their scenarios. Returns the number of
 * cells C takes (0: none alike, nothing shared), or -1 when out of memory.
 */
int campaign_share(struct campaign *c, const struct scenario *s, struct campaign *donor,
		   const struct scenario *donor_s);

enum campaign_status {
	CAMPAIGN_OK = 0,
	CAMPAIGN_NO_MEMORY = -1,    /* for the hooks' view of the cells */
	CAMPAIGN_HOOK_STOPPED = -2  /* the hook returned nonzero */
};

/* The replications a hooked block holds at most (fewer when its cells
 * would take more than CAMPAIGN_HOOKED_BYTES). */
#define CAMPAIGN_HOOKED_BLOCK 64
#define CAMPAIGN_HOOKED_BYTES ((size_t)3 << 19)

/* The most a hooked block may hold here: CAMPAIGN_HOOKED_BLOCK, or the
 * capacity or what fits CAMPAIGN_HOOKED_BYTES when smaller (at least 1). */
int campaign_hooked_capacity(const struct campaign *c);

/* What a hook returns to be called next after week N of its replication
 * (N after the week it was called for): CAMPAIGN_HOOK_LATER + N. */
#define CAMPAIGN_HOOK_LATER 0x40000000

/*
 * Runs replications FIRST .. FIRST + COUNT - 1 of S (COUNT at most
 * campaign_hooked_capacity) into indices 0 .. COUNT - 1, week by week:
 * each week every cell steps in every replication, then HOOK (CONTEXT,
 * SEED, the replication, the week, that replication's inventories: cell k's
 * at inventories[k * stride]) is
 * called for each replication in order (docs/model.md 5: a plugin keeps
 * nothing that changes between calls, so the calls of replications may
 * interleave). The hook returns 0 to be called after the next week,
 * CAMPAIGN_HOOK_LATER + N to be called next after week N (the weeks
 * before it then run cell by cell, while no replication's hook is due),
 * anything else to stop. BATCH_WEEK[j * batches + b] is tau_b of
 * replication FIRST + j. Each replication draws what it draws alone.
 * Returns a campaign_status: CAMPAIGN_HOOK_STOPPED when a hook stopped,
 * after the replications before the first to stop have run to their end
 * (campaign_hooked_done). A campaign that has run a hooked block runs
 * only hooked blocks from then on (it gives back the memory of the
 * unhooked block's results).
 */
int campaign_run_hooked(struct campaign *c, const struct scenario *s, uint64_t seed,
			uint64_t first, int count, const int *batch_week,
			int (*hook)(void *context, uint64_t seed, uint64_t replication, int week,
				    struct inventory *inventories, size_t stride),
			void *context);

/* The replications at the head of the last hooked block that ran to their
 * end: all of them, or those before the first whose hook stopped (the
 * others run on after a stop, so that the stop reported, the hook's last,
 * is the first replication's to stop, as when each runs alone). */
int campaign_hooked_done(const struct campaign *c);

/* O at batch B's week of cell K (district * categories + category) in result J. */
int64_t campaign_open(const struct campaign *c, int j, int b, size_t k);

/* Result J's rectified / (O0 + new) over all cells and weeks; 0 when both are 0. */
double campaign_rectification(const struct campaign *c, int j);

#endif

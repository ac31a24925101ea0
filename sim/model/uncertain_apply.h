/*
 * uncertain_apply: a replication's uncertain inputs (docs/model.md 3.12) set
 * into what it runs on, as if by --set.
 *
 * The scenario layer resolved each input's targets (the cells, districts or
 * entries it sets, and their values without uncertainty); this module draws
 * a block of replications' inputs at once (uncertain_draw: the values depend
 * on the seed and the replication alone), hands the cells' values to the
 * campaign for the weekly dynamics, and before each replication sets the
 * other values into a copy of the scenario that belongs to one workspace,
 * with the survey's respondents shared again when a population or the
 * respondents are uncertain. Nothing is resolved from a path per
 * replication.
 */
#ifndef CCSIM_UNCERTAIN_APPLY_H
#define CCSIM_UNCERTAIN_APPLY_H

#include <stdint.h>

#include "campaign.h"
#include "scenario.h"

struct uncertain_apply;

/*
 * The inputs of M's scenario (which must have some) for one workspace
 * drawing CAPACITY replications at a time. NULL when out of memory.
 */
struct uncertain_apply *uncertain_apply_new(const struct scenario_compiled *m, int capacity);
void uncertain_apply_free(struct uncertain_apply *a);

/*
 * Makes every replication run SETUP (CONTEXT its thread) on the scenario as
 * it was before setup (BEFORE) with the replication's inputs set: for
 * policies whose setup reads uncertain inputs (struct week_hooks). Then
 * every cell's values may change with the replication (campaign_new_varying
 * with uncertain_apply_all_vary), and one replication is drawn at a time.
 * Returns 0, or -1 when out of memory.
 */
int uncertain_apply_set_setup(struct uncertain_apply *a,
			      int (*setup)(void *context, struct scenario *s, uint64_t seed,
					   uint64_t replication),
			      void *context, const struct scenario *before);

/* Every value of every cell varies, from a continuous distribution. */
void uncertain_apply_all_vary(const struct scenario *s, struct campaign_variation *variation);

/* How each cell of S varies (VARIATION[district * categories + category]),
 * for campaign_new_varying: a discrete input's few values, or a continuous one's. */
void uncertain_apply_variation(const struct scenario *s, struct campaign_variation *variation);

/* Draws replication INDEX under SEED into slot J (J < capacity), and its
 * cells' values into result J of C; with setup, J is 0 and setup runs on
 * them. Returns 0, or -1 when setup failed (its hooks say why). */
int uncertain_apply_draw(struct uncertain_apply *a, uint64_t seed, uint64_t index, int j,
			 struct campaign *c);

/* Sets the workspace's scenario to slot J's values: 0, or -1 when memory
 * for the survey's shares ran out. */
int uncertain_apply_set(struct uncertain_apply *a, int j);

/* The scenario and compiled model a replication runs on (read them after
 * uncertain_apply_set). */
const struct scenario *uncertain_apply_scenario(const struct uncertain_apply *a);
const struct scenario_compiled *uncertain_apply_model(const struct uncertain_apply *a);

/* Slot J's drawn values (a relative input's multiplier) and uniforms U_k,
 * one per input, in the set's order. */
int uncertain_apply_count(const struct uncertain_apply *a);
const double *uncertain_apply_values(const struct uncertain_apply *a, int j);
const double *uncertain_apply_uniforms(const struct uncertain_apply *a, int j);

#endif

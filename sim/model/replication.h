/*
 * replication: one simulated campaign and assessment (docs/model.md section 3),
 * from the weekly dynamics to pass or fail.
 */
#ifndef CCSIM_REPLICATION_H
#define CCSIM_REPLICATION_H

#include <stddef.h>
#include <stdint.h>

#include "inventory.h"
#include "scenario.h"

struct diag;

/* The score components of docs/model.md 3.2-3.8, in report order. */
enum component {
	COMPONENT_FIELD,
	COMPONENT_MATERIALS,
	COMPONENT_SURVEY,
	COMPONENT_OVERALL,
	COMPONENT_BONUS,
	COMPONENT_NEGATIVE,
	COMPONENT_MINORS,
	COMPONENT_SATISFACTION,
	COMPONENT_COUNT
};

extern const char *const replication_component_names[COMPONENT_COUNT];

/* What one replication produced. Arrays are owned by the workspace. */
struct outcome {
	double component[COMPONENT_COUNT];
	double city;
	double year;
	double total;
	int survey_veto;
	int negative_veto;
	int minors_veto;
	int below_threshold;          /* threshold rule: Total < threshold */
	int outranked;                /* competition rule: slots or more rivals above */
	int pass;
	double rectification;         /* rectified / (O0 + new); 0 when both are 0 */
	double *district_points_lost; /* [D] field points lost at the district's sites */
	double *district_sites;       /* [D] sites inspected, over all batches */
	double *district_rank_last;   /* [D] its share of the last place (docs/model.md 3.10) */
	double *district_rank_bottom; /* [D] its share of the bottom k places */
	double *category_points_lost; /* [C] */
	/* the uncertain inputs' draws (docs/model.md 3.12): none without them */
	int n_uncertain;
	const double *uncertain_value;  /* [n_uncertain]: the value set, or a relative input's multiplier */
	const double *uncertain_u;      /* [n_uncertain]: U_k */
};

/* Everything one thread needs to run replications of one scenario. */
struct replication_workspace;

/* Returns a workspace for the compiled model M (scenario_compile), whose
 * weekly draws use TABLES (both must outlive it; TABLES may be NULL: the
 * same draws, slower), or NULL when out of memory. */
struct replication_workspace *replication_workspace_new_compiled(const struct scenario_compiled *m,
								 struct inversion_tables *tables);

/* As replication_workspace_new_compiled, compiling S for this workspace
 * alone (a run compiles once and shares the model among its threads). */
struct replication_workspace *replication_workspace_new(const struct scenario *s,
							struct inversion_tables *tables);
void replication_workspace_free(struct replication_workspace *w);

/* The outcome the last replication_run wrote. */
const struct outcome *replication_outcome(const struct replication_workspace *w);

/*
 * A week hook runs after every weekly step of the campaign (docs/model.md
 * 3.1) on the replication's INVENTORIES (cell k = district * categories +
 * category at [k * STRIDE]), which it may change. It returns 0 (call it after the next week),
 * CAMPAIGN_HOOK_LATER + N (call it next after week N), or anything else
 * to stop the replication (campaign_run_hooked).
 */
typedef int (*replication_week_hook_fn)(void *context, uint64_t seed, uint64_t replication, int week,
			 struct inventory *inventories, size_t stride);

/*
 * What a run calls on each of its threads around the week hooks (the plugin
 * host provides one; the runner knows nothing else of it).
 */
struct week_hooks {
	const void *context;
	/* Makes one thread's hook state: NULL with the reason added to D. */
	void *(*thread_start)(const void *context, struct diag *d);
	/* The week hook, called with the thread's state as its context. */
	replication_week_hook_fn week;
	/* Adds to D why the last week call of THREAD said stop (a plugin's
	 * error as the plugin's entry). */
	void (*thread_error)(const void *thread, struct diag *d);
	void (*thread_end)(void *thread);
	/*
	 * For policies whose setup reads uncertain inputs (docs/model.md 3.12;
	 * NULL: setup ran once for every replication): runs setup again on S,
	 * the scenario as it was before setup (BEFORE_SETUP) with a
	 * replication's inputs set. Returns 0, or nonzero (thread_error says
	 * why). WEEK is NULL when no policy has a week hook.
	 */
	int (*setup)(void *thread, struct scenario *s, uint64_t seed, uint64_t replication);
	const struct scenario *before_setup;
};

/* Sets the workspace's week hook (NULL: none). */
void replication_set_week_hook(struct replication_workspace *w, replication_week_hook_fn hook, void *context);

/*
 * Runs SETUP (CONTEXT its thread) in every replication, on the scenario as
 * it was before setup (BEFORE) with the replication's uncertain inputs set
 * (struct week_hooks). Returns 0, or -1 when out of memory.
 */
int replication_set_setup_hook(struct replication_workspace *w,
			       int (*setup)(void *context, struct scenario *s, uint64_t seed,
					    uint64_t replication),
			       void *context, const struct scenario *before);

/*
 * Lets W take the weekly dynamics of every cell that draws alike from
 * DONOR, a workspace of another variant that runs each replication first,
 * on the same thread (campaign_share): the same results. Call after the
 * hooks are set; a workspace with week hooks, or whose donor has them,
 * shares nothing. Returns the number of cells taken, or -1 when out of
 * memory.
 */
int replication_share(struct replication_workspace *w, struct replication_workspace *donor);

/* What replication_run returns. */
enum replication_status {
	REPLICATION_OK = 0,
	REPLICATION_NO_MEMORY = -1,  /* memory for a draw ran out */
	REPLICATION_HOOK_FAILED = -2 /* the week hook said stop */
};

/*
 * Says that replications FIRST .. LAST - 1 of SEED will be run next, in
 * order (a chunk of the runner): without a week hook the workspace then
 * runs their weekly dynamics in blocks, cell by cell, much faster than one
 * replication at a time. Outcomes are the same with or without it.
 */
void replication_expect(struct replication_workspace *w, uint64_t seed, uint64_t first,
			uint64_t last);

/* Runs replication INDEX of S (the scenario the workspace's model was
 * compiled from) under SEED into the workspace's outcome. */
int replication_run(const struct scenario *s, uint64_t seed, uint64_t index,
		    struct replication_workspace *w);

#endif

/*
 * ccsim_limits: every cap ccsim keeps, in one place (after SQLite's
 * sqliteLimit.h). Each is far beyond any real city; together they keep
 * every count, sum and table within what the code computes exactly.
 *
 * How they agree:
 * - a count (sites, problems, items, respondents, open problems, whether
 *   a file or a plugin wrote it) is at most LIMIT_COUNT = 1e12, exact in
 *   a double and far inside int64;
 * - sums over cells and weeks are kept in doubles or checked where formed
 *   (see the model's tallies), so no cap multiplies into an overflow.
 */
#ifndef CCSIM_LIMITS_H
#define CCSIM_LIMITS_H

#include <stddef.h>

/* ---- scenario files ---- */
/* A count a file or a plugin may write: sites, problems, items, respondents. */
#define LIMIT_COUNT 1e12
/* Sites inspected per batch and category: the draw is held in memory. */
#define LIMIT_DRAW 1e6
/* Weeks of a campaign and inspection batches. */
#define LIMIT_WEEKS 10000.0
#define LIMIT_BATCHES 1000.0
/* The quantiles' histogram: a scenario whose Total spans more bins is refused. */
#define LIMIT_HISTOGRAM_BINS 20000000
/* Bytes of a scenario file, and of each file it @includes: refused at once
 * above, before libconfig reads it (docs/model.md: 64 MiB). */
#define LIMIT_SCENARIO_BYTES ((size_t)64 << 20)
/* Settings of one group { } of a scenario file: refused above before
 * libconfig reads it, which adds a group's settings in time growing with
 * their square (20,000 took 45 s). A scenario's groups hold a few dozen. */
#define LIMIT_GROUP_SETTINGS 1024
/* Characters (code points of UTF-8) of a name in a scenario's lists. */
#define LIMIT_NAME_CHARS 64
/* Bytes of a parameter path or a message's place naming two names at their
 * longest (districts.NAME.key.CATEGORY: 4 bytes a character at the most). */
#define LIMIT_PATH_BYTES (2 * 4 * LIMIT_NAME_CHARS + 128)
/* Problems a campaign may move in all: over every cell, weeks times the most
 * problems a cell can hold (its problems plus twice its arrivals, plus 100
 * a week). Every sum of the weekly dynamics then stays far inside int64. */
#define LIMIT_CAMPAIGN_PROBLEMS 1e18

/* Uncertain inputs a scenario may draw in every replication (its entries,
 * and the paths their patterns reach). */
#define LIMIT_UNCERTAIN_INPUTS 10000

/* ---- plugins ---- */
/* Bytes of one plugin's source. */
#define LIMIT_PLUGIN_FILE (1 << 20)
/* Bytes one Lua state may hold. */
#define LIMIT_PLUGIN_MEMORY ((size_t)64 << 20)
/* Instructions for loading a plugin and running its setup, and for one week call. */
#define LIMIT_PLUGIN_SETUP_INSTRUCTIONS 100000000LL
#define LIMIT_PLUGIN_WEEK_INSTRUCTIONS 20000000LL
/* Items of an array a plugin declares among its params. */
#define LIMIT_PLUGIN_PARAM_ITEMS 100000
/* Seconds of wall clock one call into a plugin may take, whatever it does
 * (a runaway call ends within 2 seconds: docs/model.md 6.3). */
#define LIMIT_PLUGIN_SECONDS 1.5
/* What a week hook may set a cell's open problems to: a count like any other. */
#define LIMIT_PLUGIN_OPEN LIMIT_COUNT

/* Uncertain inputs one correlated group may hold: its factor is computed
 * (n^3 / 6) when the scenario is read, its eigenvalues (Jacobi) when R is
 * refused. */
#define LIMIT_COPULA_GROUP 1024

/* ---- runs ---- */
/* Memory the weekly draws' inversion tables of one run may hold. */
#define LIMIT_TABLE_BYTES ((size_t)16 << 20)
/* Memory a thread's block of replications may hold for its weekly
 * dynamics' results (each cell's open problems at each batch's week). */
#define LIMIT_CAMPAIGN_BLOCK_BYTES ((size_t)256 << 10)
/* Threads a command may ask for. */
#define LIMIT_THREADS 1024

/* ---- commands ---- */
/* Variants of compare, inputs of sensitivity, --set flags of one command. */
#define LIMIT_VARIANTS 64
#define LIMIT_INPUTS 64
#define LIMIT_SETTINGS 256
/* A budget or step given to allocate. */
#define LIMIT_BUDGET 1e12
/* optimize (docs/model.md 9): its levers, a lever's policy number, the
 * greedy's steps and its candidates (levers times districts) */
#define LIMIT_LEVERS 16
#define LIMIT_POLICY_NUMBER 1000
#define LIMIT_OPTIMIZE_STEPS 10000
#define LIMIT_CANDIDATES 1024
/* Bytes of a weekly reports or problem ledger file (calibrate, ledger):
 * refused above, so that a device or a wrong file is not read forever
 * (a year of 100 districts' reports is about 4 MB). */
#define LIMIT_REPORTS_BYTES ((size_t)128 << 20)

#endif

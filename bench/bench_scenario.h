/* What the benchmarks share: a scenario loaded, or its problems printed. */
#ifndef CCSIM_BENCH_SCENARIO_H
#define CCSIM_BENCH_SCENARIO_H

#include <stdio.h>

#include "diag.h"
#include "scenario.h"

/* Loads PATH with D (initialised here; the caller frees it once the
 * scenario is loaded); NULL after printing the problems (D freed). */
static inline struct scenario *bench_scenario(const char *path, struct diag *d)
{
	diag_init(d, path);
	struct scenario *s = scenario_load_file(path, d);
	if (s == NULL) {
		diag_print(d, stderr);
		diag_free(d);
	}
	return s;
}

#endif

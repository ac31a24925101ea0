/*
 * overlay: what calibrate writes, a scenario file to read on top of the
 * scenario it calibrated (`ccsim run city.cfg+calibrated.cfg`, a layered
 * file). For every district with reports, an entry of `districts`
 * (merged by name) whose per-category groups set, for each category
 * reported, `problems` (the last week's open count) and `rectify_rate`,
 * `rebound` and `new_per_week` (the posterior means); then, unless POINT,
 * an `uncertain` entry per estimate with its posterior (`dist = "beta"`
 * with alpha and beta, `dist = "gamma"` with shape and rate: uncertain
 * inputs).
 * Cells without reports are not written: they keep the scenario's values.
 * The text depends only on the estimates (no file names, no dates), so the
 * same reports in any encoding give the same bytes.
 */
#ifndef CCSIM_OVERLAY_H
#define CCSIM_OVERLAY_H

#include "calibrate.h"
#include "diag.h"
#include "scenario.h"

/*
 * The overlay's text in *TEXT (malloc'ed). Returns 0; or -1 with a problem
 * in D: a category whose name cannot be a key of a libconfig group
 * (DIAG_INPUT), or DIAG_NO_MEMORY.
 */
int overlay_text(const struct scenario *s, const struct calibration *c, int point, char **text,
		 struct diag *d);

#endif

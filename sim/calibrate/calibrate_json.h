/*
 * calibrate_json: the calibration as documents: the JSON of --json (for
 * `ccsim report`'s fit check and for other programs) and the CSV of --csv
 * (one row per district and category, for a spreadsheet).
 *
 * JSON keys (README, "Calibrating from weekly reports", lists them too):
 *   command "calibrate", ccsim_version, scenario, reports, overlay,
 *   encoding, rows, weeks [first, last], pooled, point,
 *   prior {rectify_rate {alpha, beta}, rebound {alpha, beta}, new_per_week {shape, rate}},
 *   pooled_priors [ {category, rectify_rate {alpha, beta, mean, concentration,
 *       districts, successes, trials, log_likelihood, capped}, rebound {...}} ]
 *       (empty without --pool),
 *   fit_check {band 0.9, flag_below 0.7, draws, seed, cells, flagged},
 *   cells [ {district, category, first_week, weeks, open_before,
 *       problems {was, estimate},
 *       rectify_rate {was, estimate, low, high, alpha, beta, prior_alpha,
 *           prior_beta, successes, trials},
 *       rebound {the same},
 *       new_per_week {was, estimate, low, high, shape, rate, found},
 *       fit {inside, share, flagged, week [..], open [..], low [..],
 *           median [..], high [..]}} ]
 * where fit's arrays run over the cell's weeks: the week, the reported
 * open count and the predictive band's 5 %, 50 % and 95 % points.
 */
#ifndef CCSIM_CALIBRATE_JSON_H
#define CCSIM_CALIBRATE_JSON_H

#include <jansson.h>

#include "calibrate.h"
#include "reports.h"
#include "scenario.h"

/* What the documents name besides the estimates. */
struct calibrate_files {
	const char *scenario;
	const char *reports;
	const char *overlay;
	int point;
};

/* The JSON document (a new reference), or NULL when memory ran out. */
json_t *calibrate_json(const struct scenario *s, const struct reports *r, const struct calibration *c,
		       const struct calibrate_files *files);

/* The CSV text (malloc'ed), or NULL when memory ran out. */
char *calibrate_csv(const struct scenario *s, const struct calibration *c);

#endif

/*
 * report_html: one self-contained HTML page that draws ccsim's JSON results
 * (run, compare, sweep, sensitivity, allocate). The page embeds the data,
 * Chart.js and the drawing script, so it opens with no network.
 */
#ifndef CCSIM_REPORT_HTML_H
#define CCSIM_REPORT_HTML_H

#include "diag.h"

/*
 * Writes the report of the N JSON files FILES to OUTPUT, whole or not at
 * all. Returns 0, or -1 with the reason in D: DIAG_INPUT when a file is
 * unreadable, not JSON or not a ccsim result, DIAG_SYSTEM when OUTPUT
 * cannot be written, DIAG_NO_MEMORY.
 */
int report_html_write(const char *const *files, int n, const char *output, struct diag *d);

#endif

/*
 * report_html: one self-contained HTML page that draws ccsim's JSON results
 * (run, compare, sweep, sensitivity, allocate). The page embeds the data,
 * Chart.js and the drawing script, so it opens with no network.
 */
#ifndef CCSIM_REPORT_HTML_H
#define CCSIM_REPORT_HTML_H

#include <stdio.h>

/*
 * Writes the report of the N JSON files FILES to OUTPUT, whole or not at
 * all. Returns an exit status: 0, 1 (cannot write, out of memory) or 2 (a
 * file is unreadable, not JSON or not a ccsim result; said on ERR).
 */
int report_html_write(const char *const *files, int n, const char *output, FILE *err);

#endif

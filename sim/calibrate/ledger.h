/*
 * ledger: the office's problem ledger (问题台账), one row per problem with
 * its district, category and the dates it was found, fixed and reopened,
 * turned into the weekly reports calibrate reads. The rules (README,
 * "Calibrating from weekly reports"):
 *
 * - Week k (k >= 1) is the seven days from START + 7 (k - 1); the reports
 *   see each problem as it stands at the end of each week.
 * - A problem open at a week's end that was not at the previous week's end
 *   is found that week, or rebounded when it was fixed in the week before
 *   (its fix counted then; a fix before week 1 is not in the reports, so a
 *   reopening in week 1 is found). A later reopening is a new problem.
 * - A problem open at the previous week's end and closed at this one's is
 *   fixed this week. A problem found and fixed within one week, or fixed and
 *   reopened within one week, leaves no trace: no week's end saw it change.
 * - Problems open at the end of the day before START make week 1's opening
 *   count; a problem found after the last week, or fixed before START and
 *   not reopened since, is outside the weeks and left out.
 */
#ifndef CCSIM_LEDGER_H
#define CCSIM_LEDGER_H

#include <stddef.h>

#include "csv_table.h"
#include "diag.h"

enum ledger_column {
	LEDGER_DISTRICT,
	LEDGER_CATEGORY,
	LEDGER_FOUND,
	LEDGER_FIXED,
	LEDGER_REOPENED,
	LEDGER_COLUMNS
};
extern const char *const *const ledger_column_names[LEDGER_COLUMNS];

struct ledger_summary {
	int problems;     /* rows read */
	int counted;      /* problems some week's end saw open */
	int outside;      /* problems no week's end saw open */
	int weeks;
	int cells;        /* districts and categories written */
};

/*
 * Reads TEXT as a date: YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日,
 * optionally followed by a time after a space or 'T' (ignored). Sets *DAY
 * to its number of days since 1970-01-01; returns 0, or -1.
 */
int ledger_parse_date(const char *text, long *day);

/* Why TEXT is not a date (ledger_parse_date refuses it), translated, into
 * WHY (SIZE bytes): no such day, month or year, or the forms accepted.
 * Returns WHY. */
const char *ledger_date_why(const char *text, char *why, size_t size);

/* The date of DAY as YYYY-MM-DD into OUT (room for 16 bytes). */
void ledger_format_date(long day, char *out);

/*
 * The weekly reports (CSV text with English headers, in *CSV, malloc'ed)
 * of ledger T, week 1 starting on day START, over WEEKS weeks (0: through
 * the week of the latest date in the ledger). Returns 0; or -1 with every
 * problem in D: a missing column, a date that cannot be read, a fix before
 * its finding, a reopening without a fix or before it.
 */
int ledger_reports(const struct csv_table *t, const char *file, long start, int weeks, char **csv,
		   struct ledger_summary *summary, struct diag *d);

/* As ledger_reports, reading the ledger at PATH. */
int ledger_read(const char *path, long start, int weeks, char **csv, struct ledger_summary *summary,
		struct diag *d);

#endif

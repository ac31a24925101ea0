/*
 * reports: the campaign office's weekly reports (创文周报), one row per
 * week, district and site category, checked against the model's weekly
 * identity (docs/model.md 3.1). The columns, in any order, are district, category,
 * week, found, fixed, rebounded and open (区, 类别, 周, 新发现, 已整改, 反弹,
 * 未整改); other columns are ignored.
 *
 * Every problem of the file is reported at once, as FILE:LINE: what is
 * wrong, naming the numbers: a name that is not the scenario's (with the
 * nearest that is), a count that is not a whole number >= 0, a week given
 * twice or skipped, and a row that breaks the identity
 *     O_prev = the previous week's open (for a cell's first row,
 *              open - found + fixed - rebounded),
 *     0 <= fixed <= O_prev,
 *     0 <= rebounded <= the previous week's fixed (0 in the first row),
 *     open = O_prev - fixed + rebounded + found.
 */
#ifndef CCSIM_REPORTS_H
#define CCSIM_REPORTS_H

#include <stdint.h>

#include "csv_table.h"
#include "diag.h"
#include "scenario.h"

/* Column names: [column][0] is the English name, then what else is accepted. */
enum reports_column {
	REPORTS_DISTRICT,
	REPORTS_CATEGORY,
	REPORTS_WEEK,
	REPORTS_FOUND,
	REPORTS_FIXED,
	REPORTS_REBOUNDED,
	REPORTS_OPEN,
	REPORTS_COLUMNS
};
extern const char *const *const reports_column_names[REPORTS_COLUMNS];

struct report_row {
	int line;
	int cell;              /* district * categories + category */
	int week;
	int64_t found;         /* A[t] */
	int64_t fixed;         /* R[t] */
	int64_t rebounded;     /* K[t] */
	int64_t open;          /* O[t] */
};

struct reports {
	char encoding[24];     /* as csv_table names it */
	char delimiter;
	int n_cells;           /* the scenario's districts x categories */
	int n_rows;
	struct report_row *rows;  /* by cell, then week */
	int *cell_first;       /* [cell + 1]: cell k's rows are rows[cell_first[k]] .. rows[cell_first[k + 1] - 1] */
	int first_week, last_week;
};

/* The problems open before ROW, the first of its cell: open - found + fixed - rebounded. */
static inline int64_t reports_open_before(const struct report_row *row)
{
	return row->open - row->found + row->fixed - row->rebounded;
}

/*
 * Reads the reports at PATH for scenario S. Returns 0; or -1 with every
 * problem in D (DIAG_INPUT at PATH and the row's line), R then empty.
 */
int reports_read(const char *path, const struct scenario *s, struct reports *r, struct diag *d);

/* As reports_read, from a table already read; FILE names it in messages. */
int reports_from_table(const struct csv_table *t, const char *file, const struct scenario *s,
		       struct reports *r, struct diag *d);

void reports_free(struct reports *r);

/*
 * The name among CANDIDATES[0..N-1] nearest to WORD in characters
 * (Levenshtein over UTF-8 code points), the first of equals; NULL when N is 0.
 */
const char *reports_nearest_name(const char *word, const char *const *candidates, int n);

#endif

#include "reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsim_limits.h"
#include "i18n.h"
#include "ledger.h"

static const char *const district_names[] = {"district", "区", NULL};
static const char *const category_names[] = {"category", "类别", NULL};
static const char *const week_names[] = {"week", "周", NULL};
static const char *const found_names[] = {"found", "新发现", NULL};
static const char *const fixed_names[] = {"fixed", "已整改", NULL};
static const char *const rebounded_names[] = {"rebounded", "反弹", NULL};
static const char *const open_names[] = {"open", "未整改", NULL};

const char *const *const reports_column_names[REPORTS_COLUMNS] = {
	district_names, category_names, week_names, found_names,
	fixed_names,    rebounded_names, open_names};

/* ---- names --------------------------------------------------------------- */

/* The code points of TEXT into OUT (room for N), as many as fit; their count. */
static int code_points(const char *text, unsigned *out, int n)
{
	int count = 0;
	const unsigned char *s = (const unsigned char *)text;
	while (*s != '\0' && count < n) {
		unsigned c = *s++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
		for (; more > 0 && (*s & 0xC0) == 0x80; more--)
			c = c << 6 | (*s++ & 0x3F);
		out[count++] = c;
	}
	return count;
}

static int edit_distance(const char *a, const char *b)
{
	unsigned x[128], y[128];
	int n = code_points(a, x, 128), m = code_points(b, y, 128);
	int row[129];
	for (int j = 0; j <= m; j++)
		row[j] = j;
	for (int i = 1; i <= n; i++) {
		int diagonal = row[0];
		row[0] = i;
		for (int j = 1; j <= m; j++) {
			int above = row[j];
			int best = diagonal + (x[i - 1] != y[j - 1]);
			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[m];
}

const char *reports_nearest_name(const char *word, const char *const *candidates, int n)
{
	const char *best = NULL;
	int best_distance = 0;
	for (int i = 0; i < n; i++) {
		int distance = edit_distance(word, candidates[i]);
		if (best == NULL || distance < best_distance) {
			best = candidates[i];
			best_distance = distance;
		}
	}
	return best;
}

/* Names sorted for a binary search, each with its index in the scenario. */
struct named {
	const char *name;
	int index;
};

struct name_index {
	int n;
	const char **names;    /* in the scenario's order, for "nearest" */
	struct named *sorted;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Builds the index of N names, each at NAMES + i * STRIDE bytes (a char *). */
static int name_index_init(struct name_index *x, const void *names, size_t stride, int n)
{
	x->n = n;
	x->names = malloc((size_t)(n ? n : 1) * sizeof *x->names);
	x->sorted = malloc((size_t)(n ? n : 1) * sizeof *x->sorted);
	if (x->names == NULL || x->sorted == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		x->names[i] = *(char *const *)((const char *)names + (size_t)i * stride);
		x->sorted[i] = (struct named){x->names[i], i};
	}
	qsort(x->sorted, (size_t)n, sizeof *x->sorted, by_name);
	return 0;
}

static int name_index_find(const struct name_index *x, const char *name)
{
	struct named key = {name, -1};
	const struct named *found = bsearch(&key, x->sorted, (size_t)x->n, sizeof key, by_name);
	return found ? found->index : -1;
}

static void name_index_free(struct name_index *x)
{
	free(x->names);
	free(x->sorted);
}

/* ---- counts -------------------------------------------------------------- */

/* Reads TEXT as a whole number in [0, MAX]; 0, or -1 with why not in WHY
 * (to follow the column's name and value). */
static int parse_count(const char *text, double max, int64_t *out, char *why, size_t size)
{
	if (*text == '\0') {
		snprintf(why, size, "%s", _("is empty"));
		return -1;
	}
	char shown[4 * CSV_TABLE_SHOWN + 4];
	csv_table_shown(text, shown, sizeof shown);
	const char *s = text;
	int negative = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	int64_t value = 0;
	int digits = 0, too_big = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (value > (int64_t)max)
			too_big = 1;
		else
			value = value * 10 + (*s - '0');
	}
	int whole = 1;
	if (*s == '.' && digits > 0) {
		for (s++; *s >= '0' && *s <= '9'; s++)
			whole &= *s == '0';
	}
	if (*s != '\0' || digits == 0) {
		/* U+FF10..U+FF19, the full-width digits of a Chinese input method */
		if (strstr(text, "\xEF\xBC") != NULL)
			snprintf(why, size, _("'%s' is not a number: it has full-width characters; type "
					    "ASCII digits"), shown);
		else
			snprintf(why, size, _("'%s' is not a number"), shown);
		return -1;
	}
	if (!whole) {
		snprintf(why, size, _("%s is not a whole number"), shown);
		return -1;
	}
	if (negative && (value != 0 || too_big)) {
		snprintf(why, size, _("%s is negative"), shown);
		return -1;
	}
	if (too_big || (double)value > max) {
		snprintf(why, size, _("%s is more than %.0f"), shown, max);
		return -1;
	}
	*out = value;
	return 0;
}

/* ---- rows ---------------------------------------------------------------- */

struct reader {
	const struct csv_table *t;
	const char *file;
	const struct scenario *s;
	struct name_index districts, categories;
	int column[REPORTS_COLUMNS];
	struct diag *d;
};

/* Reads record I into ROW; 0, or -1 after its problems (ROW->cell is -1 when
 * the row cannot even be placed in a cell and week). */
static int read_row(struct reader *x, int i, struct report_row *row)
{
	const struct csv_table *t = x->t;
	int line = t->line[i];
	row->line = line;
	row->cell = -1;
	int width = 0;
	for (int c = 0; c < REPORTS_COLUMNS; c++)
		if (x->column[c] + 1 > width)
			width = x->column[c] + 1;
	if (csv_table_width(t, i) < width) {
		diag_add_at(x->d, DIAG_INPUT, x->file, line,
			    _("%d fields where the header has %d: is a separator missing?"),
			    csv_table_width(t, i), csv_table_width(t, 0));
		return -1;
	}
	/* more fields than the header: the columns no longer line up (trailing
	 * empty fields, as spreadsheets write, are harmless) */
	for (int c = csv_table_width(t, 0); c < csv_table_width(t, i); c++) {
		if (*csv_table_field(t, i, c) != '\0') {
			diag_add_at(x->d, DIAG_INPUT, x->file, line,
				    _("%d fields where the header has %d: a number with a thousands "
				    "separator (1,000) or a comma in a remark? Enclose that field in quotes "
				    "or remove the comma"), csv_table_width(t, i), csv_table_width(t, 0));
			return -1;
		}
	}
	int header_again = 1;
	for (int c = 0; c < REPORTS_COLUMNS; c++)
		header_again &= strcmp(csv_table_field(t, i, x->column[c]),
				       csv_table_field(t, 0, x->column[c])) == 0;
	if (header_again) {
		diag_add_at(x->d, DIAG_INPUT, x->file, line,
			    _("the header again (two files pasted together?): delete this line"));
		return -1;
	}
	int errors = 0;
	const char *district = csv_table_field(t, i, x->column[REPORTS_DISTRICT]);
	const char *category = csv_table_field(t, i, x->column[REPORTS_CATEGORY]);
	int di = name_index_find(&x->districts, district);
	int ci = name_index_find(&x->categories, category);
	char shown[4 * CSV_TABLE_SHOWN + 4];
	if (di < 0) {
		diag_add_at(x->d, DIAG_INPUT, x->file, line,
			    *district ? _("unknown district '%s' (nearest: %s)") : _("no district%s (nearest: %s)"),
			    csv_table_shown(district, shown, sizeof shown),
			    reports_nearest_name(district, x->districts.names, x->districts.n));
		errors++;
	}
	if (ci < 0) {
		diag_add_at(x->d, DIAG_INPUT, x->file, line,
			    *category ? _("unknown category '%s' (nearest: %s)") : _("no category%s (nearest: %s)"),
			    csv_table_shown(category, shown, sizeof shown),
			    reports_nearest_name(category, x->categories.names, x->categories.n));
		errors++;
	}
	int64_t values[REPORTS_COLUMNS];
	for (int c = REPORTS_WEEK; c < REPORTS_COLUMNS; c++) {
		char why[4 * CSV_TABLE_SHOWN + 200];
		const char *text = csv_table_field(t, i, x->column[c]);
		double max = c == REPORTS_WEEK ? LIMIT_WEEKS : LIMIT_COUNT;
		if (parse_count(text, max, &values[c], why, sizeof why) != 0) {
			long day;
			if (c == REPORTS_WEEK && ledger_parse_date(text, &day) == 0)
				snprintf(why, sizeof why, _("'%s' is a date, not a week's number (1, 2, "
							    "...): ccsim ledger turns a dated ledger into "
							    "weekly reports"),
					 csv_table_shown(text, shown, sizeof shown));
			const char *header = csv_table_field(t, 0, x->column[c]);
			const char *name = reports_column_names[c][0];
			if (strcmp(header, name) == 0)
				diag_add_at(x->d, DIAG_INPUT, x->file, line, "%s %s", name, why);
			else
				diag_add_at(x->d, DIAG_INPUT, x->file, line, "%s (%s) %s", name, header, why);
			errors++;
			values[c] = -1;
		}
	}
	if (di >= 0 && ci >= 0 && values[REPORTS_WEEK] >= 0) {
		row->cell = di * x->s->n_categories + ci;
		row->week = (int)values[REPORTS_WEEK];
	}
	row->found = values[REPORTS_FOUND];
	row->fixed = values[REPORTS_FIXED];
	row->rebounded = values[REPORTS_REBOUNDED];
	row->open = values[REPORTS_OPEN];
	return errors ? -1 : 0;
}

static int by_cell_week(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	if (x->week != y->week)
		return x->week < y->week ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* ---- the identity -------------------------------------------------------- */

/* Checks the rows of one cell (sorted by week; VALID[i] says row i's counts
 * were read); the number of problems found. */
static int check_cell(const struct report_row *rows, const unsigned char *valid, int n,
		      const char *district, const char *category, const char *file, struct diag *d)
{
	int errors = 0;
	const struct report_row *previous = NULL;
	int previous_valid = 0;
	for (int i = 0; i < n; i++) {
		const struct report_row *row = &rows[i];
		char where[300];
		snprintf(where, sizeof where, _("%s %s week %d"), district, category, row->week);
		if (previous != NULL && row->week == previous->week) {
			diag_add_at(d, DIAG_INPUT, file, row->line,
				    _("%s is given twice: also at line %d"), where, previous->line);
			errors++;
			continue;
		}
		int gap = previous != NULL && row->week > previous->week + 1;
		if (gap) {
			if (row->week == previous->week + 2)
				diag_add_at(d, DIAG_INPUT, file, row->line,
					    _("%s follows week %d (line %d): week %d is missing"), where,
					    previous->week, previous->line, previous->week + 1);
			else
				diag_add_at(d, DIAG_INPUT, file, row->line,
					    _("%s follows week %d (line %d): weeks %d to %d are missing"), where,
					    previous->week, previous->line, previous->week + 1, row->week - 1);
			errors++;
		}
		int first = previous == NULL;
		int checkable = valid[i] && (first || (!gap && previous_valid));
		previous = row;
		previous_valid = valid[i];
		if (!checkable)
			continue;
		if (first) {
			if (row->rebounded > 0) {
				diag_add_at(d, DIAG_INPUT, file, row->line,
					    _("%s: rebounded %lld in the first week reported: a rebound undoes a "
					    "fix of the week before, which the reports do not have (start them a "
					    "week earlier)"), where, (long long)row->rebounded);
				errors++;
			} else if (row->open < row->found) {
				diag_add_at(d, DIAG_INPUT, file, row->line,
					    _("%s: open %lld is less than the %lld found that week"), where,
					    (long long)row->open, (long long)row->found);
				errors++;
			}
			continue;
		}
		const struct report_row *before = &rows[i - 1];
		int64_t open_before = before->open;
		if (row->fixed > open_before) {
			diag_add_at(d, DIAG_INPUT, file, row->line,
				    _("%s: fixed %lld is more than the %lld open after week %d"), where,
				    (long long)row->fixed, (long long)open_before, before->week);
			errors++;
		}
		if (row->rebounded > before->fixed) {
			diag_add_at(d, DIAG_INPUT, file, row->line,
				    _("%s: rebounded %lld is more than the %lld fixed in week %d (a rebound "
				    "undoes one of last week's fixes)"), where, (long long)row->rebounded,
				    (long long)before->fixed, before->week);
			errors++;
		}
		int64_t expected = open_before - row->fixed + row->rebounded + row->found;
		if (row->open != expected) {
			diag_add_at(d, DIAG_INPUT, file, row->line,
				    _("%s: open %lld is not %lld - %lld + %lld + %lld = %lld (week %d's open "
				    "- fixed + rebounded + found)"), where, (long long)row->open,
				    (long long)open_before, (long long)row->fixed, (long long)row->rebounded,
				    (long long)row->found, (long long)expected, before->week);
			errors++;
		}
	}
	return errors;
}

/* ---- the reports --------------------------------------------------------- */

int reports_from_table(const struct csv_table *t, const char *file, const struct scenario *s,
		       struct reports *r, struct diag *d)
{
	memset(r, 0, sizeof *r);
	strcpy(r->encoding, t->encoding);
	r->delimiter = t->delimiter;
	r->n_cells = s->n_districts * s->n_categories;
	if (t->n_records == 0) {
		diag_add_at(d, DIAG_INPUT, file, 0, _("empty: the reports need a header row and a row per "
						    "week, district and category"));
		return -1;
	}
	struct reader x = {.t = t, .file = file, .s = s, .d = d};
	if (csv_table_columns(t, file, reports_column_names, REPORTS_COLUMNS, x.column, d) != 0)
		return -1;
	if (t->n_records == 1) {
		diag_add_at(d, DIAG_INPUT, file, t->line[0], _("no rows after the header"));
		return -1;
	}
	int n = t->n_records - 1;
	r->rows = malloc((size_t)n * sizeof *r->rows);
	unsigned char *sorted_valid = malloc((size_t)n);
	r->cell_first = calloc((size_t)r->n_cells + 1, sizeof *r->cell_first);
	int status = 0;
	if (r->rows == NULL || sorted_valid == NULL || r->cell_first == NULL ||
	    name_index_init(&x.districts, &s->districts[0].name, sizeof *s->districts,
			    s->n_districts) != 0 ||
	    name_index_init(&x.categories, &s->categories[0].name, sizeof *s->categories,
			    s->n_categories) != 0) {
		diag_no_memory(d, _("reading the reports"));
		status = -1;
		goto done;
	}
	int errors = 0;
	for (int i = 1; i <= n; i++) {
		struct report_row row;
		int bad = read_row(&x, i, &row) != 0;
		errors += bad;
		if (row.cell < 0)
			continue;
		/* the row's validity rides in its line's sign until sorted */
		row.line = bad ? -row.line : row.line;
		r->rows[r->n_rows++] = row;
	}
	qsort(r->rows, (size_t)r->n_rows, sizeof *r->rows, by_cell_week);
	for (int i = 0; i < r->n_rows; i++) {
		sorted_valid[i] = r->rows[i].line > 0;
		r->rows[i].line = abs(r->rows[i].line);
		r->cell_first[r->rows[i].cell + 1] = i + 1;
	}
	for (int k = 0; k < r->n_cells; k++)
		if (r->cell_first[k + 1] < r->cell_first[k])
			r->cell_first[k + 1] = r->cell_first[k];
	for (int k = 0; k < r->n_cells; k++) {
		int b = r->cell_first[k], e = r->cell_first[k + 1];
		if (b == e)
			continue;
		errors += check_cell(&r->rows[b], &sorted_valid[b], e - b,
				     s->districts[k / s->n_categories].name,
				     s->categories[k % s->n_categories].name, file, d);
	}
	r->first_week = r->n_rows ? r->rows[0].week : 0;
	r->last_week = r->first_week;
	for (int i = 0; i < r->n_rows; i++) {
		if (r->rows[i].week < r->first_week)
			r->first_week = r->rows[i].week;
		if (r->rows[i].week > r->last_week)
			r->last_week = r->rows[i].week;
	}
	status = errors ? -1 : 0;
done:
	name_index_free(&x.districts);
	name_index_free(&x.categories);
	free(sorted_valid);
	if (status != 0)
		reports_free(r);
	return status;
}

int reports_read(const char *path, const struct scenario *s, struct reports *r, struct diag *d)
{
	memset(r, 0, sizeof *r);
	struct csv_table t;
	if (csv_table_read(path, &t, d) != 0)
		return -1;
	int status = reports_from_table(&t, path, s, r, d);
	csv_table_free(&t);
	return status;
}

void reports_free(struct reports *r)
{
	free(r->rows);
	free(r->cell_first);
	memset(r, 0, sizeof *r);
}

#include "ledger.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccsim_limits.h"
#include "calibrate_text.h"
#include "i18n.h"

static const char *const district_names[] = {"district", "区", NULL};
static const char *const category_names[] = {"category", "类别", NULL};
static const char *const found_names[] = {"found", "发现日期", "发现", NULL};
static const char *const fixed_names[] = {"fixed", "整改日期", "整改", NULL};
static const char *const reopened_names[] = {"reopened", "反弹日期", "反弹", "复发日期", NULL};

const char *const *const ledger_column_names[LEDGER_COLUMNS] = {
	district_names, category_names, found_names, fixed_names, reopened_names};

/* ---- dates --------------------------------------------------------------- */

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ledger_format_date(long day, char *out)
{
	long z = day + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	snprintf(out, 16, "%04d-%02d-%02d", (int)(y + (m <= 2)) % 100000, (int)m, (int)d);
}

/* Reads 1 to MAX digits at *S; the number, or -1. */
static long digits(const char **s, int max)
{
	long value = 0;
	int n = 0;
	while (**s >= '0' && **s <= '9' && n < max)
		value = value * 10 + (*(*s)++ - '0'), n++;
	return n ? value : -1;
}

/* Reads SEPARATOR (one of "-/." or the UTF-8 text given) at *S. */
static int separator(const char **s, const char *expected)
{
	size_t n = strlen(expected);
	if (strncmp(*s, expected, n) != 0)
		return 0;
	*s += n;
	return 1;
}

/* Why a date does not read, or DATE_OK with its year, month and day. */
enum date_problem { DATE_OK, DATE_FORM, DATE_YEAR, DATE_MONTH, DATE_DAY };

static enum date_problem read_date_text(const char *text, long *year, long *month, long *day)
{
	const char *s = text;
	long y = digits(&s, 4);
	const char *after_year[] = {"-", "/", ".", "年"};
	const char *after_month[] = {"-", "/", ".", "月"};
	int style = -1;
	for (int i = 0; i < 4 && style < 0; i++)
		if (separator(&s, after_year[i]))
			style = i;
	if (y < 0 || style < 0)
		return DATE_FORM;
	long m = digits(&s, 2);
	if (m < 0 || !separator(&s, after_month[style]))
		return DATE_FORM;
	long d = digits(&s, 2);
	if (d < 0 || (style == 3 && !separator(&s, "日")) || (*s != '\0' && *s != ' ' && *s != 'T'))
		return DATE_FORM;
	*year = y, *month = m, *day = d;
	if (y < 1900)
		return DATE_YEAR;
	if (m < 1 || m > 12)
		return DATE_MONTH;
	static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d < 1 || d > month_days[m - 1] || (m == 2 && d == 29 && !leap))
		return DATE_DAY;
	return DATE_OK;
}

int ledger_parse_date(const char *text, long *day)
{
	long y, m, d;
	if (read_date_text(text, &y, &m, &d) != DATE_OK)
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

const char *ledger_date_why(const char *text, char *why, size_t size)
{
	long y = 0, m = 0, d = 0;
	switch (read_date_text(text, &y, &m, &d)) {
	case DATE_OK:
		snprintf(why, size, "%s", "");
		break;
	case DATE_YEAR:
		snprintf(why, size, _("the year %ld is before 1900"), y);
		break;
	case DATE_MONTH:
		snprintf(why, size, _("there is no month %ld"), m);
		break;
	case DATE_DAY:
		snprintf(why, size, _("%04ld-%02ld has no day %ld"), y, m, d);
		break;
	default:
		snprintf(why, size, "%s", _("write YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)"));
		break;
	}
	return why;
}

/* ---- problems ------------------------------------------------------------ */

/* A date field left empty: before every real date. */
#define NO_DATE (-(1L << 40))

struct problem {
	int line;
	const char *district, *category;
	long found, fixed, reopened;     /* NO_DATE when absent */
	long district_first, category_first;  /* the line each name first appears on */
};

/* Whether problem P is open at the end of the day before DAY. */
static int open_before(const struct problem *p, long day)
{
	if (p->found >= day)
		return 0;
	if (p->fixed == NO_DATE || p->fixed >= day)
		return 1;
	return p->reopened != NO_DATE && p->reopened < day;
}

static int by_district(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	int c = strcmp(x->district, y->district);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_category(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	int c = strcmp(x->category, y->category);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_cell(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->district_first != y->district_first)
		return x->district_first < y->district_first ? -1 : 1;
	if (x->category_first != y->category_first)
		return x->category_first < y->category_first ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Reads one date field; 0, or -1 after a problem. An empty field is NO_DATE
 * when OPTIONAL. */
static int read_date(const struct csv_table *t, int r, int column, int optional, const char *file,
		     long *day, struct diag *d)
{
	const char *name = csv_table_field(t, 0, column); /* as the header writes it */
	const char *text = csv_table_field(t, r, column);
	*day = NO_DATE;
	if (*text == '\0') {
		if (optional)
			return 0;
		diag_add_at(d, DIAG_INPUT, file, t->line[r], _("%s is empty: every problem has the date it "
							     "was found"), name);
		return -1;
	}
	if (ledger_parse_date(text, day) != 0) {
		char shown[4 * CSV_TABLE_SHOWN + 4], why[200];
		diag_add_at(d, DIAG_INPUT, file, t->line[r], _("%s '%s' is not a date: %s"), name,
			    csv_table_shown(text, shown, sizeof shown), ledger_date_why(text, why, sizeof why));
		*day = NO_DATE;
		return -1;
	}
	return 0;
}

/* Whether record R has too few fields for the columns, or more non-empty
 * ones than the header (they no longer line up); 0, or -1 after saying so. */
static int row_width_problem(const struct csv_table *t, int r, const int *column, const char *file,
			     struct diag *d)
{
	int need = 0, width = csv_table_width(t, r), header = csv_table_width(t, 0);
	for (int c = 0; c < LEDGER_COLUMNS; c++)
		if (column[c] + 1 > need)
			need = column[c] + 1;
	if (width < need) {
		diag_add_at(d, DIAG_INPUT, file, t->line[r],
			    _("%d fields where the header has %d: is a separator missing?"), width, header);
		return -1;
	}
	for (int c = header; c < width; c++) {
		if (*csv_table_field(t, r, c) != '\0') {
			diag_add_at(d, DIAG_INPUT, file, t->line[r],
				    _("%d fields where the header has %d: a number with a thousands "
				    "separator (1,000) or a comma in a remark? Enclose that field in quotes "
				    "or remove the comma"), width, header);
			return -1;
		}
	}
	return 0;
}

/* Reads the problems of T into P (room for n_records - 1); the number of problems found. */
static int read_problems(const struct csv_table *t, const char *file, const int *column,
			 struct problem *p, struct diag *d)
{
	int errors = 0;
	for (int r = 1; r < t->n_records; r++) {
		struct problem *q = &p[r - 1];
		int line = t->line[r];
		q->line = line;
		q->district = csv_table_field(t, r, column[LEDGER_DISTRICT]);
		q->category = csv_table_field(t, r, column[LEDGER_CATEGORY]);
		q->found = q->fixed = q->reopened = NO_DATE;
		if (row_width_problem(t, r, column, file, d) != 0) {
			errors++;
			continue;
		}
		int header_again = 1;
		for (int c = 0; c < LEDGER_COLUMNS; c++)
			header_again &= strcmp(csv_table_field(t, r, column[c]),
					       csv_table_field(t, 0, column[c])) == 0;
		if (header_again) {
			diag_add_at(d, DIAG_INPUT, file, line,
				    _("the header again (two files pasted together?): delete this line"));
			errors++;
			continue;
		}
		int bad = 0;
		if (*q->district == '\0')
			diag_add_at(d, DIAG_INPUT, file, line, _("district is empty")), bad++;
		if (*q->category == '\0')
			diag_add_at(d, DIAG_INPUT, file, line, _("category is empty")), bad++;
		bad += read_date(t, r, column[LEDGER_FOUND], 0, file, &q->found, d) != 0;
		bad += read_date(t, r, column[LEDGER_FIXED], 1, file, &q->fixed, d) != 0;
		bad += read_date(t, r, column[LEDGER_REOPENED], 1, file, &q->reopened, d) != 0;
		char a[16], b[16];
		if (!bad && q->fixed != NO_DATE && q->fixed < q->found) {
			ledger_format_date(q->fixed, a), ledger_format_date(q->found, b);
			diag_add_at(d, DIAG_INPUT, file, line, _("fixed %s is before found %s"), a, b), bad++;
		}
		if (!bad && q->reopened != NO_DATE && q->fixed == NO_DATE)
			diag_add_at(d, DIAG_INPUT, file, line,
				    _("reopened without a date fixed: a problem reopens after its fix")), bad++;
		if (!bad && q->reopened != NO_DATE && q->reopened < q->fixed) {
			ledger_format_date(q->reopened, a), ledger_format_date(q->fixed, b);
			diag_add_at(d, DIAG_INPUT, file, line, _("reopened %s is before fixed %s"), a, b), bad++;
		}
		errors += bad != 0;
	}
	return errors;
}

/* Sets each problem's DISTRICT_FIRST and CATEGORY_FIRST, then sorts them by cell. */
static void order_by_cell(struct problem *p, int n)
{
	qsort(p, (size_t)n, sizeof *p, by_district);
	for (int i = 0; i < n; i++)
		p[i].district_first = i > 0 && strcmp(p[i].district, p[i - 1].district) == 0
					      ? p[i - 1].district_first : p[i].line;
	qsort(p, (size_t)n, sizeof *p, by_category);
	for (int i = 0; i < n; i++)
		p[i].category_first = i > 0 && strcmp(p[i].category, p[i - 1].category) == 0
					      ? p[i - 1].category_first : p[i].line;
	qsort(p, (size_t)n, sizeof *p, by_cell);
}

/* A default --weeks beyond this many is more likely a mistyped year. */
#define LEDGER_WEEKS_WARNED 156

/* The weeks through the week of the ledger's latest date (at least 1); a
 * warning when they are more than three years' worth. */
static int weeks_to_latest(const struct problem *p, int n, long start, const char *file,
			   struct diag *d)
{
	long latest = start;
	int line = 0;
	for (int i = 0; i < n; i++) {
		long dates[3] = {p[i].found, p[i].fixed, p[i].reopened};
		for (int k = 0; k < 3; k++)
			if (dates[k] != NO_DATE && dates[k] > latest)
				latest = dates[k], line = p[i].line;
	}
	long weeks = (latest - start) / 7 + 1;
	if (weeks > LEDGER_WEEKS_WARNED) {
		char date[16];
		ledger_format_date(latest, date);
		diag_add_at(d, DIAG_WARNING, file, line,
			    _("the latest date, %s, is %ld weeks after --start, so the reports run "
			    "that long: a mistyped year? (--weeks N sets the weeks)"), date, weeks);
	}
	return weeks > (long)LIMIT_WEEKS ? (int)LIMIT_WEEKS : (int)weeks;
}

/* Adds problem P to the cell's weekly counts: [t] for t = 1..T, and *OPEN0. */
static int tally_problem(const struct problem *p, long start, int weeks, int64_t *found, int64_t *fixed,
			 int64_t *rebounded, int64_t *open0)
{
	int seen = 0;
	int before = 0, previous = open_before(p, start); /* at the ends of weeks t - 2 and t - 1 */
	*open0 += previous;
	seen |= previous;
	for (int t = 1; t <= weeks; t++) {
		int now = open_before(p, start + 7L * t);
		if (now && !previous) {
			if (t >= 2 && before)
				rebounded[t]++;
			else
				found[t]++;
		} else if (!now && previous) {
			fixed[t]++;
		}
		seen |= now;
		before = previous;
		previous = now;
	}
	return seen;
}

int ledger_reports(const struct csv_table *t, const char *file, long start, int weeks, char **csv,
		   struct ledger_summary *summary, struct diag *d)
{
	*csv = NULL;
	memset(summary, 0, sizeof *summary);
	int column[LEDGER_COLUMNS];
	if (t->n_records == 0) {
		diag_add_at(d, DIAG_INPUT, file, 0, _("empty: the ledger needs a header row and a row per problem"));
		return -1;
	}
	if (csv_table_columns(t, file, ledger_column_names, LEDGER_COLUMNS, column, d) != 0)
		return -1;
	if (t->n_records == 1) {
		diag_add_at(d, DIAG_INPUT, file, t->line[0], _("no rows after the header"));
		return -1;
	}
	int n = t->n_records - 1;
	struct problem *p = malloc((size_t)(n ? n : 1) * sizeof *p);
	if (p == NULL) {
		diag_no_memory(d, _("reading the ledger"));
		return -1;
	}
	if (read_problems(t, file, column, p, d) != 0) {
		free(p);
		return -1;
	}
	if (weeks <= 0)
		weeks = weeks_to_latest(p, n, start, file, d);
	order_by_cell(p, n);
	int64_t *counts = calloc(3 * ((size_t)weeks + 1), sizeof *counts);
	struct text_buffer b = {0};
	if (counts == NULL) {
		free(p);
		diag_no_memory(d, _("reading the ledger"));
		return -1;
	}
	int64_t *found = counts, *fixed = counts + weeks + 1, *rebounded = counts + 2 * (weeks + 1);
	text_buffer_printf(&b, "district,category,week,found,fixed,rebounded,open\n");
	summary->problems = n;
	summary->weeks = weeks;
	for (int i = 0; i < n;) {
		int end = i;
		while (end < n && p[end].district_first == p[i].district_first &&
		       p[end].category_first == p[i].category_first)
			end++;
		memset(counts, 0, 3 * ((size_t)weeks + 1) * sizeof *counts);
		int64_t open = 0;
		int seen = 0;
		for (int k = i; k < end; k++) {
			int counted = tally_problem(&p[k], start, weeks, found, fixed, rebounded, &open);
			summary->counted += counted;
			summary->outside += !counted;
			seen |= counted;
		}
		if (seen) {
			summary->cells++;
			for (int w = 1; w <= weeks; w++) {
				open += found[w] - fixed[w] + rebounded[w];
				calibrate_text_csv_field(&b, p[i].district);
				text_buffer_printf(&b, ",");
				calibrate_text_csv_field(&b, p[i].category);
				text_buffer_printf(&b, ",%d,%lld,%lld,%lld,%lld\n", w, (long long)found[w],
						   (long long)fixed[w], (long long)rebounded[w], (long long)open);
			}
		}
		i = end;
	}
	free(counts);
	free(p);
	*csv = text_buffer_take(&b);
	if (*csv == NULL) {
		diag_no_memory(d, _("writing the weekly reports"));
		return -1;
	}
	return 0;
}

int ledger_read(const char *path, long start, int weeks, char **csv, struct ledger_summary *summary,
		struct diag *d)
{
	struct csv_table t;
	*csv = NULL;
	memset(summary, 0, sizeof *summary);
	if (csv_table_read(path, &t, d) != 0)
		return -1;
	int status = ledger_reports(&t, path, start, weeks, csv, summary, d);
	csv_table_free(&t);
	return status;
}

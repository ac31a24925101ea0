/*
 * A scenario file's text before libconfig parses it: read whole within the
 * documented size, each @include'd file checked, and every integer literal
 * found with its line. libconfig 1.5 wraps an integer literal beyond 32 bits
 * written without the L suffix (5000000000 reads as 705032704): the
 * @include'd files are expanded into the text first, and each such literal
 * gets its L there, so that it is read exactly wherever it is written. A
 * literal beyond 64 bits is refused at its own file's line.
 */
#include "scenario_int.h"
#include "ccsim_limits.h"
#include "i18n.h"

#include <errno.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A text this long is checked on two threads (below, one is as fast). */
#define PARALLEL_BYTES (1 << 20)

/* libconfig follows @include this deep at most. */
#define INCLUDE_DEPTH 10

/* Reports a problem of FILE (NULL: the list's own) at LINE. */
static void report(struct diag *d, const char *file, int line, const char *fmt, const char *a,
		   const char *b)
{
	if (file == NULL)
		diag_add(d, line, fmt, a, b);
	else
		diag_add_at(d, DIAG_INPUT, file, line, fmt, a, b);
}

char *literal_read_file(const char *path, const char *file, int line, struct diag *d, size_t *length)
{
	struct stat st;
	FILE *in = fopen(path, "rb");
	if (in == NULL) {
		char why[256];
		snprintf(why, sizeof why, "%s", strerror(errno));
		report(d, file, line, line ? _("cannot open the @include'd file '%s': %s")
					   : _("cannot open the scenario: %s%s"), line ? path : why,
		       line ? why : "");
		return NULL;
	}
	if (fstat(fileno(in), &st) != 0 || S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		int directory = S_ISDIR(st.st_mode);
		fclose(in);
		report(d, file, line,
		       directory ? _("'%s' is a directory, not a scenario file%s")
				 : _("'%s' is not a regular file (a scenario is a text file)%s"),
		       path, directory ? _(": name the .cfg file inside it") : "");
		return NULL;
	}
	if ((uint64_t)st.st_size > LIMIT_SCENARIO_BYTES) {
		char size[64];
		fclose(in);
		snprintf(size, sizeof size, _("%lld bytes"), (long long)st.st_size);
		report(d, file, line, _("'%s' holds %s, more than a scenario file may (64 MiB)"), path, size);
		return NULL;
	}
	char *text = malloc((size_t)st.st_size + 1);
	if (text == NULL) {
		fclose(in);
		diag_no_memory(d, _("reading the scenario"));
		return NULL;
	}
	size_t n = fread(text, 1, (size_t)st.st_size, in);
	int failed = ferror(in);
	fclose(in);
	if (failed) {
		free(text);
		report(d, file, line, _("cannot read '%s': %s"), path, strerror(EIO));
		return NULL;
	}
	text[n] = '\0';
	if (strlen(text) != n) {
		free(text);
		report(d, file, line, _("'%s' holds a NUL byte: a scenario is a text file%s"), path, "");
		return NULL;
	}
	*length = n;
	return text;
}

const char *literal_skip_string(const char *p, int *line)
{
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (*p == '\n')
			(*line)++;
	}
	return *p ? p + 1 : p;
}

const char *literal_skip_comment(const char *p, int *line)
{
	if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
		while (*p && *p != '\n')
			p++;
		return p;
	}
	if (p[0] == '/' && p[1] == '*') {
		for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
			if (*p == '\n')
				(*line)++;
		return *p ? p + 2 : p;
	}
	return p;
}

/* Where an integer literal at P needs an L: 1 beyond 32 bits, 2 beyond 64, else 0. */
static int integer_width(const char *start, const char *end, int hex)
{
	char digits[128];
	size_t n = (size_t)(end - start);
	if (n >= sizeof digits)
		return 2;
	memcpy(digits, start, n);
	digits[n] = '\0';
	errno = 0;
	if (hex) {
		unsigned long long v = strtoull(digits + (digits[0] == '+' || digits[0] == '-'), NULL, 16);
		if (errno == ERANGE)
			return 2;
		return v > 0x7fffffffULL;
	}
	long long v = strtoll(digits, NULL, 10);
	if (errno == ERANGE)
		return 2;
	return v < INT32_MIN || v > INT32_MAX;
}

/*
 * Scans TEXT (LENGTH bytes, every @include expanded) for integer literals:
 * returns TEXT itself when none needs an L, else a copy in which each
 * literal beyond 32 bits has one (NULL when memory runs out). Literals
 * beyond 64 bits and groups of too many settings are reported in D.
 */
static char *scan(char *text, size_t length, struct diag *d)
{
	char *out = NULL; /* allocated at the first L */
	size_t used = 0;
	int line = 1;
	const char *p = text;
	const char *copied = text; /* text before this is in OUT */
	int at_line_start = 1;
	/* the groups, lists and arrays open here (the file itself a group), and
	 * the settings each group has had so far */
	char open[64] = {'{'};
	int settings[64] = {0};
	int depth = 0, deeper = 0; /* deeper: brackets past the 64 followed */
	while (*p) {
		char c = *p;
		if (c == '#' || c == '/') {
			const char *q = literal_skip_comment(p, &line);
			if (q != p) {
				p = q;
				continue;
			}
		}
		if (c == '\n') {
			line++;
			p++;
			at_line_start = 1;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
			continue;
		}
		if (c == '@' && at_line_start && strncmp(p, "@include", 8) == 0) {
			/* one expand could not follow (libconfig names its problem) */
			while (*p && *p != '\n')
				p++;
			continue;
		}
		at_line_start = 0;
		if (c == '"') {
			p = literal_skip_string(p, &line);
			continue;
		}
		if (ascii_alpha(c) || c == '*' || c == '_') {
			while (ascii_name_char(*p))
				p++;
			continue;
		}
		if (c == '{' || c == '(' || c == '[') {
			if (depth + 1 < 64 && deeper == 0) {
				open[++depth] = c;
				settings[depth] = 0;
			} else {
				deeper++;
			}
		} else if (c == '}' || c == ')' || c == ']') {
			if (deeper > 0)
				deeper--;
			else if (depth > 0)
				depth--;
		} else if ((c == '=' || c == ':') && deeper == 0 && open[depth] == '{' &&
			   ++settings[depth] == LIMIT_GROUP_SETTINGS + 1) {
			char limit[24];
			snprintf(limit, sizeof limit, "%d", LIMIT_GROUP_SETTINGS);
			diag_add(d, line,
			       _("a group { } holds more than %s settings; a scenario's groups hold a "
				 "few dozen (libconfig would read this one in time growing with its "
				 "square)%s"), limit, "");
		}
		int sign = (c == '+' || c == '-') && (ascii_digit(p[1]) || p[1] == '.');
		if (!ascii_digit(c) && !sign && !(c == '.' && ascii_digit(p[1]))) {
			p++;
			continue;
		}
		const char *start = p;
		const char *digits = p + sign;
		int hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') &&
			  ascii_xdigit(digits[2]);
		const char *end = hex ? digits + 2 : digits;
		while (hex ? ascii_xdigit(*end) : ascii_digit(*end))
			end++;
		if (!hex && (*end == '.' || *end == 'e' || *end == 'E')) {
			/* a real number: libconfig reads it as a double */
			while (ascii_digit(*end) || *end == '.' || *end == 'e' || *end == 'E' ||
			       ((*end == '+' || *end == '-') && (end[-1] == 'e' || end[-1] == 'E')))
				end++;
			p = end;
			continue;
		}
		int suffixed = *end == 'L';
		/* up to 9 decimal or 7 hexadecimal digits always fit in 32 bits */
		size_t n_digits = (size_t)(end - digits) - (hex ? 2 : 0);
		int width = n_digits <= (hex ? 7u : 9u) ? 0 : integer_width(start, end, hex);
		char literal[64];
		if (width != 0)
			snprintf(literal, sizeof literal, "%.*s",
				 (int)(end - start > 40 ? 40 : end - start), start);
		if (width == 2) {
			diag_add(d, line,
			       _("the integer %s is too large: integers are at most 9223372036854775807%s"),
			       literal, "");
		} else if (width == 1 && !suffixed) {
			/* at most one L for every two characters of the text */
			if (out == NULL && (out = malloc(length + length / 2 + 2)) == NULL) {
				diag_no_memory(d, _("reading the scenario"));
				return NULL;
			}
			memcpy(out + used, copied, (size_t)(end - copied));
			used += (size_t)(end - copied);
			out[used++] = 'L';
			copied = end;
		}
		p = end;
		while (*p == 'L')
			p++;
	}
	if (out == NULL)
		return text;
	memcpy(out + used, copied, (size_t)(p - copied));
	used += (size_t)(p - copied);
	out[used] = '\0';
	return out;
}

/* ---- what planners type: full-width punctuation, curly quotes, 0,86 ------- */

/* The code point of the UTF-8 character at P (its length in *N; 1 for a bad byte). */
static unsigned decode(const char *p, int *n)
{
	const unsigned char *u = (const unsigned char *)p;
	int follow = u[0] < 0x80 ? 0 : (u[0] & 0xe0) == 0xc0 ? 1 : (u[0] & 0xf0) == 0xe0 ? 2
		     : (u[0] & 0xf8) == 0xf0 ? 3 : -1;
	unsigned code = follow <= 0 ? u[0] : u[0] & (0x3fu >> follow);
	for (int i = 1; i <= follow; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*n = 1;
			return u[0];
		}
		code = (code << 6) | (u[i] & 0x3f);
	}
	*n = follow <= 0 ? 1 : follow + 1;
	return code;
}

/* The ASCII a planner meant by CODE, typed with a Chinese input method; 0 when none. */
static int ascii_meant(unsigned code, const char **what)
{
	*what = _("full-width");
	if (code >= 0xff01 && code <= 0xff5e) /* the full-width forms of ASCII */
		return (int)(code - 0xfee0);
	switch (code) {
	case 0x3000: return ' ';
	case 0x3001: return ',';    /* 、 */
	case 0x3002: return '.';    /* 。 */
	case 0x3010: return '[';    /* 【 */
	case 0x3011: return ']';    /* 】 */
	}
	*what = _("curly");
	if (code == 0x201c || code == 0x201d || code == 0x2018 || code == 0x2019)
		return '"';
	return 0;
}

/* Characters (not bytes) from LINE_START to P, plus one: P's column. */
static int column_of(const char *line_start, const char *p)
{
	int column = 1;
	for (const char *q = line_start; q < p; q++)
		column += ((unsigned char)*q & 0xc0) != 0x80;
	return column;
}

/* Reports the character at P (CODE, N bytes) outside quotes at LINE, column COLUMN. */
static void report_typed(struct diag *d, const char *p, int n, unsigned code, int line, int column)
{
	const char *what;
	int meant = ascii_meant(code, &what);
	if (meant == '"')
		diag_add(d, line, _("column %d: the curly quote '%.*s' (U+%04X) is not a quote in a "
			 "scenario file: type the straight double quote '\"' (with the input method "
			 "in English mode)"), column, n, p, code);
	else if (meant != 0)
		diag_add(d, line, _("column %d: the %s '%.*s' (U+%04X) is not libconfig syntax: type "
			 "the ASCII '%c' (with the input method in English mode, or half-width)"),
			 column, what, n, p, code, meant);
	else
		diag_add(d, line, _("column %d: '%.*s' (U+%04X) outside double quotes: keys, numbers "
			 "and punctuation are ASCII; text such as a name goes in double quotes "
			 "(name = \"...\";)"), column, n, p, code);
}

/*
 * Reports what a planner typed that libconfig would only call a syntax
 * error: a full-width or curly character outside quotes, a string closed by
 * a curly quote, a decimal comma (satisfaction = 0,86;). Returns how many.
 */
static int check_typed(const char *text, struct diag *d)
{
	int before = d->count, line = 1;
	const char *line_start = text;
	char stack[64];         /* the open brackets: { ( [ */
	int depth = 0;
	int after_assign = 0;   /* the last token was '=' or ':' */
	const char *p = text;
	while (*p) {
		unsigned char c = (unsigned char)*p;
		int old_line = line;
		const char *q = c == '#' || c == '/' ? literal_skip_comment(p, &line) : p;
		if (q != p) {
			if (line != old_line)
				for (const char *r = q; r > p; r--)
					if (r[-1] == '\n') {
						line_start = r;
						break;
					}
			p = q;
			continue;
		}
		if (c == '\n') {
			line++;
			line_start = ++p;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
			continue;
		}
		if (c == '"') { /* a string: it must close on its own line, with a straight quote */
			const char *r = p + 1;
			while (*r && *r != '"' && *r != '\n')
				r += *r == '\\' && r[1] != '\0' && r[1] != '\n' ? 2 : 1;
			if (*r == '"') {
				p = r + 1;
				after_assign = 0;
				continue;
			}
			const char *curly = NULL;
			for (const char *t = p + 1; t < r; t++)
				if ((unsigned char)t[0] == 0xe2 && (unsigned char)t[1] == 0x80 &&
				    ((unsigned char)t[2] == 0x9c || (unsigned char)t[2] == 0x9d))
					curly = t;
			if (curly != NULL) {
				diag_add(d, line, _("column %d: the string opened at column %d ends with the "
					 "curly quote '%.3s': type the straight double quote '\"'"),
					 column_of(line_start, curly), column_of(line_start, p), curly);
				p = curly + 3;
				continue;
			}
			/* a string over several lines, as libconfig allows */
			q = literal_skip_string(p, &line);
			for (const char *t = q; t > p; t--)
				if (t[-1] == '\n') {
					line_start = t;
					break;
				}
			p = q;
			after_assign = 0;
			continue;
		}
		if (c >= 0x80) {
			int n;
			unsigned code = decode(p, &n);
			report_typed(d, p, n, code, line, column_of(line_start, p));
			p += n;
			continue;
		}
		if (c == '{' || c == '(' || c == '[') {
			if (depth < (int)sizeof stack)
				stack[depth] = (char)c;
			depth++;
		} else if ((c == '}' || c == ')' || c == ']') && depth > 0) {
			depth--;
		}
		int in_array = depth > 0 && depth <= (int)sizeof stack && stack[depth - 1] != '{';
		if (ascii_digit((char)c) || ((c == '-' || c == '+' || c == '.') && ascii_digit(p[1]))) {
			const char *start = p;
			p++;
			while (ascii_alpha(*p) || ascii_digit(*p) || *p == '.' ||
			       ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
				p++;
			if (after_assign && !in_array && *p == ',' && ascii_digit(p[1])) {
				const char *end = p + 1;
				while (ascii_digit(*end))
					end++;
				diag_add(d, line, _("column %d: '%.*s' has a decimal comma: write %.*s.%.*s "
					 "(a point, not a comma)"), column_of(line_start, start),
					 (int)(end - start), start, (int)(p - start), start,
					 (int)(end - p - 1), p + 1);
				p = end;
			}
			after_assign = 0;
			continue;
		}
		after_assign = c == '=' || c == ':';
		if (ascii_alpha((char)c) || c == '_' || c == '*' || c == '@') {
			while (ascii_name_char(*p) || *p == '@')
				p++;
			continue;
		}
		p++;
	}
	return d->count - before;
}

/* ---- a setting given twice ------------------------------------------------ */

int literal_duplicate(const char *text, int at, char *name, size_t size, int *first)
{
	struct seen {
		const char *name;
		int length, line, depth;
	} *seen = NULL;
	int n = 0, capacity = 0, depth = 0, line = 1, found = 0;
	const char *p = text;
	while (*p && !found) {
		const char *q = literal_skip_comment(p, &line);
		if (q != p) {
			p = q;
			continue;
		}
		char c = *p;
		if (c == '\n')
			line++;
		if (c == '"') {
			p = literal_skip_string(p, &line);
			continue;
		}
		if (c == '{' || c == '(' || c == '[')
			depth++;
		if (c == '}' || c == ')' || c == ']') {
			while (n > 0 && seen[n - 1].depth == depth)
				n--; /* the scope's names are forgotten */
			depth--;
		}
		if (!(ascii_alpha(c) || c == '*')) {
			p++;
			continue;
		}
		const char *start = p;
		while (ascii_name_char(*p))
			p++;
		const char *r = p;
		while (*r == ' ' || *r == '\t' || *r == '\r')
			r++;
		if (*r != '=' && *r != ':')
			continue; /* a value such as true */
		int length = (int)(p - start);
		for (int i = n - 1; i >= 0 && seen[i].depth == depth; i--)
			if (seen[i].length == length && memcmp(seen[i].name, start, (size_t)length) == 0 &&
			    line == at) {
				snprintf(name, size, "%.*s", length, start);
				*first = seen[i].line;
				found = 1;
			}
		if (n == capacity) {
			capacity = capacity ? 2 * capacity : 64;
			void *grown = realloc(seen, (size_t)capacity * sizeof *seen);
			if (grown == NULL)
				break;
			seen = grown;
		}
		seen[n++] = (struct seen){start, length, line, depth};
	}
	free(seen);
	return found;
}

/* ---- @include, expanded here ---------------------------------------------- */

/* The text being built: every file's lines in order, each line's origin. */
struct expansion {
	struct literal_map *map;
	char *text;
	size_t used, capacity;
	int lines_capacity;
	int failed;          /* out of memory */
	const char *directory;
	struct diag *d;
};

static int grow(void **array, size_t count, size_t size, size_t *capacity)
{
	if (count <= *capacity)
		return 0;
	size_t wanted = *capacity ? *capacity : 64;
	while (wanted < count)
		wanted *= 2;
	void *grown = realloc(*array, wanted * size);
	if (grown == NULL)
		return -1;
	*array = grown;
	*capacity = wanted;
	return 0;
}

/* Appends LINE (LENGTH bytes, without its newline) of file FILE at its line NUMBER. */
static void append_line(struct expansion *x, const char *line, size_t length, int file, int number)
{
	struct literal_map *m = x->map;
	size_t lines_capacity = (size_t)x->lines_capacity;
	if (x->failed || grow((void **)&x->text, x->used + length + 2, 1, &x->capacity) != 0 ||
	    grow((void **)&m->origin, (size_t)m->n_lines + 2, sizeof *m->origin, &lines_capacity) != 0) {
		x->failed = 1;
		return;
	}
	x->lines_capacity = (int)lines_capacity;
	memcpy(x->text + x->used, line, length);
	x->used += length;
	x->text[x->used++] = '\n';
	x->text[x->used] = '\0';
	m->n_lines++;
	m->origin[m->n_lines].file = file; /* lines count from 1 */
	m->origin[m->n_lines].line = number;
}

/* The name an @include line gives, copied into NAME; 0 when LINE is no @include. */
static int include_name(const char *line, size_t length, char *name, size_t size)
{
	const char *p = line, *end = line + length;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 8 || strncmp(p, "@include", 8) != 0)
		return 0;
	const char *open = memchr(p, '"', (size_t)(end - p));
	const char *close = open ? memchr(open + 1, '"', (size_t)(end - open - 1)) : NULL;
	if (close == NULL)
		return 0; /* libconfig says what is wrong */
	snprintf(name, size, "%.*s", (int)(close - open - 1), open + 1);
	return 1;
}

static void expand(struct expansion *x, const char *text, int file, int depth)
{
	const char *p = text;
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) /* stops at the end of a shorter text */
		p += 3; /* a UTF-8 byte-order mark (Notepad and WPS write one) */
	int number = 1;
	while (*p && !x->failed) {
		const char *newline = strchr(p, '\n');
		size_t length = newline ? (size_t)(newline - p) : strlen(p);
		char name[1024];
		if (include_name(p, length, name, sizeof name)) {
			struct literal_map *m = x->map;
			const char *here = m->files[file];
			char path[2048];
			if (name[0] == '/' || x->directory == NULL)
				snprintf(path, sizeof path, "%s", name);
			else
				snprintf(path, sizeof path, "%s/%s", x->directory, name);
			size_t size;
			char *included = NULL;
			if (depth >= INCLUDE_DEPTH)
				report(x->d, here, number, _("@include \"%s\": files include each other more "
				       "than 10 deep (a loop?)%s"), name, "");
			else
				included = literal_read_file(path, here, number, x->d, &size);
			size_t files_capacity = (size_t)m->n_files;
			char *copy = included ? strdup(path) : NULL;
			if (included != NULL &&
			    (copy == NULL ||
			     grow((void **)&m->files, (size_t)m->n_files + 1, sizeof *m->files, &files_capacity) != 0)) {
				free(copy);
				x->failed = 1;
			} else if (included != NULL) {
				m->files[m->n_files++] = copy;
				/* keep the line count: the directive's line becomes empty */
				append_line(x, "", 0, file, number);
				expand(x, included, m->n_files - 1, depth + 1);
			}
			free(included);
		} else {
			append_line(x, p, length, file, number);
		}
		if (newline == NULL)
			break;
		p = newline + 1;
		number++;
	}
}

void literal_map_free(struct literal_map *map)
{
	for (int i = 0; i < map->n_files; i++)
		free(map->files[i]);
	free(map->files);
	free(map->origin);
	memset(map, 0, sizeof *map);
}

void literal_map_entries(const struct literal_map *map, struct diag *d, int from)
{
	for (int i = from; i < d->count; i++) {
		struct diag_entry *e = &d->entries[i];
		if (e->file != NULL || e->line <= 0 || e->line > map->n_lines)
			continue;
		int file = map->origin[e->line].file;
		e->line = map->origin[e->line].line;
		if (file > 0)
			e->file = strdup(map->files[file]); /* NULL when out of memory: the list's file */
	}
}

char *literal_prepare(const char *text, size_t length, const char *name, const char *directory,
		      struct diag *d, struct literal_map *map)
{
	(void)length;
	memset(map, 0, sizeof *map);
	struct expansion x = {.map = map, .directory = directory, .d = d};
	int before = d->count;
	map->files = calloc(1, sizeof *map->files);
	if (map->files != NULL)
		map->files[0] = strdup(name);
	if (map->files == NULL || map->files[0] == NULL) {
		literal_map_free(map);
		diag_no_memory(d, _("reading the scenario"));
		return NULL;
	}
	map->n_files = 1;
	expand(&x, text, 0, 0);
	if (x.text == NULL && !x.failed && (x.text = strdup("")) == NULL)
		x.failed = 1;
	char *fixed = NULL;
	if (!x.failed && x.text != NULL) {
		/* a long text's two passes read it at once, on two threads when
		 * there are two; the literals' problems count only when nothing was
		 * mistyped */
		struct diag literals;
		diag_init(&literals, NULL);
		int mistyped = 0;
#pragma omp parallel sections num_threads(2) \
	if (x.used >= PARALLEL_BYTES && omp_get_max_threads() > 1)
		{
#pragma omp section
			mistyped = check_typed(x.text, d);
#pragma omp section
			fixed = scan(x.text, x.used, &literals);
		}
		if (mistyped == 0) {
			diag_move(d, &literals);
		} else {
			if (fixed != x.text)
				free(fixed);
			fixed = NULL;
		}
		diag_free(&literals);
	}
	if (fixed != x.text) /* else the text is handed on as it is */
		free(x.text);
	if (x.failed)
		diag_no_memory(d, _("reading the scenario"));
	literal_map_entries(map, d, before);
	if (fixed == NULL || d->count != before) {
		free(fixed);
		literal_map_free(map);
		return NULL;
	}
	return fixed;
}

/*
 * A scenario file's text before libconfig parses it: read whole within the
 * documented size, each @include'd file checked, and every integer literal
 * found with its line. libconfig 1.5 wraps an integer literal beyond 32 bits
 * written without the L suffix (5000000000 reads as 705032704): in the
 * file itself such a literal gets its L, so that it is read exactly; in an
 * @include'd file, which libconfig reads itself, it is refused at its line.
 * A literal beyond 64 bits is refused wherever it is.
 */
#include "scenario_int.h"
#include "ccsim_limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
		report(d, file, line, line ? "cannot open the @include'd file '%s': %s"
					   : "cannot open the scenario: %s%s", line ? path : why,
		       line ? why : "");
		return NULL;
	}
	if (fstat(fileno(in), &st) != 0 || S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		int directory = S_ISDIR(st.st_mode);
		fclose(in);
		report(d, file, line,
		       directory ? "'%s' is a directory, not a scenario file%s"
				 : "'%s' is not a regular file (a scenario is a text file)%s",
		       path, directory ? ": name the .cfg file inside it" : "");
		return NULL;
	}
	if ((uint64_t)st.st_size > LIMIT_SCENARIO_BYTES) {
		char size[64];
		fclose(in);
		snprintf(size, sizeof size, "%lld bytes", (long long)st.st_size);
		report(d, file, line, "'%s' holds %s, more than a scenario file may (64 MiB)", path, size);
		return NULL;
	}
	char *text = malloc((size_t)st.st_size + 1);
	if (text == NULL) {
		fclose(in);
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	size_t n = fread(text, 1, (size_t)st.st_size, in);
	int failed = ferror(in);
	fclose(in);
	if (failed) {
		free(text);
		report(d, file, line, "cannot read '%s': %s", path, strerror(EIO));
		return NULL;
	}
	text[n] = '\0';
	if (strlen(text) != n) {
		free(text);
		report(d, file, line, "'%s' holds a NUL byte: a scenario is a text file%s", path, "");
		return NULL;
	}
	*length = n;
	return text;
}

/* The end of the string literal starting at P (its opening quote). */
static const char *skip_string(const char *p, int *line)
{
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (*p == '\n')
			(*line)++;
	}
	return *p ? p + 1 : p;
}

/* The end of the comment starting at P, or P when none starts there. */
static const char *skip_comment(const char *p, int *line)
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
 * Scans TEXT (of FILE, NULL: the list's own) for integer literals. With FIX,
 * returns a copy in which each literal beyond 32 bits has an L; otherwise
 * reports each and returns NULL. Literals beyond 64 bits are reported either way.
 * INCLUDES receives the @include'd names (at most MAX, with their lines).
 */
static char *scan(const char *text, size_t length, const char *file, int fix, struct diag *d,
		  const char **includes, int *include_lines, int *n_includes, int max)
{
	char *out = fix ? malloc(length + length / 2 + 2) : NULL;
	size_t used = 0;
	int line = 1;
	if (fix && out == NULL) {
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	*n_includes = 0;
	const char *p = text;
	const char *copied = text; /* text before this is in OUT */
	int at_line_start = 1;
	while (*p) {
		const char *q = skip_comment(p, &line);
		if (q != p) {
			p = q;
			continue;
		}
		char c = *p;
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
			const char *quote = strchr(p, '"');
			const char *newline = strchr(p, '\n');
			if (quote != NULL && (newline == NULL || quote < newline) && *n_includes < max) {
				includes[*n_includes] = quote + 1;
				include_lines[(*n_includes)++] = line;
			}
			while (*p && *p != '\n')
				p++;
			continue;
		}
		at_line_start = 0;
		if (c == '"') {
			p = skip_string(p, &line);
			continue;
		}
		if (isalpha((unsigned char)c) || c == '*' || c == '_') {
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '*')
				p++;
			continue;
		}
		int sign = (c == '+' || c == '-') && (isdigit((unsigned char)p[1]) || p[1] == '.');
		if (!isdigit((unsigned char)c) && !sign && !(c == '.' && isdigit((unsigned char)p[1]))) {
			p++;
			continue;
		}
		const char *start = p;
		const char *digits = p + sign;
		int hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') &&
			  isxdigit((unsigned char)digits[2]);
		const char *end = hex ? digits + 2 : digits;
		while (hex ? isxdigit((unsigned char)*end) : isdigit((unsigned char)*end))
			end++;
		if (!hex && (*end == '.' || *end == 'e' || *end == 'E')) {
			/* a real number: libconfig reads it as a double */
			while (isdigit((unsigned char)*end) || *end == '.' || *end == 'e' || *end == 'E' ||
			       ((*end == '+' || *end == '-') && (end[-1] == 'e' || end[-1] == 'E')))
				end++;
			p = end;
			continue;
		}
		int suffixed = *end == 'L';
		int width = integer_width(start, end, hex);
		char literal[64];
		snprintf(literal, sizeof literal, "%.*s", (int)(end - start > 40 ? 40 : end - start), start);
		if (width == 2) {
			report(d, file, line,
			       "the integer %s is too large: integers are at most 9223372036854775807%s",
			       literal, "");
		} else if (width == 1 && !suffixed) {
			if (fix) {
				memcpy(out + used, copied, (size_t)(end - copied));
				used += (size_t)(end - copied);
				out[used++] = 'L';
				copied = end;
			} else {
				report(d, file, line,
				       "the integer %s does not fit in 32 bits and libconfig would wrap it: "
				       "write %sL",
				       literal, literal);
			}
		}
		p = end;
		while (*p == 'L')
			p++;
	}
	if (!fix)
		return NULL;
	memcpy(out + used, copied, (size_t)(p - copied));
	used += (size_t)(p - copied);
	out[used] = '\0';
	return out;
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
				report(x->d, here, number, "@include \"%s\": files include each other more "
				       "than 10 deep (a loop?)%s", name, "");
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
		diag_no_memory(d, "reading the scenario");
		return NULL;
	}
	map->n_files = 1;
	expand(&x, text, 0, 0);
	if (x.text == NULL && !x.failed && (x.text = strdup("")) == NULL)
		x.failed = 1;
	char *fixed = NULL;
	if (!x.failed && x.text != NULL) {
		const char *includes[1];
		int include_lines[1], n;
		fixed = scan(x.text, x.used, NULL, 1, d, includes, include_lines, &n, 0);
	}
	free(x.text);
	if (x.failed)
		diag_no_memory(d, "reading the scenario");
	literal_map_entries(map, d, before);
	if (fixed == NULL || d->count != before) {
		free(fixed);
		literal_map_free(map);
		return NULL;
	}
	return fixed;
}

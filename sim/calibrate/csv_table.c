#include "csv_table.h"
#include "ccsim_limits.h"
#include "i18n.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- encodings ----------------------------------------------------------- */

/* The offset of the first byte of TEXT that does not begin or continue a
 * well-formed UTF-8 character (overlong forms, surrogates and NUL included),
 * or SIZE when there is none. */
static size_t utf8_invalid_at(const unsigned char *text, size_t size)
{
	size_t i = 0;
	while (i < size) {
		unsigned char c = text[i];
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t min, code;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1, min = 0x80, code = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2, min = 0x800, code = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3, min = 0x10000, code = c & 0x07;
		} else {
			return i;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= size || (text[i + k] & 0xC0) != 0x80)
				return i;
			code = code << 6 | (text[i + k] & 0x3F);
		}
		if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return size;
}

static int count_lines(const char *text, size_t size)
{
	int lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	return lines;
}

/*
 * Converts the SIZE bytes at IN from FROM to UTF-8 into a new *OUT. Returns
 * 0; -1 with a problem at the line of the first byte that FROM cannot read.
 */
static int convert(const char *in, size_t size, const char *from, const char *file, char **out,
		   size_t *out_size, struct diag *d)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1) {
		diag_add_at(d, DIAG_SYSTEM, file, 0, _("cannot convert from %s: %s"), from,
			    strerror(errno));
		return -1;
	}
	size_t capacity = 2 * size + 16;
	char *text = malloc(capacity);
	if (text == NULL) {
		iconv_close(cd);
		diag_no_memory(d, _("reading the reports"));
		return -1;
	}
	char *at = (char *)in, *to = text;
	size_t left = size, room = capacity - 1;
	size_t result = iconv(cd, &at, &left, &to, &room);
	int saved = errno;
	iconv_close(cd);
	if (result == (size_t)-1) {
		int line = count_lines(text, (size_t)(to - text));
		if (strcmp(from, "GB18030") == 0)
			diag_add_at(d, DIAG_INPUT, file, line,
				    _("byte 0x%02X is neither UTF-8 nor GB18030: save the file as "
				    "CSV UTF-8 (Excel, WPS) or in the Chinese (GB18030) encoding"),
				    (unsigned char)*at);
		else
			diag_add_at(d, DIAG_INPUT, file, line, _("not valid %s (%s)"), from,
				    strerror(saved));
		free(text);
		return -1;
	}
	*to = '\0';
	*out = text;
	*out_size = (size_t)(to - text);
	return 0;
}

/* The file's text as UTF-8 (a new *OUT), its encoding named in ENCODING. */
static int decode(const char *bytes, size_t size, const char *file, char **out, size_t *out_size,
		  char *encoding, struct diag *d)
{
	const unsigned char *b = (const unsigned char *)bytes;
	if (size >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
		const char *from = b[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
		strcpy(encoding, from);
		return convert(bytes + 2, size - 2, from, file, out, out_size, d);
	}
	int bom = size >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF;
	const char *text = bytes + (bom ? 3 : 0);
	size_t length = size - (bom ? 3 : 0);
	size_t bad = utf8_invalid_at((const unsigned char *)text, length);
	if (bad < length && (bom || text[bad] == '\0')) {
		diag_add_at(d, DIAG_INPUT, file, count_lines(text, bad),
			    text[bad] == '\0' ? _("a NUL byte: save the file as CSV UTF-8 or as GB18030 text")
					      : _("not UTF-8 although the file starts with a UTF-8 byte-order mark"));
		return -1;
	}
	if (bad < length) {
		strcpy(encoding, "GB18030");
		return convert(text, length, "GB18030", file, out, out_size, d);
	}
	strcpy(encoding, bom ? "UTF-8 with BOM" : "UTF-8");
	*out = malloc(length + 1);
	if (*out == NULL) {
		diag_no_memory(d, _("reading the reports"));
		return -1;
	}
	memcpy(*out, text, length);
	(*out)[length] = '\0';
	*out_size = length;
	return 0;
}

/* ---- records ------------------------------------------------------------- */

struct parse_state {
	struct csv_table *t;
	size_t text_length, text_capacity;
	size_t n_fields, field_capacity;
	size_t line_capacity, first_capacity;
	int line;              /* the line being fed to the parser */
	int record_newlines;   /* line breaks inside the current record's fields */
	int record_filled;     /* some field of the current record is not empty */
	int out_of_memory;
};

static int grow(void **array, size_t *capacity, size_t need, size_t size)
{
	if (need <= *capacity)
		return 0;
	size_t n = *capacity ? *capacity : 256;
	while (n < need)
		n *= 2;
	void *bigger = realloc(*array, n * size);
	if (bigger == NULL)
		return -1;
	*array = bigger;
	*capacity = n;
	return 0;
}

/* The spaces a field is trimmed of: ASCII blanks and line breaks, and those
 * a Chinese spreadsheet types, the ideographic space U+3000 and the
 * no-break space U+00A0. Their length at the start of S (SIZE bytes), or 0. */
static size_t space_at(const char *s, size_t size)
{
	if (size >= 1 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		return 1;
	if (size >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
		return 2;
	if (size >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* As space_at, for the end of S. */
static size_t space_before(const char *s, size_t size)
{
	if (size >= 1 && space_at(s + size - 1, 1) == 1)
		return 1;
	if (size >= 2 && space_at(s + size - 2, 2) == 2)
		return 2;
	if (size >= 3 && space_at(s + size - 3, 3) == 3)
		return 3;
	return 0;
}

static void on_field(void *data, size_t size, void *context)
{
	struct parse_state *p = context;
	const char *s = data ? data : "";
	for (size_t i = 0; i < size; i++)
		p->record_newlines += s[i] == '\n';
	size_t n;
	while ((n = space_at(s, size)) > 0)
		s += n, size -= n;
	while ((n = space_before(s, size)) > 0)
		size -= n;
	if (p->out_of_memory)
		return;
	struct csv_table *t = p->t;
	if (grow((void **)&t->text, &p->text_capacity, p->text_length + size + 1, 1) != 0 ||
	    grow((void **)&t->field, &p->field_capacity, p->n_fields + 1, sizeof *t->field) != 0) {
		p->out_of_memory = 1;
		return;
	}
	memcpy(t->text + p->text_length, s, size);
	t->text[p->text_length + size] = '\0';
	t->field[p->n_fields++] = p->text_length;
	p->text_length += size + 1;
	p->record_filled |= size > 0;
}

static void on_record(int terminator, void *context)
{
	(void)terminator;
	struct parse_state *p = context;
	struct csv_table *t = p->t;
	int newlines = p->record_newlines;
	p->record_newlines = 0;
	if (p->out_of_memory)
		return;
	size_t first = t->first[t->n_records];
	if (!p->record_filled) { /* a blank row, as spreadsheets write below the data */
		if (p->n_fields > first)
			p->text_length = t->field[first];
		p->n_fields = first;
		return;
	}
	p->record_filled = 0;
	size_t n = (size_t)t->n_records;
	if (grow((void **)&t->line, &p->line_capacity, n + 1, sizeof *t->line) != 0 ||
	    grow((void **)&t->first, &p->first_capacity, n + 2, sizeof *t->first) != 0) {
		p->out_of_memory = 1;
		return;
	}
	t->line[n] = p->line - newlines;
	t->first[n + 1] = p->n_fields;
	t->n_records++;
}

static int is_space(unsigned char c)
{
	return c == ' ';
}

/* The bytes fed to libcsv at a time. */
#define PARSE_PIECE ((size_t)1 << 16)

/* Parses the UTF-8 TEXT into T's records, a line at a time so that each
 * record knows its line. */
static int parse(const char *text, size_t size, const char *file, struct csv_table *t,
		 struct diag *d)
{
	struct parse_state p = {.t = t};
	struct csv_parser parser;
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		diag_no_memory(d, _("reading the reports"));
		return -1;
	}
	const char *newline = memchr(text, '\n', size);
	t->delimiter = memchr(text, '\t', newline ? (size_t)(newline - text) : size) ? '\t' : ',';
	csv_set_delim(&parser, (unsigned char)t->delimiter);
	csv_set_space_func(&parser, is_space);
	if (grow((void **)&t->first, &p.first_capacity, 1, sizeof *t->first) != 0) {
		csv_free(&parser);
		diag_no_memory(d, _("reading the reports"));
		return -1;
	}
	t->first[0] = 0;
	int status = 0, at_end = 0;
	size_t at = 0;
	while (at < size && status == 0) {
		const char *end = memchr(text + at, '\n', size - at);
		size_t length = end ? (size_t)(end - (text + at)) + 1 : size - at;
		p.line++;
		/* a long line in pieces, libcsv's field buffer growing by its own size
		 * after each (it grows by a fixed block, quadratic for a field of
		 * megabytes where realloc copies) */
		for (size_t done = 0; done < length && status == 0;) {
			size_t piece = length - done < PARSE_PIECE ? length - done : PARSE_PIECE;
			if (csv_parse(&parser, text + at + done, piece, on_field, on_record, &p) != piece)
				status = -1;
			done += piece;
			if (parser.entry_size > parser.blk_size)
				csv_set_blk_size(&parser, parser.entry_size);
		}
		at += length;
	}
	if (status == 0 && csv_fini(&parser, on_field, on_record, &p) != 0)
		status = -1, at_end = 1;
	if (status != 0) {
		if (csv_error(&parser) == CSV_EPARSE)
			diag_add_at(d, DIAG_INPUT, file, p.line,
				    at_end ? _("the file ends inside a quoted field: a quote (\") is not closed")
				    : _("a quote (\") inside a field: enclose the field in quotes and double "
				      "the quotes within it"));
		else
			diag_no_memory(d, _("reading the reports"));
	} else if (p.out_of_memory) {
		diag_no_memory(d, _("reading the reports"));
		status = -1;
	}
	csv_free(&parser);
	return status;
}

/* ---- the table ----------------------------------------------------------- */

int csv_table_parse(const char *bytes, size_t size, const char *file, struct csv_table *t,
		    struct diag *d)
{
	memset(t, 0, sizeof *t);
	char *text = NULL;
	size_t length = 0;
	if (decode(bytes, size, file, &text, &length, t->encoding, d) != 0)
		return -1;
	int status = parse(text, length, file, t, d);
	free(text);
	if (status != 0)
		csv_table_free(t);
	return status;
}

int csv_table_read(const char *path, struct csv_table *t, struct diag *d)
{
	memset(t, 0, sizeof *t);
	FILE *in = fopen(path, "rb");
	if (in == NULL) {
		diag_add_at(d, DIAG_INPUT, path, 0, _("cannot open: %s"), strerror(errno));
		return -1;
	}
	char *bytes = NULL;
	size_t size = 0, capacity = 0;
	for (;;) {
		if (size > LIMIT_REPORTS_BYTES) {
			free(bytes);
			fclose(in);
			diag_add_at(d, DIAG_INPUT, path, 0,
				    _("more than %d MiB: not a spreadsheet's export of weekly reports or a "
				    "ledger (a year of 100 districts' reports is about 4 MB)"),
				    (int)(LIMIT_REPORTS_BYTES >> 20));
			return -1;
		}
		if (grow((void **)&bytes, &capacity, size + 65536, 1) != 0) {
			free(bytes);
			fclose(in);
			diag_no_memory(d, _("reading the reports"));
			return -1;
		}
		size_t room = capacity - size; /* read no more than one byte past the limit */
		if (room > LIMIT_REPORTS_BYTES + 1 - size)
			room = LIMIT_REPORTS_BYTES + 1 - size;
		size_t got = fread(bytes + size, 1, room, in);
		size += got;
		if (got == 0)
			break;
	}
	int failed = ferror(in);
	fclose(in);
	if (failed) {
		free(bytes);
		diag_add_at(d, DIAG_INPUT, path, 0, _("cannot read: %s"), strerror(errno));
		return -1;
	}
	int status = csv_table_parse(bytes, size, path, t, d);
	free(bytes);
	return status;
}

void csv_table_free(struct csv_table *t)
{
	free(t->line);
	free(t->first);
	free(t->field);
	free(t->text);
	memset(t, 0, sizeof *t);
}

const char *csv_table_shown(const char *field, char *out, size_t size)
{
	size_t n = 0;
	int characters = 0;
	while (field[n] != '\0' && characters < CSV_TABLE_SHOWN) {
		n++;
		while ((field[n] & 0xC0) == 0x80)
			n++;
		characters++;
	}
	if (n + 4 > size) /* too small a buffer: show nothing rather than half a character */
		n = 0;
	memcpy(out, field, n);
	strcpy(out + n, field[n] != '\0' ? "\xE2\x80\xA6" : "");
	return out;
}

/* Whether the header's HEADER is NAME: English names without regard to case. */
static int same_name(const char *header, const char *name)
{
	for (; *header != '\0' && *name != '\0'; header++, name++) {
		char a = *header, b = *name;
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return *header == *name;
}

int csv_table_columns(const struct csv_table *t, const char *file, const char *const *const *names,
		      int n, int *index, struct diag *d)
{
	int errors = 0;
	int line = t->n_records > 0 ? t->line[0] : 1;
	int width = t->n_records > 0 ? csv_table_width(t, 0) : 0;
	for (int w = 0; w < n; w++) {
		index[w] = -1;
		for (int c = 0; c < width; c++) {
			const char *header = csv_table_field(t, 0, c);
			int match = 0;
			for (const char *const *name = names[w]; *name != NULL; name++)
				match |= same_name(header, *name);
			if (!match)
				continue;
			if (index[w] >= 0) {
				diag_add_at(d, DIAG_INPUT, file, line,
					    _("columns %d and %d are both '%s': keep one"), index[w] + 1, c + 1,
					    names[w][0]);
				errors++;
			} else {
				index[w] = c;
			}
		}
		if (index[w] < 0) {
			char accepted[256] = "";
			for (const char *const *name = names[w]; *name != NULL; name++)
				snprintf(accepted + strlen(accepted), sizeof accepted - strlen(accepted),
					 "%s%s", name == names[w] ? "" : ", ", *name);
			diag_add_at(d, DIAG_INPUT, file, line,
				    _("no column '%s' in the header (accepted names: %s)"), names[w][0],
				    accepted);
			errors++;
		}
	}
	return errors ? -1 : 0;
}

/*
 * A long district list parsed in parts, on several threads.
 *
 * libconfig reads one text on one thread, and a city of 100,000 districts
 * spends most of its loading there. Two of its costs grow faster than the
 * list: config_setting_add compares each new member with the group's
 * others character by character, and a list's element array grows by
 * realloc 16 elements at a time, so that a list of n districts copies about
 * n * n / 4 bytes as it grows (at 100,000 a tenth of the read, in a profile).
 * The districts are independent groups, so the text is cut between two of
 * them every few thousand districts: the first part keeps everything else
 * and the list's first districts, each other part is a list of its own
 * holding the next districts. The parts are parsed at once, each by its own
 * libconfig, and the later parts' districts then move into the first part's
 * list in one step: the tree is the one a single read gives, setting for
 * setting.
 *
 * Every part keeps the text's line numbers: the first part's left-out
 * districts are replaced by their newlines alone; a later part starts at its
 * own districts, whose lines are moved on by the newlines before them as
 * they join the first part's list (blanking those newlines instead, each
 * part would read again the text's lines up to it: a text of many lines
 * read dozens of times over). When any part fails, the whole text is read
 * again at once, so that libconfig's message is the one a single read
 * gives.
 */
#include "scenario_int.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* A part holds about this many districts; a shorter list is read at once. */
enum { SPLIT_PART_DISTRICTS = 2048 };

/* Past the comment or the string starting at P, or P when neither starts there. */
static const char *skip_text(const char *p)
{
	int line = 0;
	return *p == '"' ? literal_skip_string(p, &line) : literal_skip_comment(p, &line);
}

/*
 * Finds the top-level list "districts = ( ... )" in TEXT: its ')' in
 * *CLOSE, and in *CUTS (allocated) the commas after every
 * SPLIT_PART_DISTRICTS-th of its elements. Returns the number of cuts, 0
 * when the list is missing, short or malformed (or memory ran out).
 */
static int find_cuts(const char *text, size_t *close, size_t **cuts)
{
	const char *p = text, *list = NULL;
	int depth = 0, named = 0; /* named: "districts" then '=' or ':' seen at the top */
	while (*p && list == NULL) {
		const char *q = skip_text(p);
		if (q != p) {
			p = q;
			continue;
		}
		char c = *p;
		if (ascii_alpha(c) || c == '_' || c == '*') { /* a name starts here */
			const char *start = p;
			while (ascii_name_char(*p))
				p++;
			named = depth == 0 && p - start == 9 && memcmp(start, "districts", 9) == 0 ? 1 : 0;
		} else if (c == '=' || c == ':') {
			named = named == 1 ? 2 : 0;
			p++;
		} else if (c == '(' && named == 2) {
			list = p;
		} else {
			if (c == '{' || c == '(' || c == '[')
				depth++;
			else if (c == '}' || c == ')' || c == ']')
				depth--;
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				named = 0;
			p++;
		}
	}
	if (list == NULL)
		return 0;
	/* the list's commas between its elements; strcspn skips to the next
	 * character that matters (most of the text is districts' keys and values) */
	size_t n_commas = 0, *commas = NULL, capacity = 0;
	int nested = 0;
	for (p = list + 1; *(p += strcspn(p, "\"#/{}()[],")) != '\0'; ) {
		const char *q = skip_text(p);
		if (q != p) {
			p = q;
			continue;
		}
		char c = *p;
		if (c == '{' || c == '(' || c == '[') {
			nested++;
		} else if (c == '}' || c == ']' || (c == ')' && nested > 0)) {
			nested--;
		} else if (c == ')') {
			break;
		} else if (c == ',' && nested == 0) {
			if (n_commas == capacity) {
				capacity = capacity ? 2 * capacity : 1024;
				size_t *grown = realloc(commas, capacity * sizeof *commas);
				if (grown == NULL) {
					free(commas);
					return 0;
				}
				commas = grown;
			}
			commas[n_commas++] = (size_t)(p - text);
		}
		p++;
	}
	int n_cuts = 0;
	*cuts = commas;
	if (*p == ')' && nested == 0 && n_commas >= 2 * SPLIT_PART_DISTRICTS) {
		*close = (size_t)(p - text);
		/* a cut after every part's districts; a trailing comma (before the
		 * ')') is never one: the last part always holds districts */
		for (size_t next = SPLIT_PART_DISTRICTS - 1; next + 1 < n_commas;
		     next += SPLIT_PART_DISTRICTS)
			commas[n_cuts++] = commas[next];
	}
	if (n_cuts == 0) {
		free(commas);
		*cuts = NULL;
	}
	return n_cuts;
}

/* The newlines in TEXT[FROM, TO). */
static size_t newlines(const char *text, size_t from, size_t to)
{
	size_t n = 0;
	for (const char *p = memchr(text + from, '\n', to - from); p != NULL;
	     p = memchr(p + 1, '\n', (size_t)(text + to - p - 1)))
		n++;
	return n;
}

/* A text cut between districts. */
struct cut_text {
	const char *text;
	size_t length;
	size_t close;        /* the district list's ')' */
	const size_t *cuts;  /* [n_cuts]: the commas cut at */
	const size_t *lines; /* [n_cuts + 1]: the newlines before each cut, and before CLOSE */
	int n_cuts;
};

/*
 * The text of part K: part 0 is the text with the districts after the first
 * cut blanked; part K > 0 is "districts = (" and the districts between cut
 * K and the next (or the list's end), its lines counted from 1 (the
 * newlines before cut K - 1 are added to them when they move). Each part's
 * ')' stands where the comma after its last district stood: libconfig gives
 * a string its line once it has read the next token (another string would
 * join it), so part 0's ')' comes before the blanked lines, not after.
 */
static char *part_text(const struct cut_text *t, int k)
{
	static const char head[] = "districts=(";
	size_t from = k == 0 ? 0 : t->cuts[k - 1] + 1;
	size_t to = k == 0 ? t->cuts[0] : k < t->n_cuts ? t->cuts[k] : t->close;
	size_t blank = k == 0 ? t->lines[t->n_cuts] - t->lines[0] : 0;
	size_t tail = k == 0 ? t->length - t->close : 2;
	char *out = malloc(blank + sizeof head + (to - from) + tail + 1);
	if (out == NULL)
		return NULL;
	size_t used = 0;
	if (k > 0) {
		memcpy(out, head, sizeof head - 1);
		used = sizeof head - 1;
	}
	memcpy(out + used, t->text + from, to - from);
	used += to - from;
	if (k == 0) {
		out[used++] = ')';
		memset(out + used, '\n', blank);
		memcpy(out + used + blank, t->text + t->close + 1, tail - 1);
		used += blank + tail - 1;
	} else {
		memcpy(out + used, ");", 2);
		used += 2;
	}
	out[used] = '\0';
	return out;
}

/* Makes CONFIG the owner of SETTING and everything under it, their lines
 * moved on by LINES. */
static void adopt(config_setting_t *setting, config_t *config, unsigned lines)
{
	setting->config = config;
	setting->line += lines;
	if (config_setting_is_aggregate(setting) && setting->value.list != NULL)
		for (unsigned i = 0; i < setting->value.list->length; i++)
			adopt(setting->value.list->elements[i], config, lines);
}

static config_setting_t *districts_of(config_t *config)
{
	config_setting_t *list = config_setting_get_member(config_root_setting(config), "districts");
	return list != NULL && config_setting_is_list(list) ? list : NULL;
}

/* Gives the districts of PART to CONFIG, their lines moved on by LINES (the
 * newlines before PART's text): on PART's thread, before the graft. */
static void adopt_part(config_t *part, config_t *config, unsigned lines)
{
	config_setting_t *from = districts_of(part);
	config_list_t *list = from != NULL ? from->value.list : NULL;
	for (unsigned i = 0; list != NULL && i < list->length; i++)
		adopt(list->elements[i], config, lines);
}

/*
 * Moves the districts of FROM's list (adopted already) to the end of
 * INTO's. libconfig grows a list's element array by realloc, 16 at a time:
 * the moved-to array keeps that shape, so later additions by libconfig
 * stay within it.
 */
static int graft(config_setting_t *into, config_setting_t *from)
{
	config_list_t *a = into->value.list, *b = from->value.list;
	if (a == NULL || b == NULL || b->length == 0)
		return b == NULL || b->length == 0 ? 0 : -1;
	unsigned total = a->length + b->length;
	size_t capacity = ((size_t)total + 15) / 16 * 16;
	config_setting_t **elements = realloc(a->elements, capacity * sizeof *elements);
	if (elements == NULL)
		return -1;
	a->elements = elements;
	for (unsigned i = 0; i < b->length; i++) {
		config_setting_t *district = b->elements[i];
		district->parent = into;
		a->elements[a->length++] = district;
	}
	b->length = 0; /* FROM's destruction frees the array, not the districts */
	return 0;
}

/*
 * The parts of a read, kept while the tree lives. Freeing 2.2 million
 * settings on one thread, half of them allocated by another thread's malloc
 * arena, is a tenth of a long list's load: each later part's districts go
 * back into its own list and are freed by the thread that parsed them, in
 * its own arena, on both threads at once.
 */
struct split_parts {
	int n;                       /* parts; [0] is the tree's own configuration */
	config_t *configs;           /* [n]: each later part's configuration, its list empty */
	int *owner;                  /* [n]: the OpenMP thread that parsed it */
	int team;                    /* the threads of the parse */
	unsigned *first;             /* [n + 1]: part k's districts in the joined list */
	config_setting_t **elements; /* the joined list as read: freed by part only when unchanged */
};

/* Frees PARTS, destroying the configurations of the parts not destroyed yet. */
static void parts_free(struct split_parts *parts, int destroyed)
{
	if (parts == NULL)
		return;
	for (int k = 1; !destroyed && k < parts->n; k++)
		config_destroy(&parts->configs[k]);
	free(parts->configs);
	free(parts->owner);
	free(parts->first);
	free(parts->elements);
	free(parts);
}

void split_destroy(config_t *config, struct split_parts *parts)
{
	config_setting_t *list = parts != NULL ? districts_of(config) : NULL;
	config_list_t *joined = list != NULL ? list->value.list : NULL;
	/* a layer may have added districts since: then one thread frees all */
	int same = joined != NULL && joined->length == parts->first[parts->n] &&
		   memcmp(joined->elements, parts->elements,
			  joined->length * sizeof *joined->elements) == 0;
	if (same) {
#pragma omp parallel num_threads(parts->team)
		{
			int me = omp_get_thread_num(), team = omp_get_num_threads();
			for (int k = 1; k < parts->n; k++) {
				if (parts->owner[k] % team != me)
					continue;
				/* the part's districts back in its own list, freed with it */
				config_list_t *own = districts_of(&parts->configs[k])->value.list;
				own->length = parts->first[k + 1] - parts->first[k];
				memcpy(own->elements, joined->elements + parts->first[k],
				       own->length * sizeof *own->elements);
				config_destroy(&parts->configs[k]);
			}
		}
		joined->length = parts->first[1];
	}
	parts_free(parts, same);
	config_destroy(config);
}

int split_read(config_t *config, const char *text, struct split_parts **parts)
{
	size_t close = 0, *cuts = NULL;
	if (parts != NULL)
		*parts = NULL;
	int n_cuts = find_cuts(text, &close, &cuts);
	if (n_cuts == 0)
		return config_read_string(config, text);
	int n = n_cuts + 1, team = 1;
	size_t *lines = malloc((size_t)n * sizeof *lines);
	config_t *others = calloc((size_t)n, sizeof *others); /* [0]: unused, CONFIG is part 0 */
	int *ok = calloc((size_t)n, sizeof *ok);
	int *owner = calloc((size_t)n, sizeof *owner);
	unsigned *first = calloc((size_t)n + 1, sizeof *first); /* part k's districts, joined */
	int all = lines != NULL && others != NULL && ok != NULL && owner != NULL && first != NULL;
	struct cut_text cut = {.text = text, .length = strlen(text), .close = close, .cuts = cuts,
			       .lines = lines, .n_cuts = n_cuts};
	for (int k = 0; k < n && all; k++)
		lines[k] = (k ? lines[k - 1] : 0) +
			   newlines(text, k ? cuts[k - 1] : 0, k < n_cuts ? cuts[k] : close);
	for (int k = 1; k < n && all; k++) {
		config_init(&others[k]);
		config_set_options(&others[k], config_get_options(config));
	}
	if (all) {
#pragma omp parallel for schedule(dynamic, 1)
		for (int k = 0; k < n; k++) {
			owner[k] = omp_get_thread_num();
			if (k == 0)
				team = omp_get_num_threads();
			char *part = part_text(&cut, k);
			ok[k] = part != NULL && config_read_string(k == 0 ? config : &others[k], part);
			free(part);
			if (k > 0 && ok[k])
				adopt_part(&others[k], config, (unsigned)lines[k - 1]);
		}
		for (int k = 0; k < n; k++)
			all = all && ok[k];
	}
	config_setting_t *into = all ? districts_of(config) : NULL;
	for (int k = 1; k < n && into != NULL; k++) {
		config_setting_t *from = districts_of(&others[k]);
		first[k] = (unsigned)config_setting_length(into);
		if (from == NULL || graft(into, from) != 0)
			into = NULL;
	}
	struct split_parts *kept_parts = NULL;
	if (into != NULL && parts != NULL && team > 1) {
		first[n] = (unsigned)config_setting_length(into);
		kept_parts = calloc(1, sizeof *kept_parts);
		config_setting_t **elements = malloc(first[n] * sizeof *elements);
		if (kept_parts != NULL && elements != NULL) {
			memcpy(elements, into->value.list->elements, first[n] * sizeof *elements);
			*kept_parts = (struct split_parts){.n = n, .configs = others, .owner = owner,
							   .team = team, .first = first,
							   .elements = elements};
		} else {
			free(kept_parts);
			free(elements);
			kept_parts = NULL;
		}
	}
	if (kept_parts == NULL) {
		for (int k = 1; k < n && others != NULL && ok != NULL; k++)
			config_destroy(&others[k]);
		free(others);
		free(owner);
		free(first);
	}
	free(ok);
	free(lines);
	free(cuts);
	if (into != NULL) {
		if (parts != NULL)
			*parts = kept_parts;
		return CONFIG_TRUE;
	}
	/* a part failed (or memory ran out): one read, for libconfig's own message */
	int options = config_get_options(config);
	const char *directory = config_get_include_dir(config);
	char *kept = directory != NULL ? strdup(directory) : NULL;
	config_destroy(config);
	config_init(config);
	config_set_options(config, options);
	if (kept != NULL)
		config_set_include_dir(config, kept);
	free(kept);
	return config_read_string(config, text);
}

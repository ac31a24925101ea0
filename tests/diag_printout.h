/*
 * diag_printout: every entry of a list as diag_print writes them, in one string
 * (free it), for tests that compare the messages of two reads.
 */
#ifndef CCSIM_TESTS_DIAG_PRINTOUT_H
#define CCSIM_TESTS_DIAG_PRINTOUT_H

#include <stdio.h>

#include "diag.h"

static inline char *diag_printout(const struct diag *d)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	assert_non_null(out);
	diag_print(d, out);
	fclose(out);
	return text;
}

#endif

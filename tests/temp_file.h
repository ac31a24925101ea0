/*
 * temp_file: a scenario written to a fresh file under /tmp, for tests that
 * need a path (relative @include and plugins resolve beside it). Remove it
 * with unlink(PATH).
 */
#ifndef CCSIM_TESTS_TEMP_FILE_H
#define CCSIM_TESTS_TEMP_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes TEXT to a new file; PATH (room for 64 bytes) receives its name. */
static inline void write_temp_file(char *path, const char *text)
{
	snprintf(path, 64, "/tmp/ccsim-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *out = fdopen(fd, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

#endif

#include "atomic_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int atomic_file_write(const char *path, const char *text, size_t size, char *error, size_t error_size)
{
	size_t length = strlen(path);
	char *temporary = malloc(length + 16);
	if (temporary == NULL) {
		snprintf(error, error_size, "cannot write %s: out of memory", path);
		return -1;
	}
	/* Same directory as the target, so that rename() stays on one file system. */
	snprintf(temporary, length + 16, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(temporary);
	if (fd < 0) {
		snprintf(error, error_size, "cannot write %s: %s", path, strerror(errno));
		free(temporary);
		return -1;
	}
	/* mkstemp makes the file private; give it the mode a plain fopen would. */
	mode_t mask = umask(0);
	umask(mask);
	int saved = fchmod(fd, 0666 & ~mask) != 0 ? errno : 0;
	const char *at = text;
	size_t left = size;
	while (saved == 0 && left > 0) {
		ssize_t written = write(fd, at, left);
		if (written < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			break;
		}
		at += written;
		left -= (size_t)written;
	}
	if (saved == 0 && fsync(fd) != 0)
		saved = errno;
	if (close(fd) != 0 && saved == 0)
		saved = errno;
	if (saved == 0 && rename(temporary, path) != 0)
		saved = errno;
	if (saved != 0) {
		unlink(temporary);
		snprintf(error, error_size, "cannot write %s: %s", path, strerror(saved));
		free(temporary);
		return -1;
	}
	free(temporary);
	return 0;
}

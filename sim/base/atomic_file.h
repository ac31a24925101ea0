/*
 * atomic_file: an output file is written whole or not at all. The text goes
 * to a temporary file beside the target, is flushed to disk, and is renamed
 * over the target only when everything succeeded.
 */
#ifndef CCSIM_ATOMIC_FILE_H
#define CCSIM_ATOMIC_FILE_H

#include <stddef.h>

/*
 * Writes the SIZE bytes at TEXT to PATH atomically. Returns 0, or -1 with a
 * sentence naming PATH and the cause in ERROR; PATH is then untouched and no
 * temporary file is left.
 */
int atomic_file_write(const char *path, const char *text, size_t size, char *error, size_t error_size);

#endif

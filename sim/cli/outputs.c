#include "outputs.h"
#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder of PATH, into FOLDER: "." when PATH has no slash. */
static void folder_of(const char *path, char *folder, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(folder, size, ".");
	else if (slash == path)
		snprintf(folder, size, "/");
	else
		snprintf(folder, size, "%.*s", (int)(slash - path), path);
}

/* 1 when A and B name the same file: the same inode, or for files not yet
 * there the same name in the same folder. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	char fa[PATH_MAX], fb[PATH_MAX];
	folder_of(a, fa, sizeof fa);
	folder_of(b, fb, sizeof fb);
	const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
	na = na ? na + 1 : a;
	nb = nb ? nb + 1 : b;
	if (strcmp(na, nb) != 0)
		return 0;
	if (stat(fa, &sa) != 0 || stat(fb, &sb) != 0)
		return strcmp(fa, fb) == 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int refuse(const char *command, const char *path, const char *why)
{
	fprintf(stderr, _("ccsim %s: cannot write %s: %s; nothing was simulated\n"), command, path, why);
	return EXIT_INPUT;
}

/* What is wrong with writing PATH (NULL: nothing), into WHY. */
static const char *wrong_target(const char *path, char *why, size_t size)
{
	struct stat s;
	if (path[0] == '\0')
		return _("the name is empty");
	if (lstat(path, &s) == 0) {
		if (S_ISLNK(s.st_mode))
			return _("it is a symbolic link (give the file it points to)");
		if (S_ISDIR(s.st_mode))
			return _("it is a folder");
		if (S_ISFIFO(s.st_mode))
			return _("it is a FIFO");
		if (S_ISCHR(s.st_mode) || S_ISBLK(s.st_mode))
			return _("it is a device");
		if (!S_ISREG(s.st_mode))
			return _("it is not a regular file");
	} else if (errno != ENOENT) {
		snprintf(why, size, "%s", strerror(errno));
		return why;
	}
	char folder[PATH_MAX];
	folder_of(path, folder, sizeof folder);
	if (stat(folder, &s) != 0) {
		snprintf(why, size, _("the folder %s does not exist"), folder);
		return why;
	}
	if (!S_ISDIR(s.st_mode)) {
		snprintf(why, size, _("%s is not a folder"), folder);
		return why;
	}
	if (access(folder, W_OK | X_OK) != 0) {
		snprintf(why, size, _("the folder %s cannot be written (%s)"), folder, strerror(errno));
		return why;
	}
	return NULL;
}

/* 1 when PATH is INPUT or, for a layered scenario (city.cfg+plan.cfg), one of its files. */
static int is_input(const char *path, const char *input)
{
	struct stat st;
	if (same_file(path, input))
		return 1;
	if (strchr(input, '+') == NULL || stat(input, &st) == 0)
		return 0;
	char layer[PATH_MAX];
	for (const char *start = input; *start; ) {
		size_t length = strcspn(start, "+");
		snprintf(layer, sizeof layer, "%.*s", (int)length, start);
		if (length > 0 && same_file(path, layer))
			return 1;
		start += length + (start[length] == '+');
	}
	return 0;
}

int outputs_check_paths(const char *command, const char *const *paths, int n,
			const char *const *inputs, int n_inputs)
{
	char why[PATH_MAX + 128];
	for (int i = 0; i < n; i++) {
		if (paths[i] == NULL)
			continue;
		for (int j = 0; j < n_inputs; j++)
			if (is_input(paths[i], inputs[j]))
				return refuse(command, paths[i], _("it is an input of this command"));
		for (int j = 0; j < i; j++)
			if (paths[j] != NULL && same_file(paths[i], paths[j]))
				return refuse(command, paths[i], _("another output of this command goes there too"));
		const char *wrong = wrong_target(paths[i], why, sizeof why);
		if (wrong != NULL)
			return refuse(command, paths[i], wrong);
	}
	return EXIT_OK;
}

int outputs_check_read(const char *command, const char *const *paths, int n,
		       const struct scenario_source *src)
{
	const char *const *files;
	int n_files = scenario_source_files(src, &files);
	for (int i = 0; i < n; i++)
		for (int j = 0; paths[i] != NULL && j < n_files; j++)
			if (same_file(paths[i], files[j]))
				return refuse(command, paths[i], _("the scenario reads it (@include)"));
	return EXIT_OK;
}

int outputs_check(const char *command, const struct cli_options *o, const char *const *inputs,
		  int n_inputs)
{
	const char *paths[2] = {o->json, o->csv};
	return outputs_check_paths(command, paths, 2, inputs, n_inputs);
}

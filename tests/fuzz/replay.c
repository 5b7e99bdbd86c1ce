/* SPDX-License-Identifier: ISC */
/*
 * Replays a fuzz target's checked-in corpus without libFuzzer, so that
 * `make check` (also under ASan/UBSan, with gcc) runs every input the
 * fuzzers found interesting.  Prints how many inputs ran and exits 0, or
 * 1 when the corpus is empty or unreadable; a crash, a sanitiser report
 * or a leak fails it too.  tests/fuzz/t_fuzz_replay.sh reports it as TAP.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_FILE_MAX	(1 << 20)	/* bytes per corpus input */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feed one file to the target; -1 if it cannot be read. */
static int
replay_file(const char *path)
{
	FILE		*f;
	uint8_t		*buf;
	size_t		 n;

	f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	buf = malloc(REPLAY_FILE_MAX);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, REPLAY_FILE_MAX, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

/* Replay every regular file of dir in name order; returns how many. */
static long
replay_dir(const char *dir)
{
	DIR		 *d;
	struct dirent	 *e;
	struct stat	  st;
	char		**names = NULL, path[4096];
	size_t		  n = 0, i;
	long		  done = 0;

	d = opendir(dir);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		if (names == NULL || (names[n] = strdup(e->d_name)) == NULL)
			abort();
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, replay_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(path) == 0)
			done++;
		free(names[i]);
	}
	free(names);
	return done;
}

int
main(int argc, char **argv)
{
	long	n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	n = replay_dir(argv[1]);
	if (n <= 0) {
		fprintf(stderr, "%s: no input replayed from %s\n", argv[0],
		    argv[1]);
		return 1;
	}
	printf("replayed %ld inputs of %s\n", n, argv[1]);
	return 0;
}

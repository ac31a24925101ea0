#include "progress.h"
#include "i18n.h"

#include <omp.h>
#include <stdio.h>
#include <unistd.h>

void progress_start(struct progress_bar *bar, int quiet)
{
	bar->shown = !quiet && isatty(STDERR_FILENO);
	bar->started = omp_get_wtime();
	bar->drawn = 0;
}

void progress_update(void *context, int64_t done, int64_t total)
{
	struct progress_bar *bar = context;
	if (!bar->shown || total <= 0)
		return;
	double elapsed = omp_get_wtime() - bar->started;
	double share = (double)done / (double)total;
	double rate = elapsed > 0.0 ? (double)done / elapsed : 0.0;
	double left = rate > 0.0 ? (double)(total - done) / rate : 0.0;
	char bar_text[31];
	int filled = (int)(share * 30.0);
	for (int i = 0; i < 30; i++)
		bar_text[i] = i < filled ? '#' : '.';
	bar_text[30] = '\0';
	fprintf(stderr, _("\r[%s] %5.1f %% %lld/%lld, %.0f reps/s, %d:%02d left "), bar_text,
		100.0 * share, (long long)done, (long long)total, rate, (int)left / 60, (int)left % 60);
	fflush(stderr);
	bar->drawn = 1;
}

void progress_finish(struct progress_bar *bar)
{
	if (bar->shown && bar->drawn)
		fputc('\n', stderr);
	bar->drawn = 0;
}

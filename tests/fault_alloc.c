/*
 * fault_alloc: makes one allocation of ccsim's own code fail on demand, for
 * the out-of-memory sweep of fault_test.sh (SQLite's, in spirit).
 *
 * ccsim_fault is ccsim linked with ld's --wrap for malloc, calloc, realloc
 * and strdup: every call that ccsim's own objects make lands here, while the
 * libraries it uses (libc, libconfig, Lua's own code, Jansson, OpenMP)
 * allocate as usual, and AddressSanitizer, when built in, still sees every
 * block (the wrappers call the real functions, which it intercepts).
 *
 * The environment drives it:
 *   CCSIM_FAULT_AT=N        the N-th call (from 1, in call order) returns NULL;
 *                           0 or unset: none fails
 *   CCSIM_FAULT_PERSIST=1   every call from the N-th on fails
 *   CCSIM_FAULT_LOG=FILE    at exit, writes to FILE the number of calls and
 *                           whether the fault fired ("calls C fired F");
 *                           with CCSIM_FAULT_SITES=1, also one line a call,
 *                           "N SITE", SITE a hash of the call's stack (the
 *                           program's own frames, so the same in every run)
 *   CCSIM_FAULT_TRACE=1     the failed call's stack goes to stderr, and so
 *                           does the stack of a crash (SIGSEGV, SIGABRT,
 *                           ...; AddressSanitizer, when built in, reports
 *                           those itself): the program's frames as
 *                           "@ 0xOFFSET", an address for addr2line -e PROGRAM
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);

/* Frames of a call's stack that name its site. */
#define SITE_FRAMES 8
/* Calls whose sites are kept for the log at the most. */
#define SITES_MAX (1u << 22)

static struct {
	atomic_int ready;          /* 0, 1 being read, 2 read */
	unsigned long at;
	int persist, trace;
	const char *log;
	int sites;
	atomic_ulong calls;
	atomic_ulong fired;
	uint32_t *site;            /* [SITES_MAX]: each call's site */
	uintptr_t base;            /* where the program is loaded */
} fault;

/* Writes TITLE and the stack of the caller's caller to stderr. */
static void print_stack(const char *title)
{
	void *frames[48];
	int n = backtrace(frames, 48);
	char line[128];
	int length = snprintf(line, sizeof line, "fault_alloc: %s\n", title);
	if (write(2, line, (size_t)length) < 0)
		return;
	for (int i = 2; i < n; i++) {
		Dl_info info;
		if (dladdr(frames[i], &info) == 0 || (uintptr_t)info.dli_fbase != fault.base)
			continue;
		/* the call's own address, inside the calling instruction */
		length = snprintf(line, sizeof line, "@ 0x%lx\n",
				  (unsigned long)((uintptr_t)frames[i] - fault.base - 1));
		if (write(2, line, (size_t)length) < 0)
			return;
	}
}

#ifndef __SANITIZE_ADDRESS__
static void crashed(int sig)
{
	char title[64];
	snprintf(title, sizeof title, "signal %d", sig);
	print_stack(title);
	signal(sig, SIG_DFL);
	raise(sig);
}
#endif

static unsigned long env_number(const char *name)
{
	const char *v = getenv(name);
	return v != NULL ? strtoul(v, NULL, 10) : 0;
}

static void fault_read(void)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong(&fault.ready, &expected, 1)) {
		while (atomic_load(&fault.ready) != 2)
			;
		return;
	}
	fault.at = env_number("CCSIM_FAULT_AT");
	fault.persist = env_number("CCSIM_FAULT_PERSIST") != 0;
	fault.trace = env_number("CCSIM_FAULT_TRACE") != 0;
	fault.log = getenv("CCSIM_FAULT_LOG");
	fault.sites = fault.log != NULL && env_number("CCSIM_FAULT_SITES") != 0;
	if (fault.sites)
		fault.site = __real_calloc(SITES_MAX, sizeof *fault.site);
	Dl_info info;
	if (dladdr((void *)fault_read, &info) != 0)
		fault.base = (uintptr_t)info.dli_fbase;
#ifndef __SANITIZE_ADDRESS__
	if (fault.trace) {
		static const int signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
		for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
			signal(signals[i], crashed);
	}
#endif
	atomic_store(&fault.ready, 2);
}

/* A hash of the frames of the stack that lie in the program itself, as
 * offsets from where it is loaded (libraries move from run to run). */
static uint32_t site_of_stack(void)
{
	void *frames[SITE_FRAMES + 2];
	int n = backtrace(frames, SITE_FRAMES + 2);
	uint64_t h = 1469598103934665603u;
	for (int i = 2; i < n; i++) { /* past this function and the wrapper */
		Dl_info info;
		if (dladdr(frames[i], &info) == 0 || (uintptr_t)info.dli_fbase != fault.base)
			continue;
		h = (h ^ ((uintptr_t)frames[i] - fault.base)) * 1099511628211u;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* 1 when this call is to fail. */
static int fault_now(void)
{
	if (atomic_load_explicit(&fault.ready, memory_order_acquire) != 2)
		fault_read();
	unsigned long n = atomic_fetch_add(&fault.calls, 1) + 1;
	if (fault.site != NULL && n <= SITES_MAX)
		fault.site[n - 1] = site_of_stack();
	int fail = fault.at != 0 && (n == fault.at || (fault.persist && n > fault.at));
	if (!fail)
		return 0;
	if (atomic_fetch_add(&fault.fired, 1) == 0 && fault.trace) {
		char title[64];
		snprintf(title, sizeof title, "call %lu fails", n);
		print_stack(title);
	}
	return 1;
}

void *__wrap_malloc(size_t size)
{
	return fault_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fault_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fault_now() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	return fault_now() ? NULL : __real_strdup(s);
}

__attribute__((destructor)) static void fault_report(void)
{
	if (fault.log == NULL)
		return;
	FILE *f = fopen(fault.log, "w");
	if (f == NULL)
		return;
	unsigned long calls = atomic_load(&fault.calls);
	fprintf(f, "calls %lu fired %lu\n", calls, atomic_load(&fault.fired));
	for (unsigned long i = 0; fault.site != NULL && i < calls && i < SITES_MAX; i++)
		fprintf(f, "%lu %08x\n", i + 1, fault.site[i]);
	fclose(f);
}

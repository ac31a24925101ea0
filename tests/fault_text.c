/*
 * text when memory runs out: each allocation of a copy fails in turn, and
 * the copy is then NULL with nothing left allocated. malloc, calloc and free
 * are wrapped at link time (tests/CMakeLists.txt) to fail one call and to
 * count the blocks live.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void __wrap_free(void *p);

static int calls;      /* allocations asked for */
static int fail_at;    /* the one that fails (from 1; 0: none) */
static int live;       /* blocks given and not freed */

static void *counted(void *p)
{
	if (p != NULL)
		live++;
	return p;
}

void *__wrap_malloc(size_t size)
{
	return ++calls == fail_at ? NULL : counted(__real_malloc(size));
}

void *__wrap_calloc(size_t n, size_t size)
{
	return ++calls == fail_at ? NULL : counted(__real_calloc(n, size));
}

void __wrap_free(void *p)
{
	if (p != NULL)
		live--;
	__real_free(p);
}

static void copy_fails_alone(void **state)
{
	(void)state;
	calls = live = 0;
	fail_at = 1;
	assert_null(text_copy("Xigu"));
	assert_int_equal(live, 0);

	calls = 0;
	fail_at = 0;
	char *copy = text_copy("Xigu");
	assert_non_null(copy);
	assert_string_equal(copy, "Xigu");
	free(copy);
	assert_int_equal(live, 0);
}

static void array_fails_at_each_allocation(void **state)
{
	(void)state;
	char *names[] = {"Xigu", "Chengguan", "", "Anning"};
	int n = 4;
	/* the array, then one copy per name: n + 1 allocations */
	for (fail_at = 1; fail_at <= n + 1; fail_at++) {
		calls = live = 0;
		assert_null(text_copy_array(names, n));
		assert_int_equal(calls, fail_at);
		assert_int_equal(live, 0);
	}
	calls = live = 0;
	fail_at = 0;
	char **copies = text_copy_array(names, n);
	assert_non_null(copies);
	assert_int_equal(calls, n + 1);
	for (int i = 0; i < n; i++) {
		assert_string_equal(copies[i], names[i]);
		assert_ptr_not_equal(copies[i], names[i]);
	}
	assert_null(copies[n]);
	text_free_array(copies, n);
	assert_int_equal(live, 0);
}

static void empty_array_and_null(void **state)
{
	(void)state;
	calls = live = 0;
	fail_at = 0;
	char **copies = text_copy_array(NULL, 0);
	assert_non_null(copies);
	assert_null(copies[0]);
	text_free_array(copies, 0);
	text_free_array(NULL, 3);
	assert_int_equal(live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_fails_alone),
		cmocka_unit_test(array_fails_at_each_allocation),
		cmocka_unit_test(empty_array_and_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

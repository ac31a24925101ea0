/*
 * bench_capacity: what two threads of this machine can do together, as a
 * multiple of one, measured with a pure integer loop (no memory, no
 * floating point), the yardstick for ccsim's own 2-thread speed-up.
 *
 *   bench_capacity [SECONDS]     (default 3: roughly how long one copy runs)
 *
 * Prints the loop's rate alone, the rate of each of two copies running at
 * once, and the capacity: twice the second over the first.
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* xorshift and multiply: a dependent chain of integer instructions. */
static uint64_t spin(uint64_t iterations, uint64_t seed)
{
	uint64_t x = seed | 1;
	for (uint64_t i = 0; i < iterations; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		x *= UINT64_C(0x9E3779B97F4A7C15);
	}
	return x;
}

/* Seconds for THREADS copies of SPIN(ITERATIONS) at once (the slowest). */
static double copies(int threads, uint64_t iterations, uint64_t *sink)
{
	double slowest = 0.0;
	uint64_t total = 0;
#pragma omp parallel num_threads(threads) reduction(max : slowest) reduction(^ : total)
	{
		double started = omp_get_wtime();
		total ^= spin(iterations, (uint64_t)omp_get_thread_num() + 1);
		slowest = omp_get_wtime() - started;
	}
	*sink ^= total;
	return slowest;
}

int main(int argc, char **argv)
{
	double target = argc > 1 ? atof(argv[1]) : 3.0;
	uint64_t sink = 0;
	/* size the loop to about TARGET seconds alone */
	uint64_t iterations = 1u << 20;
	double t = copies(1, iterations, &sink);
	iterations = (uint64_t)((double)iterations * target / t);
	double best_one = 1e300, best_two = 1e300;
	for (int round = 0; round < 3; round++) {
		double one = copies(1, iterations, &sink);
		double two = copies(2, iterations, &sink);
		best_one = one < best_one ? one : best_one;
		best_two = two < best_two ? two : best_two;
	}
	printf("integer loop: alone %.0f M iterations/s; two at once %.0f M/s each (%.0f %%)\n",
	       (double)iterations / best_one / 1e6, (double)iterations / best_two / 1e6,
	       100.0 * best_one / best_two);
	printf("capacity of 2 threads: %.2f times one (checksum %llu)\n", 2.0 * best_one / best_two,
	       (unsigned long long)(sink % 10));
	return 0;
}

/*
 * The machine's floors, in C for reference beside bench/floors.ts:
 *  - scatter-add: float64 += w into one ring row at 11250 random Uint32 targets per row (hpc_benchmark's
 *    indegree), targets sorted per row as our CSR stores them, and unsorted for contrast;
 *  - streaming: one dense pass reading two float64 arrays and writing one (a triad), in cache and out of it.
 * Prints one JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint32_t rng_state = 2463534242u;
static uint32_t xorshift(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

__attribute__((noinline)) static void scatter(const uint32_t *target, size_t start, size_t end, double *buf, double w) {
  for (size_t k = start; k < end; k++) buf[target[k]] += w;
}

__attribute__((noinline)) static void triad(size_t n, double *a, const double *b, const double *c, double s) {
  for (size_t i = 0; i < n; i++) a[i] = b[i] * s + c[i];
}

/* ns per event of scatter-add: rows of `per_row` targets drawn from [0, width), `rows` rows, ring of `slots` rows. */
static double scatter_ns(size_t width, size_t per_row, size_t rows, int sorted, int reps) {
  uint32_t *target = malloc(sizeof(uint32_t) * per_row * rows);
  for (size_t r = 0; r < rows; r++) {
    for (size_t k = 0; k < per_row; k++) target[r * per_row + k] = xorshift() % width;
    if (sorted) qsort(target + r * per_row, per_row, sizeof(uint32_t), cmp_u32);
  }
  const size_t slots = 16;
  double *ring = calloc(width * slots, sizeof(double));
  double best = 1e30;
  for (int rep = 0; rep < reps; rep++) {
    double t0 = now();
    size_t events = 0;
    for (size_t s = 0; s < 64; s++) {
      double *row = ring + (s % slots) * width;
      for (size_t r = 0; r < rows; r += 1 + (xorshift() & 3)) {
        scatter(target, r * per_row, (r + 1) * per_row, row, 0.5);
        events += per_row;
      }
    }
    double ns = (now() - t0) * 1e9 / events;
    if (ns < best) best = ns;
  }
  double sum = 0;
  for (size_t i = 0; i < width * slots; i++) sum += ring[i];
  if (sum == 42) printf("#");
  free(target);
  free(ring);
  return best;
}

static double triad_gbs(size_t n, int reps) {
  double *a = malloc(n * 8), *b = malloc(n * 8), *c = malloc(n * 8);
  for (size_t i = 0; i < n; i++) { a[i] = 0; b[i] = i; c[i] = 1; }
  size_t passes = n > 1000000 ? 8 : 4000;
  double best = 1e30;
  for (int rep = 0; rep < reps; rep++) {
    double t0 = now();
    for (size_t p = 0; p < passes; p++) triad(n, a, b, c, 1.0000001);
    double t = (now() - t0) / passes;
    if (t < best) best = t;
  }
  double gbs = 24.0 * n / best / 1e9;
  if (a[n / 2] == 42) printf("#");
  free(a); free(b); free(c);
  return gbs;
}

int main(void) {
  printf("{\"scatter_sorted_11250_ns\": %.4f, ", scatter_ns(11250, 11250, 200, 1, 5));
  printf("\"scatter_unsorted_11250_ns\": %.4f, ", scatter_ns(11250, 11250, 200, 0, 5));
  printf("\"scatter_sorted_112500_ns\": %.4f, ", scatter_ns(112500, 11250, 200, 1, 5));
  printf("\"triad_cache_gbs\": %.3f, ", triad_gbs(11250, 5));
  printf("\"triad_dram_gbs\": %.3f}\n", triad_gbs(8000000, 3));
  return 0;
}

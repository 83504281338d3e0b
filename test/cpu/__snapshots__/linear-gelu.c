/* vmapc kernel k0_matmul: matmul(matmul+add+gelu) -> f32[4,32,16] */
#ifndef VMAPC_HAVE_PRELUDE
#define VMAPC_HAVE_PRELUDE
#include <stdint.h>
#include <string.h>
#include <math.h>
#endif
#ifndef VMAPC_HAVE_vmapc_mini
#define VMAPC_HAVE_vmapc_mini
static inline int vmapc_mini(int a, int b) { return a < b ? a : b; }
#endif
#ifndef VMAPC_HAVE_vmapc_gelu
#define VMAPC_HAVE_vmapc_gelu
static inline float vmapc_gelu(float x) { return 0.5f * x * (1.0f + erff(x * 0.707106781f)); }
#endif
#ifndef VMAPC_HAVE_POOL
#define VMAPC_HAVE_POOL
#ifndef _OPENMP
#include <pthread.h>
typedef void (*vmapc_task_fn)(const void* ctx, int32_t t);
static struct {
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  int32_t want, workers, active;
  unsigned long gen;
  vmapc_task_fn fn;
  const void* ctx;
  int32_t n, next;
} vmapc_pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0, 0, 0, 0 };
static void vmapc_pool_work(void) {
  for (;;) {
    const int32_t t = __atomic_fetch_add(&vmapc_pool.next, 1, __ATOMIC_RELAXED);
    if (t >= vmapc_pool.n) return;
    vmapc_pool.fn(vmapc_pool.ctx, t);
  }
}
static void* vmapc_pool_worker(void* arg) {
  const int32_t index = (int32_t)(intptr_t)arg;
  unsigned long seen = 0;
  pthread_mutex_lock(&vmapc_pool.mu);
  for (;;) {
    while (vmapc_pool.gen == seen) pthread_cond_wait(&vmapc_pool.go, &vmapc_pool.mu);
    seen = vmapc_pool.gen;
    const int joins = index < vmapc_pool.want - 1;
    pthread_mutex_unlock(&vmapc_pool.mu);
    if (joins) vmapc_pool_work();
    pthread_mutex_lock(&vmapc_pool.mu);
    if (--vmapc_pool.active == 0) pthread_cond_signal(&vmapc_pool.done);
  }
  return 0;
}
static void vmapc_parallel(int32_t n, vmapc_task_fn fn, const void* ctx) {
  if (vmapc_pool.want <= 1 || n <= 1) {
    for (int32_t t = 0; t < n; t++) fn(ctx, t);
    return;
  }
  pthread_mutex_lock(&vmapc_pool.mu);
  while (vmapc_pool.workers < vmapc_pool.want - 1) {
    pthread_t th;
    if (pthread_create(&th, 0, vmapc_pool_worker, (void*)(intptr_t)vmapc_pool.workers) != 0) break;
    pthread_detach(th);
    vmapc_pool.workers++;
  }
  vmapc_pool.fn = fn;
  vmapc_pool.ctx = ctx;
  vmapc_pool.n = n;
  vmapc_pool.next = 0;
  vmapc_pool.active = vmapc_pool.workers;
  vmapc_pool.gen++;
  pthread_cond_broadcast(&vmapc_pool.go);
  pthread_mutex_unlock(&vmapc_pool.mu);
  vmapc_pool_work();
  pthread_mutex_lock(&vmapc_pool.mu);
  while (vmapc_pool.active > 0) pthread_cond_wait(&vmapc_pool.done, &vmapc_pool.mu);
  pthread_mutex_unlock(&vmapc_pool.mu);
}
#endif
#endif
#ifndef VMAPC_HAVE_VEC16
#define VMAPC_HAVE_VEC16
typedef float vmapc_f16 __attribute__((vector_size(64)));
static inline vmapc_f16 vmapc_f16_ld(const float* p) { vmapc_f16 v; memcpy(&v, p, sizeof v); return v; }
static inline void vmapc_f16_st(float* p, vmapc_f16 v) { memcpy(p, &v, sizeof v); }
static inline vmapc_f16 vmapc_f16_bc(float x) { return (vmapc_f16){0} + x; }
#endif
#ifndef VMAPC_HAVE_vmapc_nt_4x6_v16
#define VMAPC_HAVE_vmapc_nt_4x6_v16
/* acc[i][j] += sum_k A[i*lda + k] * B[j*ldb + k] for an 4 x 6 tile; rows past mr / columns past nr repeat the last. */
static inline void vmapc_nt_4x6_v16(float* restrict acc, int32_t ldacc, const float* restrict A, int32_t lda, const float* restrict B, int32_t ldb, int32_t kc, int32_t mr, int32_t nr) {
  const float* restrict a0 = A + (int64_t)(0 < mr ? 0 : mr - 1) * lda;
  const float* restrict a1 = A + (int64_t)(1 < mr ? 1 : mr - 1) * lda;
  const float* restrict a2 = A + (int64_t)(2 < mr ? 2 : mr - 1) * lda;
  const float* restrict a3 = A + (int64_t)(3 < mr ? 3 : mr - 1) * lda;
  const float* restrict b0 = B + (int64_t)(0 < nr ? 0 : nr - 1) * ldb;
  const float* restrict b1 = B + (int64_t)(1 < nr ? 1 : nr - 1) * ldb;
  const float* restrict b2 = B + (int64_t)(2 < nr ? 2 : nr - 1) * ldb;
  const float* restrict b3 = B + (int64_t)(3 < nr ? 3 : nr - 1) * ldb;
  const float* restrict b4 = B + (int64_t)(4 < nr ? 4 : nr - 1) * ldb;
  const float* restrict b5 = B + (int64_t)(5 < nr ? 5 : nr - 1) * ldb;
  vmapc_f16 c0_0 = (vmapc_f16){0};
  vmapc_f16 c0_1 = (vmapc_f16){0};
  vmapc_f16 c0_2 = (vmapc_f16){0};
  vmapc_f16 c0_3 = (vmapc_f16){0};
  vmapc_f16 c0_4 = (vmapc_f16){0};
  vmapc_f16 c0_5 = (vmapc_f16){0};
  vmapc_f16 c1_0 = (vmapc_f16){0};
  vmapc_f16 c1_1 = (vmapc_f16){0};
  vmapc_f16 c1_2 = (vmapc_f16){0};
  vmapc_f16 c1_3 = (vmapc_f16){0};
  vmapc_f16 c1_4 = (vmapc_f16){0};
  vmapc_f16 c1_5 = (vmapc_f16){0};
  vmapc_f16 c2_0 = (vmapc_f16){0};
  vmapc_f16 c2_1 = (vmapc_f16){0};
  vmapc_f16 c2_2 = (vmapc_f16){0};
  vmapc_f16 c2_3 = (vmapc_f16){0};
  vmapc_f16 c2_4 = (vmapc_f16){0};
  vmapc_f16 c2_5 = (vmapc_f16){0};
  vmapc_f16 c3_0 = (vmapc_f16){0};
  vmapc_f16 c3_1 = (vmapc_f16){0};
  vmapc_f16 c3_2 = (vmapc_f16){0};
  vmapc_f16 c3_3 = (vmapc_f16){0};
  vmapc_f16 c3_4 = (vmapc_f16){0};
  vmapc_f16 c3_5 = (vmapc_f16){0};
  int32_t k = 0;
  for (; k + 16 <= kc; k += 16) {
    const vmapc_f16 x0 = vmapc_f16_ld(a0 + k);
    const vmapc_f16 x1 = vmapc_f16_ld(a1 + k);
    const vmapc_f16 x2 = vmapc_f16_ld(a2 + k);
    const vmapc_f16 x3 = vmapc_f16_ld(a3 + k);
    const vmapc_f16 y0 = vmapc_f16_ld(b0 + k);
    const vmapc_f16 y1 = vmapc_f16_ld(b1 + k);
    const vmapc_f16 y2 = vmapc_f16_ld(b2 + k);
    const vmapc_f16 y3 = vmapc_f16_ld(b3 + k);
    const vmapc_f16 y4 = vmapc_f16_ld(b4 + k);
    const vmapc_f16 y5 = vmapc_f16_ld(b5 + k);
    c0_0 += x0 * y0; c0_1 += x0 * y1; c0_2 += x0 * y2; c0_3 += x0 * y3; c0_4 += x0 * y4; c0_5 += x0 * y5;
    c1_0 += x1 * y0; c1_1 += x1 * y1; c1_2 += x1 * y2; c1_3 += x1 * y3; c1_4 += x1 * y4; c1_5 += x1 * y5;
    c2_0 += x2 * y0; c2_1 += x2 * y1; c2_2 += x2 * y2; c2_3 += x2 * y3; c2_4 += x2 * y4; c2_5 += x2 * y5;
    c3_0 += x3 * y0; c3_1 += x3 * y1; c3_2 += x3 * y2; c3_3 += x3 * y3; c3_4 += x3 * y4; c3_5 += x3 * y5;
  }
  float s[4][16] __attribute__((aligned(64)));
#if defined(__clang__) || __GNUC__ >= 12
  const vmapc_f16 r0 = __builtin_shufflevector(c0_0, c0_1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c0_0, c0_1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r1 = __builtin_shufflevector(c0_2, c0_3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c0_2, c0_3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r2 = __builtin_shufflevector(c0_4, c0_5, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c0_4, c0_5, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r3 = __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r4 = __builtin_shufflevector(c1_0, c1_1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c1_0, c1_1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r5 = __builtin_shufflevector(c1_2, c1_3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c1_2, c1_3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r6 = __builtin_shufflevector(c1_4, c1_5, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c1_4, c1_5, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r7 = __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r8 = __builtin_shufflevector(r0, r1, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r0, r1, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r9 = __builtin_shufflevector(r2, r3, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r2, r3, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r10 = __builtin_shufflevector(r4, r5, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r4, r5, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r11 = __builtin_shufflevector(r6, r7, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r6, r7, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r12 = __builtin_shufflevector(r8, r9, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) + __builtin_shufflevector(r8, r9, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
  const vmapc_f16 r13 = __builtin_shufflevector(r10, r11, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) + __builtin_shufflevector(r10, r11, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
  const vmapc_f16 r14 = __builtin_shufflevector(r12, r13, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) + __builtin_shufflevector(r12, r13, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  vmapc_f16_st(s[0], r14);
  for (int32_t j = 0; j < 6; j++) s[1][j] = s[0][8 + j];
  const vmapc_f16 r15 = __builtin_shufflevector(c2_0, c2_1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c2_0, c2_1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r16 = __builtin_shufflevector(c2_2, c2_3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c2_2, c2_3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r17 = __builtin_shufflevector(c2_4, c2_5, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c2_4, c2_5, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r18 = __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r19 = __builtin_shufflevector(c3_0, c3_1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c3_0, c3_1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r20 = __builtin_shufflevector(c3_2, c3_3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c3_2, c3_3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r21 = __builtin_shufflevector(c3_4, c3_5, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(c3_4, c3_5, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r22 = __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) + __builtin_shufflevector(((vmapc_f16){0}), ((vmapc_f16){0}), 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const vmapc_f16 r23 = __builtin_shufflevector(r15, r16, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r15, r16, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r24 = __builtin_shufflevector(r17, r18, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r17, r18, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r25 = __builtin_shufflevector(r19, r20, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r19, r20, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r26 = __builtin_shufflevector(r21, r22, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) + __builtin_shufflevector(r21, r22, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  const vmapc_f16 r27 = __builtin_shufflevector(r23, r24, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) + __builtin_shufflevector(r23, r24, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
  const vmapc_f16 r28 = __builtin_shufflevector(r25, r26, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) + __builtin_shufflevector(r25, r26, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
  const vmapc_f16 r29 = __builtin_shufflevector(r27, r28, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) + __builtin_shufflevector(r27, r28, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  vmapc_f16_st(s[2], r29);
  for (int32_t j = 0; j < 6; j++) s[3][j] = s[2][8 + j];
#else
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c0_0[l]; s[0][0] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c0_1[l]; s[0][1] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c0_2[l]; s[0][2] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c0_3[l]; s[0][3] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c0_4[l]; s[0][4] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c0_5[l]; s[0][5] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c1_0[l]; s[1][0] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c1_1[l]; s[1][1] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c1_2[l]; s[1][2] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c1_3[l]; s[1][3] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c1_4[l]; s[1][4] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c1_5[l]; s[1][5] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c2_0[l]; s[2][0] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c2_1[l]; s[2][1] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c2_2[l]; s[2][2] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c2_3[l]; s[2][3] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c2_4[l]; s[2][4] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c2_5[l]; s[2][5] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c3_0[l]; s[3][0] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c3_1[l]; s[3][1] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c3_2[l]; s[3][2] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c3_3[l]; s[3][3] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c3_4[l]; s[3][4] = t; }
  { float t = 0.0f; for (int32_t l = 0; l < 16; l++) t += c3_5[l]; s[3][5] = t; }
#endif
  for (; k < kc; k++) {
    s[0][0] += a0[k] * b0[k]; s[0][1] += a0[k] * b1[k]; s[0][2] += a0[k] * b2[k]; s[0][3] += a0[k] * b3[k]; s[0][4] += a0[k] * b4[k]; s[0][5] += a0[k] * b5[k];
    s[1][0] += a1[k] * b0[k]; s[1][1] += a1[k] * b1[k]; s[1][2] += a1[k] * b2[k]; s[1][3] += a1[k] * b3[k]; s[1][4] += a1[k] * b4[k]; s[1][5] += a1[k] * b5[k];
    s[2][0] += a2[k] * b0[k]; s[2][1] += a2[k] * b1[k]; s[2][2] += a2[k] * b2[k]; s[2][3] += a2[k] * b3[k]; s[2][4] += a2[k] * b4[k]; s[2][5] += a2[k] * b5[k];
    s[3][0] += a3[k] * b0[k]; s[3][1] += a3[k] * b1[k]; s[3][2] += a3[k] * b2[k]; s[3][3] += a3[k] * b3[k]; s[3][4] += a3[k] * b4[k]; s[3][5] += a3[k] * b5[k];
  }
  for (int32_t i = 0; i < 4; i++) for (int32_t j = 0; j < 6; j++) acc[i * ldacc + j] += s[i][j];
}
#endif
struct k0_matmul_ctx { float* arena0; float* arena1; float* arena2; float* arena3; uint32_t seed; };
static void k0_matmul_task(const void* ctx_, int32_t t0) {
  const struct k0_matmul_ctx* c_ = (const struct k0_matmul_ctx*)ctx_;
  float* restrict arena0 = c_->arena0;
  float* restrict arena1 = c_->arena1;
  float* restrict arena2 = c_->arena2;
  float* restrict arena3 = c_->arena3;
  const uint32_t seed = c_->seed;
  (void)seed;
  float acc[576] __attribute__((aligned(64)));
  const int32_t m0 = 0;
  const int32_t mb = vmapc_mini(32, (32 - m0));
  for (int32_t nc1 = 0; nc1 < 16; nc1 += 18) {
    const int32_t nc = vmapc_mini(18, (16 - nc1));
    for (int32_t z2 = 0; z2 < 576; z2 += 1) {
      acc[z2] = 0.0f;
    }
    for (int32_t n3 = nc1; n3 < (nc1 + nc); n3 += 6) {
      const int32_t nr = vmapc_mini(6, (16 - n3));
      for (int32_t m14 = 0; m14 < mb; m14 += 4) {
        vmapc_nt_4x6_v16(acc + ((m14 * 18) + (n3 - nc1)), 18, arena2 + ((m0 + m14) * 24), 24, arena0 + ((t0 * 384) + (n3 * 24)), 24, 24, vmapc_mini(4, (mb - m14)), nr);
      }
    }
    for (int32_t i8 = 0; i8 < mb; i8 += 1) {
      for (int32_t j9 = 0; j9 < nc; j9 += 1) {
        const float v10 = arena1[((t0 * 16) + (nc1 + j9))];
        const float v11 = (acc[((i8 * 18) + j9)] + v10);
        const float v12 = vmapc_gelu(v11);
        arena3[((((t0 * 32) + (m0 + i8)) * 16) + (nc1 + j9))] = v12;
      }
    }
  }
}
void k0_matmul(float* restrict arena0, float* restrict arena1, float* restrict arena2, float* restrict arena3, uint32_t seed) {
  const struct k0_matmul_ctx c_ = { arena0, arena1, arena2, arena3, seed };
#ifdef _OPENMP
  #pragma omp parallel for schedule(dynamic, 1)
  for (int32_t t_ = 0; t_ < 4; t_++) k0_matmul_task(&c_, t_);
#else
  vmapc_parallel(4, k0_matmul_task, &c_);
#endif
}

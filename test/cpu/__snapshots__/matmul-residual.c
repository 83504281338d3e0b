/* vmapc kernel k0_matmul: matmul(matmul+add) -> f32[2,5,48] */
#ifndef VMAPC_HAVE_PRELUDE
#define VMAPC_HAVE_PRELUDE
#include <stdint.h>
#include <string.h>
#include <math.h>
#endif
#ifndef VMAPC_HAVE_vmapc_maxi
#define VMAPC_HAVE_vmapc_maxi
static inline int vmapc_maxi(int a, int b) { return a > b ? a : b; }
#endif
#ifndef VMAPC_HAVE_vmapc_mini
#define VMAPC_HAVE_vmapc_mini
static inline int vmapc_mini(int a, int b) { return a < b ? a : b; }
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
#ifndef VMAPC_HAVE_vmapc_nn_8x2_v16
#define VMAPC_HAVE_vmapc_nn_8x2_v16
/* acc[i][j] += sum_k A[i*lda + k*ak] * B[k*ldb + j] for an 8 x 32 tile; rows past mr repeat row mr-1. */
static inline void vmapc_nn_8x2_v16(float* restrict acc, int32_t ldacc, const float* restrict A, int32_t lda, int32_t ak, const float* restrict B, int32_t ldb, int32_t kc, int32_t mr) {
  const float* restrict a0 = A + (int64_t)(0 < mr ? 0 : mr - 1) * lda;
  const float* restrict a1 = A + (int64_t)(1 < mr ? 1 : mr - 1) * lda;
  const float* restrict a2 = A + (int64_t)(2 < mr ? 2 : mr - 1) * lda;
  const float* restrict a3 = A + (int64_t)(3 < mr ? 3 : mr - 1) * lda;
  const float* restrict a4 = A + (int64_t)(4 < mr ? 4 : mr - 1) * lda;
  const float* restrict a5 = A + (int64_t)(5 < mr ? 5 : mr - 1) * lda;
  const float* restrict a6 = A + (int64_t)(6 < mr ? 6 : mr - 1) * lda;
  const float* restrict a7 = A + (int64_t)(7 < mr ? 7 : mr - 1) * lda;
  vmapc_f16 c0_0 = vmapc_f16_ld(acc + 0 * ldacc + 0);
  vmapc_f16 c0_1 = vmapc_f16_ld(acc + 0 * ldacc + 16);
  vmapc_f16 c1_0 = vmapc_f16_ld(acc + 1 * ldacc + 0);
  vmapc_f16 c1_1 = vmapc_f16_ld(acc + 1 * ldacc + 16);
  vmapc_f16 c2_0 = vmapc_f16_ld(acc + 2 * ldacc + 0);
  vmapc_f16 c2_1 = vmapc_f16_ld(acc + 2 * ldacc + 16);
  vmapc_f16 c3_0 = vmapc_f16_ld(acc + 3 * ldacc + 0);
  vmapc_f16 c3_1 = vmapc_f16_ld(acc + 3 * ldacc + 16);
  vmapc_f16 c4_0 = vmapc_f16_ld(acc + 4 * ldacc + 0);
  vmapc_f16 c4_1 = vmapc_f16_ld(acc + 4 * ldacc + 16);
  vmapc_f16 c5_0 = vmapc_f16_ld(acc + 5 * ldacc + 0);
  vmapc_f16 c5_1 = vmapc_f16_ld(acc + 5 * ldacc + 16);
  vmapc_f16 c6_0 = vmapc_f16_ld(acc + 6 * ldacc + 0);
  vmapc_f16 c6_1 = vmapc_f16_ld(acc + 6 * ldacc + 16);
  vmapc_f16 c7_0 = vmapc_f16_ld(acc + 7 * ldacc + 0);
  vmapc_f16 c7_1 = vmapc_f16_ld(acc + 7 * ldacc + 16);
  for (int32_t k = 0; k < kc; k++) {
    const float* restrict b = B + (int64_t)k * ldb;
    const vmapc_f16 b0 = vmapc_f16_ld(b + 0);
    const vmapc_f16 b1 = vmapc_f16_ld(b + 16);
    const int64_t ka = (int64_t)k * ak;
    { const vmapc_f16 x = vmapc_f16_bc(a0[ka]); c0_0 += x * b0; c0_1 += x * b1; }
    { const vmapc_f16 x = vmapc_f16_bc(a1[ka]); c1_0 += x * b0; c1_1 += x * b1; }
    { const vmapc_f16 x = vmapc_f16_bc(a2[ka]); c2_0 += x * b0; c2_1 += x * b1; }
    { const vmapc_f16 x = vmapc_f16_bc(a3[ka]); c3_0 += x * b0; c3_1 += x * b1; }
    { const vmapc_f16 x = vmapc_f16_bc(a4[ka]); c4_0 += x * b0; c4_1 += x * b1; }
    { const vmapc_f16 x = vmapc_f16_bc(a5[ka]); c5_0 += x * b0; c5_1 += x * b1; }
    { const vmapc_f16 x = vmapc_f16_bc(a6[ka]); c6_0 += x * b0; c6_1 += x * b1; }
    { const vmapc_f16 x = vmapc_f16_bc(a7[ka]); c7_0 += x * b0; c7_1 += x * b1; }
  }
  vmapc_f16_st(acc + 0 * ldacc + 0, c0_0);
  vmapc_f16_st(acc + 0 * ldacc + 16, c0_1);
  vmapc_f16_st(acc + 1 * ldacc + 0, c1_0);
  vmapc_f16_st(acc + 1 * ldacc + 16, c1_1);
  vmapc_f16_st(acc + 2 * ldacc + 0, c2_0);
  vmapc_f16_st(acc + 2 * ldacc + 16, c2_1);
  vmapc_f16_st(acc + 3 * ldacc + 0, c3_0);
  vmapc_f16_st(acc + 3 * ldacc + 16, c3_1);
  vmapc_f16_st(acc + 4 * ldacc + 0, c4_0);
  vmapc_f16_st(acc + 4 * ldacc + 16, c4_1);
  vmapc_f16_st(acc + 5 * ldacc + 0, c5_0);
  vmapc_f16_st(acc + 5 * ldacc + 16, c5_1);
  vmapc_f16_st(acc + 6 * ldacc + 0, c6_0);
  vmapc_f16_st(acc + 6 * ldacc + 16, c6_1);
  vmapc_f16_st(acc + 7 * ldacc + 0, c7_0);
  vmapc_f16_st(acc + 7 * ldacc + 16, c7_1);
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
  float acc[512] __attribute__((aligned(64)));
  float bpack[640] __attribute__((aligned(64)));
  const int32_t m0 = 0;
  const int32_t mb = vmapc_mini(8, (5 - m0));
  for (int32_t nc1 = 0; nc1 < 48; nc1 += 64) {
    const int32_t nc = vmapc_mini(64, (48 - nc1));
    for (int32_t z2 = 0; z2 < 512; z2 += 1) {
      acc[z2] = 0.0f;
    }
    for (int32_t n3 = nc1; n3 < (nc1 + nc); n3 += 32) {
      const int32_t nr = vmapc_mini(32, (48 - n3));
      if ((nr == 32)) {
        for (int32_t m14 = 0; m14 < mb; m14 += 8) {
          vmapc_nn_8x2_v16(acc + ((m14 * 64) + (n3 - nc1)), 64, arena0 + ((t0 * 100) + ((m0 + m14) * 20)), 20, 1, arena1 + ((t0 * 960) + n3), 48, 20, vmapc_mini(8, (mb - m14)));
        }
      } else {
        for (int32_t kk8 = 0; kk8 < 20; kk8 += 1) {
          for (int32_t j9 = 0; j9 < 32; j9 += 1) {
            const float v10 = arena1[(((t0 * 960) + (kk8 * 48)) + vmapc_maxi(vmapc_mini((n3 + j9), 47), 0))];
            bpack[((kk8 * 32) + j9)] = (((n3 + j9) < 48) ? v10 : 0.0f);
          }
        }
        for (int32_t m111 = 0; m111 < mb; m111 += 8) {
          vmapc_nn_8x2_v16(acc + ((m111 * 64) + (n3 - nc1)), 64, arena0 + ((t0 * 100) + ((m0 + m111) * 20)), 20, 1, bpack + 0, 32, 20, vmapc_mini(8, (mb - m111)));
        }
      }
    }
    for (int32_t i15 = 0; i15 < mb; i15 += 1) {
      for (int32_t j16 = 0; j16 < nc; j16 += 1) {
        const float v17 = arena2[(((t0 * 240) + ((m0 + i15) * 48)) + (nc1 + j16))];
        const float v18 = (acc[((i15 * 64) + j16)] + v17);
        arena3[((((t0 * 5) + (m0 + i15)) * 48) + (nc1 + j16))] = v18;
      }
    }
  }
}
void k0_matmul(float* restrict arena0, float* restrict arena1, float* restrict arena2, float* restrict arena3, uint32_t seed) {
  const struct k0_matmul_ctx c_ = { arena0, arena1, arena2, arena3, seed };
#ifdef _OPENMP
  #pragma omp parallel for schedule(dynamic, 1)
  for (int32_t t_ = 0; t_ < 2; t_++) k0_matmul_task(&c_, t_);
#else
  vmapc_parallel(2, k0_matmul_task, &c_);
#endif
}

// The C thread pool that runs a kernel's tasks when the compiler has no OpenMP.

/**
 * Without OpenMP, parallel task loops run on this pool: persistent pthreads that sleep between jobs,
 * tasks handed out by an atomic counter, the calling thread working too.
 */
export const POOL = `#ifndef _OPENMP
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
#endif`;

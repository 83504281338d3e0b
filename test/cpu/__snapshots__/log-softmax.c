/* vmapc kernel k0_row: row(max+sub+exp+sum+log+sub) -> f32[6,10] */
#ifndef VMAPC_HAVE_PRELUDE
#define VMAPC_HAVE_PRELUDE
#include <stdint.h>
#include <string.h>
#include <math.h>
#endif
void k0_row(float* restrict arena0, float* restrict arena1, uint32_t seed) {
  (void)seed;
  for (int32_t t0 = 0; t0 < 1; t0 += 1) {
    for (int32_t row1 = (t0 * 819); row1 < 6; row1 += 1) {
      float acc2 = (-INFINITY);
      for (int32_t j3 = 0; j3 < 10; j3 += 1) {
        const float v4 = arena0[((row1 * 10) + j3)];
        if (((v4 > acc2) || ((v4 != v4) && (acc2 == acc2)))) {
          acc2 = v4;
        }
      }
      float acc5 = 0.0f;
      for (int32_t j6 = 0; j6 < 10; j6 += 1) {
        const float v7 = arena0[((row1 * 10) + j6)];
        const float v8 = (v7 - acc2);
        const float v9 = expf(v8);
        acc5 = (acc5 + v9);
      }
      for (int32_t j10 = 0; j10 < 10; j10 += 1) {
        const float v11 = arena0[((row1 * 10) + j10)];
        const float v12 = (v11 - acc2);
        const float v13 = logf(acc5);
        const float v14 = (v12 - v13);
        arena1[((row1 * 10) + j10)] = v14;
      }
    }
  }
}

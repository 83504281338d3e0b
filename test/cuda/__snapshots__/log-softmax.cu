// vmapc kernel k0_row: row(max+sub+exp+sum+log+sub) -> f32[6,10]
extern "C" __global__ void __launch_bounds__(32) k0_row(const unsigned int* __restrict__ arena0, unsigned int* __restrict__ arena1) {
  __shared__ float sh0[32];
  __shared__ float sh1[32];
  const int row = (((int)blockIdx.x) + (((int)blockIdx.y) * 6));
  if ((row >= 6)) {
    return;
  }
  const int lid = ((int)threadIdx.x);
  float acc0 = __uint_as_float(0xff800000u);
  for (int j0 = lid; j0 < 10; j0 += 32) {
    const float v1 = __uint_as_float(arena0[((row * 10) + j0)]);
    if (((v1 > acc0) || ((v1 != v1) && (acc0 == acc0)))) {
      acc0 = v1;
    }
  }
  sh0[lid] = acc0;
  __syncthreads();
  if ((lid < 16)) {
    float m2 = sh0[lid];
    if (((sh0[(lid + 16)] > m2) || ((sh0[(lid + 16)] != sh0[(lid + 16)]) && (m2 == m2)))) {
      m2 = sh0[(lid + 16)];
    }
    sh0[lid] = m2;
  }
  __syncthreads();
  if ((lid < 8)) {
    float m3 = sh0[lid];
    if (((sh0[(lid + 8)] > m3) || ((sh0[(lid + 8)] != sh0[(lid + 8)]) && (m3 == m3)))) {
      m3 = sh0[(lid + 8)];
    }
    sh0[lid] = m3;
  }
  __syncthreads();
  if ((lid < 4)) {
    float m4 = sh0[lid];
    if (((sh0[(lid + 4)] > m4) || ((sh0[(lid + 4)] != sh0[(lid + 4)]) && (m4 == m4)))) {
      m4 = sh0[(lid + 4)];
    }
    sh0[lid] = m4;
  }
  __syncthreads();
  if ((lid < 2)) {
    float m5 = sh0[lid];
    if (((sh0[(lid + 2)] > m5) || ((sh0[(lid + 2)] != sh0[(lid + 2)]) && (m5 == m5)))) {
      m5 = sh0[(lid + 2)];
    }
    sh0[lid] = m5;
  }
  __syncthreads();
  if ((lid < 1)) {
    float m6 = sh0[lid];
    if (((sh0[(lid + 1)] > m6) || ((sh0[(lid + 1)] != sh0[(lid + 1)]) && (m6 == m6)))) {
      m6 = sh0[(lid + 1)];
    }
    sh0[lid] = m6;
  }
  __syncthreads();
  const float red0 = sh0[0];
  __syncthreads();
  float acc1 = 0.0f;
  for (int j7 = lid; j7 < 10; j7 += 32) {
    const float v8 = __uint_as_float(arena0[((row * 10) + j7)]);
    const float v9 = (v8 - red0);
    const float v10 = expf(v9);
    acc1 = (acc1 + v10);
  }
  sh1[lid] = acc1;
  __syncthreads();
  if ((lid < 16)) {
    float m11 = sh1[lid];
    m11 = (m11 + sh1[(lid + 16)]);
    sh1[lid] = m11;
  }
  __syncthreads();
  if ((lid < 8)) {
    float m12 = sh1[lid];
    m12 = (m12 + sh1[(lid + 8)]);
    sh1[lid] = m12;
  }
  __syncthreads();
  if ((lid < 4)) {
    float m13 = sh1[lid];
    m13 = (m13 + sh1[(lid + 4)]);
    sh1[lid] = m13;
  }
  __syncthreads();
  if ((lid < 2)) {
    float m14 = sh1[lid];
    m14 = (m14 + sh1[(lid + 2)]);
    sh1[lid] = m14;
  }
  __syncthreads();
  if ((lid < 1)) {
    float m15 = sh1[lid];
    m15 = (m15 + sh1[(lid + 1)]);
    sh1[lid] = m15;
  }
  __syncthreads();
  const float red1 = sh1[0];
  __syncthreads();
  for (int j16 = lid; j16 < 10; j16 += 32) {
    const float v17 = __uint_as_float(arena0[((row * 10) + j16)]);
    const float v18 = (v17 - red0);
    const float v19 = logf(red1);
    const float v20 = (v18 - v19);
    arena1[((row * 10) + j16)] = __float_as_uint(v20);
  }
}

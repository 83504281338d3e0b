// vmapc kernel k0_matmul: matmul(matmul+add+gelu) -> f32[4,32,16] (tf32 mma)
#ifndef VMAPC_HAVE_vmapc_maxi
#define VMAPC_HAVE_vmapc_maxi
static __device__ __forceinline__ int vmapc_maxi(int a, int b) { return a > b ? a : b; }
#endif
#ifndef VMAPC_HAVE_vmapc_mini
#define VMAPC_HAVE_vmapc_mini
static __device__ __forceinline__ int vmapc_mini(int a, int b) { return a < b ? a : b; }
#endif
#ifndef VMAPC_HAVE_vmapc_gelu
#define VMAPC_HAVE_vmapc_gelu
static __device__ __forceinline__ float vmapc_gelu(float x) { return 0.5f * x * (1.0f + erff(x * 0.707106781f)); }
#endif
#ifndef VMAPC_HAVE_vmapc_tf32
#define VMAPC_HAVE_vmapc_tf32
static __device__ __forceinline__ unsigned int vmapc_tf32(float x) {
  unsigned int r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return r;
}
#endif
#ifndef VMAPC_HAVE_vmapc_mma_tf32
#define VMAPC_HAVE_vmapc_mma_tf32
static __device__ __forceinline__ void vmapc_mma_tf32(float& d0, float& d1, float& d2, float& d3, unsigned int a0, unsigned int a1, unsigned int a2, unsigned int a3, unsigned int b0, unsigned int b1) {
  asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"
               : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3)
               : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}
#endif
extern "C" __global__ void __launch_bounds__(128) k0_matmul(const unsigned int* __restrict__ arena0, unsigned int* __restrict__ arena1) {
  __shared__ float As[2304];
  __shared__ float Bs[2304];
  const int tid = ((int)threadIdx.x);
  const int lane = (tid % 32);
  const int warp = (tid / 32);
  const int g = (lane / 4);
  const int t4 = (lane % 4);
  const int wm = ((warp / 2) * 32);
  const int wn = ((warp % 2) * 32);
  const int m0 = (((int)blockIdx.y) * 64);
  const int n0 = (((int)blockIdx.x) * 64);
  const int bz = ((int)blockIdx.z);
  float c_0_0_0 = 0.0f;
  float c_0_0_1 = 0.0f;
  float c_0_0_2 = 0.0f;
  float c_0_0_3 = 0.0f;
  float c_0_1_0 = 0.0f;
  float c_0_1_1 = 0.0f;
  float c_0_1_2 = 0.0f;
  float c_0_1_3 = 0.0f;
  float c_0_2_0 = 0.0f;
  float c_0_2_1 = 0.0f;
  float c_0_2_2 = 0.0f;
  float c_0_2_3 = 0.0f;
  float c_0_3_0 = 0.0f;
  float c_0_3_1 = 0.0f;
  float c_0_3_2 = 0.0f;
  float c_0_3_3 = 0.0f;
  float c_1_0_0 = 0.0f;
  float c_1_0_1 = 0.0f;
  float c_1_0_2 = 0.0f;
  float c_1_0_3 = 0.0f;
  float c_1_1_0 = 0.0f;
  float c_1_1_1 = 0.0f;
  float c_1_1_2 = 0.0f;
  float c_1_1_3 = 0.0f;
  float c_1_2_0 = 0.0f;
  float c_1_2_1 = 0.0f;
  float c_1_2_2 = 0.0f;
  float c_1_2_3 = 0.0f;
  float c_1_3_0 = 0.0f;
  float c_1_3_1 = 0.0f;
  float c_1_3_2 = 0.0f;
  float c_1_3_3 = 0.0f;
  #pragma unroll 1
  for (int k0 = 0; k0 < 24; k0 += 32) {
    const float v0 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + (tid / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + (tid % 32)), 23), 0)))]);
    As[(((tid / 32) * 36) + (tid % 32))] = ((((m0 + (tid / 32)) < 32) && ((k0 + (tid % 32)) < 24)) ? v0 : 0.0f);
    const float v1 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 128) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 128) % 32)), 23), 0)))]);
    As[((((tid + 128) / 32) * 36) + ((tid + 128) % 32))] = ((((m0 + ((tid + 128) / 32)) < 32) && ((k0 + ((tid + 128) % 32)) < 24)) ? v1 : 0.0f);
    const float v2 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 256) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 256) % 32)), 23), 0)))]);
    As[((((tid + 256) / 32) * 36) + ((tid + 256) % 32))] = ((((m0 + ((tid + 256) / 32)) < 32) && ((k0 + ((tid + 256) % 32)) < 24)) ? v2 : 0.0f);
    const float v3 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 384) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 384) % 32)), 23), 0)))]);
    As[((((tid + 384) / 32) * 36) + ((tid + 384) % 32))] = ((((m0 + ((tid + 384) / 32)) < 32) && ((k0 + ((tid + 384) % 32)) < 24)) ? v3 : 0.0f);
    const float v4 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 512) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 512) % 32)), 23), 0)))]);
    As[((((tid + 512) / 32) * 36) + ((tid + 512) % 32))] = ((((m0 + ((tid + 512) / 32)) < 32) && ((k0 + ((tid + 512) % 32)) < 24)) ? v4 : 0.0f);
    const float v5 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 640) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 640) % 32)), 23), 0)))]);
    As[((((tid + 640) / 32) * 36) + ((tid + 640) % 32))] = ((((m0 + ((tid + 640) / 32)) < 32) && ((k0 + ((tid + 640) % 32)) < 24)) ? v5 : 0.0f);
    const float v6 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 768) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 768) % 32)), 23), 0)))]);
    As[((((tid + 768) / 32) * 36) + ((tid + 768) % 32))] = ((((m0 + ((tid + 768) / 32)) < 32) && ((k0 + ((tid + 768) % 32)) < 24)) ? v6 : 0.0f);
    const float v7 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 896) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 896) % 32)), 23), 0)))]);
    As[((((tid + 896) / 32) * 36) + ((tid + 896) % 32))] = ((((m0 + ((tid + 896) / 32)) < 32) && ((k0 + ((tid + 896) % 32)) < 24)) ? v7 : 0.0f);
    const float v8 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1024) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1024) % 32)), 23), 0)))]);
    As[((((tid + 1024) / 32) * 36) + ((tid + 1024) % 32))] = ((((m0 + ((tid + 1024) / 32)) < 32) && ((k0 + ((tid + 1024) % 32)) < 24)) ? v8 : 0.0f);
    const float v9 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1152) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1152) % 32)), 23), 0)))]);
    As[((((tid + 1152) / 32) * 36) + ((tid + 1152) % 32))] = ((((m0 + ((tid + 1152) / 32)) < 32) && ((k0 + ((tid + 1152) % 32)) < 24)) ? v9 : 0.0f);
    const float v10 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1280) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1280) % 32)), 23), 0)))]);
    As[((((tid + 1280) / 32) * 36) + ((tid + 1280) % 32))] = ((((m0 + ((tid + 1280) / 32)) < 32) && ((k0 + ((tid + 1280) % 32)) < 24)) ? v10 : 0.0f);
    const float v11 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1408) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1408) % 32)), 23), 0)))]);
    As[((((tid + 1408) / 32) * 36) + ((tid + 1408) % 32))] = ((((m0 + ((tid + 1408) / 32)) < 32) && ((k0 + ((tid + 1408) % 32)) < 24)) ? v11 : 0.0f);
    const float v12 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1536) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1536) % 32)), 23), 0)))]);
    As[((((tid + 1536) / 32) * 36) + ((tid + 1536) % 32))] = ((((m0 + ((tid + 1536) / 32)) < 32) && ((k0 + ((tid + 1536) % 32)) < 24)) ? v12 : 0.0f);
    const float v13 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1664) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1664) % 32)), 23), 0)))]);
    As[((((tid + 1664) / 32) * 36) + ((tid + 1664) % 32))] = ((((m0 + ((tid + 1664) / 32)) < 32) && ((k0 + ((tid + 1664) % 32)) < 24)) ? v13 : 0.0f);
    const float v14 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1792) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1792) % 32)), 23), 0)))]);
    As[((((tid + 1792) / 32) * 36) + ((tid + 1792) % 32))] = ((((m0 + ((tid + 1792) / 32)) < 32) && ((k0 + ((tid + 1792) % 32)) < 24)) ? v14 : 0.0f);
    const float v15 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 1920) / 32)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1920) % 32)), 23), 0)))]);
    As[((((tid + 1920) / 32) * 36) + ((tid + 1920) % 32))] = ((((m0 + ((tid + 1920) / 32)) < 32) && ((k0 + ((tid + 1920) % 32)) < 24)) ? v15 : 0.0f);
    const float v16 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + (tid / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + (tid % 32)), 23), 0))]);
    Bs[(((tid / 32) * 36) + (tid % 32))] = ((((k0 + (tid % 32)) < 24) && ((n0 + (tid / 32)) < 16)) ? v16 : 0.0f);
    const float v17 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 128) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 128) % 32)), 23), 0))]);
    Bs[((((tid + 128) / 32) * 36) + ((tid + 128) % 32))] = ((((k0 + ((tid + 128) % 32)) < 24) && ((n0 + ((tid + 128) / 32)) < 16)) ? v17 : 0.0f);
    const float v18 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 256) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 256) % 32)), 23), 0))]);
    Bs[((((tid + 256) / 32) * 36) + ((tid + 256) % 32))] = ((((k0 + ((tid + 256) % 32)) < 24) && ((n0 + ((tid + 256) / 32)) < 16)) ? v18 : 0.0f);
    const float v19 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 384) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 384) % 32)), 23), 0))]);
    Bs[((((tid + 384) / 32) * 36) + ((tid + 384) % 32))] = ((((k0 + ((tid + 384) % 32)) < 24) && ((n0 + ((tid + 384) / 32)) < 16)) ? v19 : 0.0f);
    const float v20 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 512) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 512) % 32)), 23), 0))]);
    Bs[((((tid + 512) / 32) * 36) + ((tid + 512) % 32))] = ((((k0 + ((tid + 512) % 32)) < 24) && ((n0 + ((tid + 512) / 32)) < 16)) ? v20 : 0.0f);
    const float v21 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 640) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 640) % 32)), 23), 0))]);
    Bs[((((tid + 640) / 32) * 36) + ((tid + 640) % 32))] = ((((k0 + ((tid + 640) % 32)) < 24) && ((n0 + ((tid + 640) / 32)) < 16)) ? v21 : 0.0f);
    const float v22 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 768) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 768) % 32)), 23), 0))]);
    Bs[((((tid + 768) / 32) * 36) + ((tid + 768) % 32))] = ((((k0 + ((tid + 768) % 32)) < 24) && ((n0 + ((tid + 768) / 32)) < 16)) ? v22 : 0.0f);
    const float v23 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 896) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 896) % 32)), 23), 0))]);
    Bs[((((tid + 896) / 32) * 36) + ((tid + 896) % 32))] = ((((k0 + ((tid + 896) % 32)) < 24) && ((n0 + ((tid + 896) / 32)) < 16)) ? v23 : 0.0f);
    const float v24 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1024) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1024) % 32)), 23), 0))]);
    Bs[((((tid + 1024) / 32) * 36) + ((tid + 1024) % 32))] = ((((k0 + ((tid + 1024) % 32)) < 24) && ((n0 + ((tid + 1024) / 32)) < 16)) ? v24 : 0.0f);
    const float v25 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1152) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1152) % 32)), 23), 0))]);
    Bs[((((tid + 1152) / 32) * 36) + ((tid + 1152) % 32))] = ((((k0 + ((tid + 1152) % 32)) < 24) && ((n0 + ((tid + 1152) / 32)) < 16)) ? v25 : 0.0f);
    const float v26 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1280) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1280) % 32)), 23), 0))]);
    Bs[((((tid + 1280) / 32) * 36) + ((tid + 1280) % 32))] = ((((k0 + ((tid + 1280) % 32)) < 24) && ((n0 + ((tid + 1280) / 32)) < 16)) ? v26 : 0.0f);
    const float v27 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1408) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1408) % 32)), 23), 0))]);
    Bs[((((tid + 1408) / 32) * 36) + ((tid + 1408) % 32))] = ((((k0 + ((tid + 1408) % 32)) < 24) && ((n0 + ((tid + 1408) / 32)) < 16)) ? v27 : 0.0f);
    const float v28 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1536) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1536) % 32)), 23), 0))]);
    Bs[((((tid + 1536) / 32) * 36) + ((tid + 1536) % 32))] = ((((k0 + ((tid + 1536) % 32)) < 24) && ((n0 + ((tid + 1536) / 32)) < 16)) ? v28 : 0.0f);
    const float v29 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1664) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1664) % 32)), 23), 0))]);
    Bs[((((tid + 1664) / 32) * 36) + ((tid + 1664) % 32))] = ((((k0 + ((tid + 1664) % 32)) < 24) && ((n0 + ((tid + 1664) / 32)) < 16)) ? v29 : 0.0f);
    const float v30 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1792) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1792) % 32)), 23), 0))]);
    Bs[((((tid + 1792) / 32) * 36) + ((tid + 1792) % 32))] = ((((k0 + ((tid + 1792) % 32)) < 24) && ((n0 + ((tid + 1792) / 32)) < 16)) ? v30 : 0.0f);
    const float v31 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + ((tid + 1920) / 32)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + ((tid + 1920) % 32)), 23), 0))]);
    Bs[((((tid + 1920) / 32) * 36) + ((tid + 1920) % 32))] = ((((k0 + ((tid + 1920) % 32)) < 24) && ((n0 + ((tid + 1920) / 32)) < 16)) ? v31 : 0.0f);
    __syncthreads();
    for (int ks = 0; ks < 32; ks += 8) {
      const unsigned int fa0_0 = vmapc_tf32(As[(((wm + g) * 36) + (ks + t4))]);
      const unsigned int fa0_1 = vmapc_tf32(As[(((wm + (g + 8)) * 36) + (ks + t4))]);
      const unsigned int fa0_2 = vmapc_tf32(As[(((wm + g) * 36) + (ks + (t4 + 4)))]);
      const unsigned int fa0_3 = vmapc_tf32(As[(((wm + (g + 8)) * 36) + (ks + (t4 + 4)))]);
      const unsigned int fa1_0 = vmapc_tf32(As[(((wm + (g + 16)) * 36) + (ks + t4))]);
      const unsigned int fa1_1 = vmapc_tf32(As[(((wm + (g + 24)) * 36) + (ks + t4))]);
      const unsigned int fa1_2 = vmapc_tf32(As[(((wm + (g + 16)) * 36) + (ks + (t4 + 4)))]);
      const unsigned int fa1_3 = vmapc_tf32(As[(((wm + (g + 24)) * 36) + (ks + (t4 + 4)))]);
      const unsigned int fb0_0 = vmapc_tf32(Bs[(((wn + g) * 36) + (ks + t4))]);
      const unsigned int fb0_1 = vmapc_tf32(Bs[(((wn + g) * 36) + (ks + (t4 + 4)))]);
      const unsigned int fb1_0 = vmapc_tf32(Bs[(((wn + (g + 8)) * 36) + (ks + t4))]);
      const unsigned int fb1_1 = vmapc_tf32(Bs[(((wn + (g + 8)) * 36) + (ks + (t4 + 4)))]);
      const unsigned int fb2_0 = vmapc_tf32(Bs[(((wn + (g + 16)) * 36) + (ks + t4))]);
      const unsigned int fb2_1 = vmapc_tf32(Bs[(((wn + (g + 16)) * 36) + (ks + (t4 + 4)))]);
      const unsigned int fb3_0 = vmapc_tf32(Bs[(((wn + (g + 24)) * 36) + (ks + t4))]);
      const unsigned int fb3_1 = vmapc_tf32(Bs[(((wn + (g + 24)) * 36) + (ks + (t4 + 4)))]);
      vmapc_mma_tf32(c_0_0_0, c_0_0_1, c_0_0_2, c_0_0_3, fa0_0, fa0_1, fa0_2, fa0_3, fb0_0, fb0_1);
      vmapc_mma_tf32(c_0_1_0, c_0_1_1, c_0_1_2, c_0_1_3, fa0_0, fa0_1, fa0_2, fa0_3, fb1_0, fb1_1);
      vmapc_mma_tf32(c_0_2_0, c_0_2_1, c_0_2_2, c_0_2_3, fa0_0, fa0_1, fa0_2, fa0_3, fb2_0, fb2_1);
      vmapc_mma_tf32(c_0_3_0, c_0_3_1, c_0_3_2, c_0_3_3, fa0_0, fa0_1, fa0_2, fa0_3, fb3_0, fb3_1);
      vmapc_mma_tf32(c_1_0_0, c_1_0_1, c_1_0_2, c_1_0_3, fa1_0, fa1_1, fa1_2, fa1_3, fb0_0, fb0_1);
      vmapc_mma_tf32(c_1_1_0, c_1_1_1, c_1_1_2, c_1_1_3, fa1_0, fa1_1, fa1_2, fa1_3, fb1_0, fb1_1);
      vmapc_mma_tf32(c_1_2_0, c_1_2_1, c_1_2_2, c_1_2_3, fa1_0, fa1_1, fa1_2, fa1_3, fb2_0, fb2_1);
      vmapc_mma_tf32(c_1_3_0, c_1_3_1, c_1_3_2, c_1_3_3, fa1_0, fa1_1, fa1_2, fa1_3, fb3_0, fb3_1);
    }
    __syncthreads();
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + (t4 * 2))) < 16))) {
    const float v32 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + (t4 * 2)))))]);
    const float v33 = (c_0_0_0 + v32);
    const float v34 = vmapc_gelu(v33);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + (t4 * 2))))] = __float_as_uint(v34);
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + ((t4 * 2) + 1))) < 16))) {
    const float v35 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 1)))))]);
    const float v36 = (c_0_0_1 + v35);
    const float v37 = vmapc_gelu(v36);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + ((t4 * 2) + 1))))] = __float_as_uint(v37);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + (t4 * 2))) < 16))) {
    const float v38 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + (t4 * 2)))))]);
    const float v39 = (c_0_0_2 + v38);
    const float v40 = vmapc_gelu(v39);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + (t4 * 2))))] = __float_as_uint(v40);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + ((t4 * 2) + 1))) < 16))) {
    const float v41 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 1)))))]);
    const float v42 = (c_0_0_3 + v41);
    const float v43 = vmapc_gelu(v42);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + ((t4 * 2) + 1))))] = __float_as_uint(v43);
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + ((t4 * 2) + 8))) < 16))) {
    const float v44 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 8)))))]);
    const float v45 = (c_0_1_0 + v44);
    const float v46 = vmapc_gelu(v45);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + ((t4 * 2) + 8))))] = __float_as_uint(v46);
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + ((t4 * 2) + 9))) < 16))) {
    const float v47 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 9)))))]);
    const float v48 = (c_0_1_1 + v47);
    const float v49 = vmapc_gelu(v48);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + ((t4 * 2) + 9))))] = __float_as_uint(v49);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + ((t4 * 2) + 8))) < 16))) {
    const float v50 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 8)))))]);
    const float v51 = (c_0_1_2 + v50);
    const float v52 = vmapc_gelu(v51);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + ((t4 * 2) + 8))))] = __float_as_uint(v52);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + ((t4 * 2) + 9))) < 16))) {
    const float v53 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 9)))))]);
    const float v54 = (c_0_1_3 + v53);
    const float v55 = vmapc_gelu(v54);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + ((t4 * 2) + 9))))] = __float_as_uint(v55);
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + ((t4 * 2) + 16))) < 16))) {
    const float v56 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 16)))))]);
    const float v57 = (c_0_2_0 + v56);
    const float v58 = vmapc_gelu(v57);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + ((t4 * 2) + 16))))] = __float_as_uint(v58);
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + ((t4 * 2) + 17))) < 16))) {
    const float v59 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 17)))))]);
    const float v60 = (c_0_2_1 + v59);
    const float v61 = vmapc_gelu(v60);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + ((t4 * 2) + 17))))] = __float_as_uint(v61);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + ((t4 * 2) + 16))) < 16))) {
    const float v62 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 16)))))]);
    const float v63 = (c_0_2_2 + v62);
    const float v64 = vmapc_gelu(v63);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + ((t4 * 2) + 16))))] = __float_as_uint(v64);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + ((t4 * 2) + 17))) < 16))) {
    const float v65 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 17)))))]);
    const float v66 = (c_0_2_3 + v65);
    const float v67 = vmapc_gelu(v66);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + ((t4 * 2) + 17))))] = __float_as_uint(v67);
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + ((t4 * 2) + 24))) < 16))) {
    const float v68 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 24)))))]);
    const float v69 = (c_0_3_0 + v68);
    const float v70 = vmapc_gelu(v69);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + ((t4 * 2) + 24))))] = __float_as_uint(v70);
  }
  if ((((m0 + (wm + g)) < 32) && ((n0 + (wn + ((t4 * 2) + 25))) < 16))) {
    const float v71 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 25)))))]);
    const float v72 = (c_0_3_1 + v71);
    const float v73 = vmapc_gelu(v72);
    arena1[((((bz * 32) + (m0 + (wm + g))) * 16) + (n0 + (wn + ((t4 * 2) + 25))))] = __float_as_uint(v73);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + ((t4 * 2) + 24))) < 16))) {
    const float v74 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 24)))))]);
    const float v75 = (c_0_3_2 + v74);
    const float v76 = vmapc_gelu(v75);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + ((t4 * 2) + 24))))] = __float_as_uint(v76);
  }
  if ((((m0 + (wm + (g + 8))) < 32) && ((n0 + (wn + ((t4 * 2) + 25))) < 16))) {
    const float v77 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 25)))))]);
    const float v78 = (c_0_3_3 + v77);
    const float v79 = vmapc_gelu(v78);
    arena1[((((bz * 32) + (m0 + (wm + (g + 8)))) * 16) + (n0 + (wn + ((t4 * 2) + 25))))] = __float_as_uint(v79);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + (t4 * 2))) < 16))) {
    const float v80 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + (t4 * 2)))))]);
    const float v81 = (c_1_0_0 + v80);
    const float v82 = vmapc_gelu(v81);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + (t4 * 2))))] = __float_as_uint(v82);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + ((t4 * 2) + 1))) < 16))) {
    const float v83 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 1)))))]);
    const float v84 = (c_1_0_1 + v83);
    const float v85 = vmapc_gelu(v84);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + ((t4 * 2) + 1))))] = __float_as_uint(v85);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + (t4 * 2))) < 16))) {
    const float v86 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + (t4 * 2)))))]);
    const float v87 = (c_1_0_2 + v86);
    const float v88 = vmapc_gelu(v87);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + (t4 * 2))))] = __float_as_uint(v88);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + ((t4 * 2) + 1))) < 16))) {
    const float v89 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 1)))))]);
    const float v90 = (c_1_0_3 + v89);
    const float v91 = vmapc_gelu(v90);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + ((t4 * 2) + 1))))] = __float_as_uint(v91);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + ((t4 * 2) + 8))) < 16))) {
    const float v92 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 8)))))]);
    const float v93 = (c_1_1_0 + v92);
    const float v94 = vmapc_gelu(v93);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + ((t4 * 2) + 8))))] = __float_as_uint(v94);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + ((t4 * 2) + 9))) < 16))) {
    const float v95 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 9)))))]);
    const float v96 = (c_1_1_1 + v95);
    const float v97 = vmapc_gelu(v96);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + ((t4 * 2) + 9))))] = __float_as_uint(v97);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + ((t4 * 2) + 8))) < 16))) {
    const float v98 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 8)))))]);
    const float v99 = (c_1_1_2 + v98);
    const float v100 = vmapc_gelu(v99);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + ((t4 * 2) + 8))))] = __float_as_uint(v100);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + ((t4 * 2) + 9))) < 16))) {
    const float v101 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 9)))))]);
    const float v102 = (c_1_1_3 + v101);
    const float v103 = vmapc_gelu(v102);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + ((t4 * 2) + 9))))] = __float_as_uint(v103);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + ((t4 * 2) + 16))) < 16))) {
    const float v104 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 16)))))]);
    const float v105 = (c_1_2_0 + v104);
    const float v106 = vmapc_gelu(v105);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + ((t4 * 2) + 16))))] = __float_as_uint(v106);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + ((t4 * 2) + 17))) < 16))) {
    const float v107 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 17)))))]);
    const float v108 = (c_1_2_1 + v107);
    const float v109 = vmapc_gelu(v108);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + ((t4 * 2) + 17))))] = __float_as_uint(v109);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + ((t4 * 2) + 16))) < 16))) {
    const float v110 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 16)))))]);
    const float v111 = (c_1_2_2 + v110);
    const float v112 = vmapc_gelu(v111);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + ((t4 * 2) + 16))))] = __float_as_uint(v112);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + ((t4 * 2) + 17))) < 16))) {
    const float v113 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 17)))))]);
    const float v114 = (c_1_2_3 + v113);
    const float v115 = vmapc_gelu(v114);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + ((t4 * 2) + 17))))] = __float_as_uint(v115);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + ((t4 * 2) + 24))) < 16))) {
    const float v116 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 24)))))]);
    const float v117 = (c_1_3_0 + v116);
    const float v118 = vmapc_gelu(v117);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + ((t4 * 2) + 24))))] = __float_as_uint(v118);
  }
  if ((((m0 + (wm + (g + 16))) < 32) && ((n0 + (wn + ((t4 * 2) + 25))) < 16))) {
    const float v119 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 25)))))]);
    const float v120 = (c_1_3_1 + v119);
    const float v121 = vmapc_gelu(v120);
    arena1[((((bz * 32) + (m0 + (wm + (g + 16)))) * 16) + (n0 + (wn + ((t4 * 2) + 25))))] = __float_as_uint(v121);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + ((t4 * 2) + 24))) < 16))) {
    const float v122 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 24)))))]);
    const float v123 = (c_1_3_2 + v122);
    const float v124 = vmapc_gelu(v123);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + ((t4 * 2) + 24))))] = __float_as_uint(v124);
  }
  if ((((m0 + (wm + (g + 24))) < 32) && ((n0 + (wn + ((t4 * 2) + 25))) < 16))) {
    const float v125 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + (wn + ((t4 * 2) + 25)))))]);
    const float v126 = (c_1_3_3 + v125);
    const float v127 = vmapc_gelu(v126);
    arena1[((((bz * 32) + (m0 + (wm + (g + 24)))) * 16) + (n0 + (wn + ((t4 * 2) + 25))))] = __float_as_uint(v127);
  }
}

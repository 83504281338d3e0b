// vmapc kernel k0_matmul: matmul(matmul+add+gelu) -> f32[4,32,16]
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
extern "C" __global__ void __launch_bounds__(256) k0_matmul(const unsigned int* __restrict__ arena0, unsigned int* __restrict__ arena1) {
  __shared__ float As[512];
  __shared__ float Bs[256];
  const int tx = ((int)threadIdx.x);
  const int ty = ((int)threadIdx.y);
  const int tid = ((ty * 16) + tx);
  const int m0 = (((int)blockIdx.y) * 32);
  const int n0 = (((int)blockIdx.x) * 16);
  const int bz = ((int)blockIdx.z);
  float acc_0_0 = 0.0f;
  float acc_1_0 = 0.0f;
  #pragma unroll 1
  for (int k0 = 0; k0 < 24; k0 += 16) {
    const float v0 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + (tid / 16)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + (tid % 16)), 23), 0)))]);
    As[(((tid % 16) * 32) + (tid / 16))] = ((((m0 + (tid / 16)) < 32) && ((k0 + (tid % 16)) < 24)) ? v0 : 0.0f);
    const float v1 = __uint_as_float(arena0[(1600 + ((vmapc_maxi(vmapc_mini((m0 + ((tid + 256) / 16)), 31), 0) * 24) + vmapc_maxi(vmapc_mini((k0 + ((tid + 256) % 16)), 23), 0)))]);
    As[((((tid + 256) % 16) * 32) + ((tid + 256) / 16))] = ((((m0 + ((tid + 256) / 16)) < 32) && ((k0 + ((tid + 256) % 16)) < 24)) ? v1 : 0.0f);
    const float v2 = __uint_as_float(arena0[(((bz * 384) + (vmapc_maxi(vmapc_mini((n0 + (tid % 16)), 15), 0) * 24)) + vmapc_maxi(vmapc_mini((k0 + (tid / 16)), 23), 0))]);
    Bs[(((tid / 16) * 16) + (tid % 16))] = ((((k0 + (tid / 16)) < 24) && ((n0 + (tid % 16)) < 16)) ? v2 : 0.0f);
    __syncthreads();
    for (int kk = 0; kk < 16; kk += 1) {
      const float a0 = As[((kk * 32) + ty)];
      const float a1 = As[((kk * 32) + (ty + 16))];
      const float b0 = Bs[((kk * 16) + tx)];
      acc_0_0 = (acc_0_0 + (a0 * b0));
      acc_1_0 = (acc_1_0 + (a1 * b0));
    }
    __syncthreads();
  }
  if ((((m0 + ty) < 32) && ((n0 + tx) < 16))) {
    const float v3 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + tx)))]);
    const float v4 = (acc_0_0 + v3);
    const float v5 = vmapc_gelu(v4);
    arena1[((((bz * 32) + (m0 + ty)) * 16) + (n0 + tx))] = __float_as_uint(v5);
  }
  if ((((m0 + (ty + 16)) < 32) && ((n0 + tx) < 16))) {
    const float v6 = __uint_as_float(arena0[(1536 + ((bz * 16) + (n0 + tx)))]);
    const float v7 = (acc_1_0 + v6);
    const float v8 = vmapc_gelu(v7);
    arena1[((((bz * 32) + (m0 + (ty + 16))) * 16) + (n0 + tx))] = __float_as_uint(v8);
  }
}

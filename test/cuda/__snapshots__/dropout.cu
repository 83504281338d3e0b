// vmapc kernel k0_pointwise: pointwise(cmp_ge+mul) -> f32[3,5]
#ifndef VMAPC_HAVE_vmapc_hash
#define VMAPC_HAVE_vmapc_hash
static __device__ __forceinline__ unsigned int vmapc_hash(unsigned int x) {
  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; return x ^ (x >> 16);
}
#endif
#ifndef VMAPC_HAVE_vmapc_bits
#define VMAPC_HAVE_vmapc_bits
static __device__ __forceinline__ unsigned int vmapc_bits(unsigned int seed, unsigned int key, unsigned int i) {
  return vmapc_hash(i ^ vmapc_hash(key ^ vmapc_hash(seed)));
}
#endif
#ifndef VMAPC_HAVE_vmapc_uniform
#define VMAPC_HAVE_vmapc_uniform
static __device__ __forceinline__ float vmapc_uniform(unsigned int seed, unsigned int key, unsigned int i) {
  return (float)(vmapc_bits(seed, key, i) >> 8) * 5.9604644775390625e-8f;
}
#endif
extern "C" __global__ void __launch_bounds__(256) k0_pointwise(const unsigned int* __restrict__ arena0, unsigned int* __restrict__ arena1, const unsigned int seed) {
  const int i = (((int)(blockIdx.x * 256u + threadIdx.x)) + (((int)(blockIdx.y * 1u + threadIdx.y)) * 256));
  if ((i >= 15)) {
    return;
  }
  const float v0 = __uint_as_float(arena0[i]);
  const float v1 = vmapc_uniform(seed, 0u, (unsigned int)(i));
  const float v2 = ((v1 >= 0.25f) ? 1.0f : 0.0f);
  const float v3 = (v0 * v2);
  arena1[i] = __float_as_uint(v3);
}

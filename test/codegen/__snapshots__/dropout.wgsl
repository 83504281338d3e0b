// vmapc kernel k0_pointwise: pointwise(cmp_ge+mul) -> f32[3,5]
@group(0) @binding(0) var<storage, read> arena0: array<u32>;
@group(0) @binding(1) var<storage, read_write> arena1: array<u32>;
struct Params { seed: u32 }
@group(0) @binding(2) var<uniform> params: Params;
fn vmapc_hash(x0: u32) -> u32 {
  var x = x0;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  return x ^ (x >> 16u);
}
fn vmapc_bits(seed: u32, key: u32, i: u32) -> u32 {
  return vmapc_hash(i ^ vmapc_hash(key ^ vmapc_hash(seed)));
}
fn vmapc_uniform(seed: u32, key: u32, i: u32) -> f32 {
  return f32(vmapc_bits(seed, key, i) >> 8u) * 5.9604645e-8f;
}
@compute @workgroup_size(256, 1, 1)
fn main(@builtin(global_invocation_id) g_id: vec3<u32>, @builtin(local_invocation_id) l_id: vec3<u32>, @builtin(workgroup_id) w_id: vec3<u32>) {
  let i: i32 = (i32(g_id.x) + (i32(g_id.y) * 256i));
  if ((i >= 15i)) {
    return;
  }
  let v0: f32 = bitcast<f32>(arena0[i]);
  let v1: f32 = vmapc_uniform(params.seed, 0u, u32(i));
  let v2: f32 = select(0f, 1f, v1 >= 0.25f);
  let v3: f32 = (v0 * v2);
  arena1[i] = bitcast<u32>(v3);
}

// vmapc kernel k0_matmul: matmul(matmul+add+gelu) -> f32[4,32,16]
@group(0) @binding(0) var<storage, read> arena0: array<u32>;
@group(0) @binding(1) var<storage, read_write> arena1: array<u32>;
var<workgroup> As: array<f32, 512>;
var<workgroup> Bs: array<f32, 256>;
fn vmapc_erf(x: f32) -> f32 {
  let ax = abs(x);
  let t = 1.0f / (1.0f + 0.3275911f * ax);
  let y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * exp(-ax * ax);
  return select(y, -y, x < 0.0f);
}
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) g_id: vec3<u32>, @builtin(local_invocation_id) l_id: vec3<u32>, @builtin(workgroup_id) w_id: vec3<u32>) {
  let tx: i32 = i32(l_id.x);
  let ty: i32 = i32(l_id.y);
  let tid: i32 = ((ty * 16i) + tx);
  let m0: i32 = (i32(w_id.y) * 32i);
  let n0: i32 = (i32(w_id.x) * 16i);
  let bz: i32 = i32(w_id.z);
  var acc_0_0: f32 = 0f;
  var acc_1_0: f32 = 0f;
  for (var k0: i32 = 0i; k0 < 24i; k0 = k0 + 16i) {
    let v0: f32 = bitcast<f32>(arena0[(1600i + ((max(min((m0 + (tid / 16i)), 31i), 0i) * 24i) + max(min((k0 + (tid % 16i)), 23i), 0i)))]);
    As[(((tid % 16i) * 32i) + (tid / 16i))] = select(0f, v0, (((m0 + (tid / 16i)) < 32i) && ((k0 + (tid % 16i)) < 24i)));
    let v1: f32 = bitcast<f32>(arena0[(1600i + ((max(min((m0 + ((tid + 256i) / 16i)), 31i), 0i) * 24i) + max(min((k0 + ((tid + 256i) % 16i)), 23i), 0i)))]);
    As[((((tid + 256i) % 16i) * 32i) + ((tid + 256i) / 16i))] = select(0f, v1, (((m0 + ((tid + 256i) / 16i)) < 32i) && ((k0 + ((tid + 256i) % 16i)) < 24i)));
    let v2: f32 = bitcast<f32>(arena0[(((bz * 384i) + (max(min((n0 + (tid % 16i)), 15i), 0i) * 24i)) + max(min((k0 + (tid / 16i)), 23i), 0i))]);
    Bs[(((tid / 16i) * 16i) + (tid % 16i))] = select(0f, v2, (((k0 + (tid / 16i)) < 24i) && ((n0 + (tid % 16i)) < 16i)));
    workgroupBarrier();
    for (var kk: i32 = 0i; kk < 16i; kk = kk + 1i) {
      let a0: f32 = As[((kk * 32i) + ty)];
      let a1: f32 = As[((kk * 32i) + (ty + 16i))];
      let b0: f32 = Bs[((kk * 16i) + tx)];
      acc_0_0 = (acc_0_0 + (a0 * b0));
      acc_1_0 = (acc_1_0 + (a1 * b0));
    }
    workgroupBarrier();
  }
  if ((((m0 + ty) < 32i) && ((n0 + tx) < 16i))) {
    let v3: f32 = bitcast<f32>(arena0[(1536i + ((bz * 16i) + (n0 + tx)))]);
    let v4: f32 = (acc_0_0 + v3);
    let v5: f32 = (0.5f * v4 * (1.0f + vmapc_erf(v4 * 0.707106781f)));
    arena1[((((bz * 32i) + (m0 + ty)) * 16i) + (n0 + tx))] = bitcast<u32>(v5);
  }
  if ((((m0 + (ty + 16i)) < 32i) && ((n0 + tx) < 16i))) {
    let v6: f32 = bitcast<f32>(arena0[(1536i + ((bz * 16i) + (n0 + tx)))]);
    let v7: f32 = (acc_1_0 + v6);
    let v8: f32 = (0.5f * v7 * (1.0f + vmapc_erf(v7 * 0.707106781f)));
    arena1[((((bz * 32i) + (m0 + (ty + 16i))) * 16i) + (n0 + tx))] = bitcast<u32>(v8);
  }
}

// vmapc kernel k0_row: row(max+sub+exp+sum+log+sub) -> f32[6,10]
@group(0) @binding(0) var<storage, read> arena0: array<u32>;
@group(0) @binding(1) var<storage, read_write> arena1: array<u32>;
var<workgroup> sh0: array<f32, 32>;
var<workgroup> sh1: array<f32, 32>;
fn vmapc_inf() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}
@compute @workgroup_size(32, 1, 1)
fn main(@builtin(global_invocation_id) g_id: vec3<u32>, @builtin(local_invocation_id) l_id: vec3<u32>, @builtin(workgroup_id) w_id: vec3<u32>) {
  let row: i32 = (i32(w_id.x) + (i32(w_id.y) * 6i));
  if ((row >= 6i)) {
    return;
  }
  let lid: i32 = i32(l_id.x);
  var acc0: f32 = (-vmapc_inf());
  for (var j0: i32 = lid; j0 < 10i; j0 = j0 + 32i) {
    let v1: f32 = bitcast<f32>(arena0[((row * 10i) + j0)]);
    if (((v1 > acc0) || ((v1 != v1) && (acc0 == acc0)))) {
      acc0 = v1;
    }
  }
  sh0[lid] = acc0;
  workgroupBarrier();
  if ((lid < 16i)) {
    var m2: f32 = sh0[lid];
    if (((sh0[(lid + 16i)] > m2) || ((sh0[(lid + 16i)] != sh0[(lid + 16i)]) && (m2 == m2)))) {
      m2 = sh0[(lid + 16i)];
    }
    sh0[lid] = m2;
  }
  workgroupBarrier();
  if ((lid < 8i)) {
    var m3: f32 = sh0[lid];
    if (((sh0[(lid + 8i)] > m3) || ((sh0[(lid + 8i)] != sh0[(lid + 8i)]) && (m3 == m3)))) {
      m3 = sh0[(lid + 8i)];
    }
    sh0[lid] = m3;
  }
  workgroupBarrier();
  if ((lid < 4i)) {
    var m4: f32 = sh0[lid];
    if (((sh0[(lid + 4i)] > m4) || ((sh0[(lid + 4i)] != sh0[(lid + 4i)]) && (m4 == m4)))) {
      m4 = sh0[(lid + 4i)];
    }
    sh0[lid] = m4;
  }
  workgroupBarrier();
  if ((lid < 2i)) {
    var m5: f32 = sh0[lid];
    if (((sh0[(lid + 2i)] > m5) || ((sh0[(lid + 2i)] != sh0[(lid + 2i)]) && (m5 == m5)))) {
      m5 = sh0[(lid + 2i)];
    }
    sh0[lid] = m5;
  }
  workgroupBarrier();
  if ((lid < 1i)) {
    var m6: f32 = sh0[lid];
    if (((sh0[(lid + 1i)] > m6) || ((sh0[(lid + 1i)] != sh0[(lid + 1i)]) && (m6 == m6)))) {
      m6 = sh0[(lid + 1i)];
    }
    sh0[lid] = m6;
  }
  workgroupBarrier();
  let red0: f32 = sh0[0i];
  workgroupBarrier();
  var acc1: f32 = 0f;
  for (var j7: i32 = lid; j7 < 10i; j7 = j7 + 32i) {
    let v8: f32 = bitcast<f32>(arena0[((row * 10i) + j7)]);
    let v9: f32 = (v8 - red0);
    let v10: f32 = exp(v9);
    acc1 = (acc1 + v10);
  }
  sh1[lid] = acc1;
  workgroupBarrier();
  if ((lid < 16i)) {
    var m11: f32 = sh1[lid];
    m11 = (m11 + sh1[(lid + 16i)]);
    sh1[lid] = m11;
  }
  workgroupBarrier();
  if ((lid < 8i)) {
    var m12: f32 = sh1[lid];
    m12 = (m12 + sh1[(lid + 8i)]);
    sh1[lid] = m12;
  }
  workgroupBarrier();
  if ((lid < 4i)) {
    var m13: f32 = sh1[lid];
    m13 = (m13 + sh1[(lid + 4i)]);
    sh1[lid] = m13;
  }
  workgroupBarrier();
  if ((lid < 2i)) {
    var m14: f32 = sh1[lid];
    m14 = (m14 + sh1[(lid + 2i)]);
    sh1[lid] = m14;
  }
  workgroupBarrier();
  if ((lid < 1i)) {
    var m15: f32 = sh1[lid];
    m15 = (m15 + sh1[(lid + 1i)]);
    sh1[lid] = m15;
  }
  workgroupBarrier();
  let red1: f32 = sh1[0i];
  workgroupBarrier();
  for (var j16: i32 = lid; j16 < 10i; j16 = j16 + 32i) {
    let v17: f32 = bitcast<f32>(arena0[((row * 10i) + j16)]);
    let v18: f32 = (v17 - red0);
    let v19: f32 = log(red1);
    let v20: f32 = (v18 - v19);
    arena1[((row * 10i) + j16)] = bitcast<u32>(v20);
  }
}

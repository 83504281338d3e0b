// The small fused graphs whose generated source every backend keeps as golden snapshots.

/** A vmapped Linear + GELU over 4 members, K = 24 so TF32 tensor-core tiles apply too. */
export const LINEAR_GELU = `
  graph(%w: f32[4,16,24], %b: f32[4,16], %x: f32[32,24]) {
    %0: f32[1,32,24] = reshape(%x) {shape=[1,32,24]}
    %1: f32[4,32,24] = expand(%0) {shape=[4,32,24]}
    %2: f32[4,24,16] = permute(%w) {perm=[0,2,1]}
    %3: f32[4,32,16] = matmul(%1, %2)
    %4: f32[4,1,16] = reshape(%b) {shape=[4,1,16]}
    %5: f32[4,32,16] = expand(%4) {shape=[4,32,16]}
    %6: f32[4,32,16] = add(%3, %5)
    %7: f32[4,32,16] = gelu(%6)
    return %7
  }`;

/** A plain batched matmul with a residual add. */
export const MATMUL_RESIDUAL = `
  graph(%a: f32[2,5,20], %b: f32[2,20,48], %r: f32[2,5,48]) {
    %0: f32[2,5,48] = matmul(%a, %b)
    %1: f32[2,5,48] = add(%0, %r)
    return %1
  }`;

/** log_softmax over rows: two reductions and their elementwise ops in one row kernel. */
export const LOG_SOFTMAX = `
  graph(%x: f32[6,10]) {
    %0: f32[6,1] = max(%x) {axes=[1]}
    %1: f32[6,10] = expand(%0) {shape=[6,10]}
    %2: f32[6,10] = sub(%x, %1)
    %3: f32[6,10] = exp(%2)
    %4: f32[6,1] = sum(%3) {axes=[1]}
    %5: f32[6,1] = log(%4)
    %6: f32[6,10] = expand(%5) {shape=[6,10]}
    %7: f32[6,10] = sub(%2, %6)
    return %7
  }`;

/** Dropout-style masking with a random stream. */
export const DROPOUT = `
  graph(%x: f32[3,5]) {
    %0: f32[3,5] = rand() {key=0, dist="uniform"}
    %1: f32[3,5] = full() {value=0.25}
    %2: f32[3,5] = cmp_ge(%0, %1)
    %3: f32[3,5] = mul(%x, %2)
    return %3
  }`;

#!/usr/bin/env bash
# The CUDA backend's GPU check: packed here (no GPU needed), then run on a lent GPU machine in one command.
#
#   bash bench/gpu-check.sh prepare   # here: bundle the benchmarks, pack Node (xz), koffi, Dawn, the reference cases, Vulkan loaders
#   bash bench/gpu-check.sh dry-run   # here: the device steps from the packed files, on the CPU targets (checks the packing)
#   bash bench/gpu-check.sh device    # there, through the device tool, with carry [".gpucheck", ".gl"]:
#       run(command: "bash bench/gpu-check.sh device", carry: [".gpucheck", ".gl"], timeout_s: 540)
#
# What travels (at most 64 MiB with the working tree): .gpucheck/ holds node.xz (the Node binary of this machine,
# xz-compressed, unpacked on the device with xz or Python's lzma into /tmp), js/*.mjs (the benchmarks bundled
# with esbuild; koffi and webgpu stay external), node_modules/ (koffi and webgpu, whose dawn.node travels as
# dawn.node.xz), torch-reference/ (the cases but train_step). .gl/ holds the Vulkan
# loader packages Dawn needs there (docs of the device tool: dpkg -x them into / and run ldconfig).
# On the device, NVRTC comes from the image's Python wheels (nvidia-cuda-nvrtc, found by the runtime's search)
# and libcuda from the driver. Results go to $OUT: gpu-check.log, reference.json, gemm.json, ensemble-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
PACK=.gpucheck
MODE=${1:-}

die() { echo "gpu-check: $*" >&2; exit 1; }

unxz_to() { # unxz_to FILE.xz DEST: xz where installed, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

prepare() {
  command -v xz >/dev/null || die "xz is needed here (apt-get install xz-utils)"
  [ -x node_modules/.bin/esbuild ] || die "run npm ci first (esbuild comes with tsx)"
  for p in /.gpucheck/ /.gl/; do grep -qxF "$p" .git/info/exclude 2>/dev/null || echo "$p" >>.git/info/exclude; done
  mkdir -p "$PACK/js" "$PACK/node_modules/@koromix" "$PACK/node_modules/webgpu/dist/linux-x64"

  echo "== bundling the benchmarks"
  rm -f "$PACK"/js/*.mjs
  node_modules/.bin/esbuild bench/reference-check.ts bench/gemm-throughput.ts bench/ensemble-vs-loop.ts bench/cuda-executor-check.ts \
    --bundle --platform=node --format=esm --target=node20 --outdir="$PACK/js" --out-extension:.js=.mjs \
    --external:koffi --external:webgpu --log-level=warning \
    --banner:js="import { createRequire as vmapcRequire } from 'node:module'; const require = vmapcRequire(import.meta.url);"

  echo "== packing Node $(node --version) ($(command -v node))"
  local stamp="$PACK/node.version"
  if [ ! -f "$PACK/node.xz" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$(node --version)" ]; then
    xz -9 -T0 -c "$(command -v node)" >"$PACK/node.xz.tmp" && mv "$PACK/node.xz.tmp" "$PACK/node.xz"
    node --version >"$stamp"
  fi

  echo "== packing koffi and Dawn"
  rm -rf "$PACK/node_modules/koffi" "$PACK/node_modules/@koromix/koffi-linux-x64"
  cp -r node_modules/koffi "$PACK/node_modules/koffi"
  mkdir -p "$PACK/node_modules/@koromix/koffi-linux-x64"
  cp node_modules/@koromix/koffi-linux-x64/{package.json,index.js} "$PACK/node_modules/@koromix/koffi-linux-x64/"
  cp -r node_modules/@koromix/koffi-linux-x64/linux_x64 "$PACK/node_modules/@koromix/koffi-linux-x64/"
  cp node_modules/webgpu/{package.json,index.js} "$PACK/node_modules/webgpu/"
  local dawn=node_modules/webgpu/dist/linux-x64/dawn.node
  if [ ! -f "$PACK/dawn.node.xz" ] || [ "$dawn" -nt "$PACK/dawn.node.xz" ]; then xz -9 -T0 -c "$dawn" >"$PACK/dawn.node.xz"; fi

  echo "== copying the torch-reference cases"
  local ref=test/fixtures/torch-reference
  [ -d "$ref" ] || die "no $ref"
  rm -rf "$PACK/torch-reference" && mkdir -p "$PACK/torch-reference"
  for c in tutorial_mlp tutorial_mlp_per_member prenorm small_cnn; do cp -r "$ref/$c" "$PACK/torch-reference/$c"; done
  chmod -R u+w "$PACK/torch-reference"

  echo "== Vulkan loaders for Dawn on the device (.gl)"
  if ! ls .gl/*.deb >/dev/null 2>&1; then
    mkdir -p .gl /tmp/amd64/partial
    local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    # shellcheck disable=SC2086
    apt-get $o update -qq && (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2>/dev/null) \
      || echo "gpu-check: could not download the Vulkan loaders; WebGPU will be skipped on the device if it has none" >&2
  fi

  local tree carried total
  tree=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
  carried=$(du -sb "$PACK" .gl 2>/dev/null | awk '{s += $1} END {print s}')
  total=$((tree + carried))
  printf '== travels: working tree %.1f MiB + carried %.1f MiB = %.1f MiB (limit 64)\n' "$(echo "$tree/1048576" | bc -l)" "$(echo "$carried/1048576" | bc -l)" "$(echo "$total/1048576" | bc -l)"
  [ "$total" -lt $((64 * 1024 * 1024)) ] || die "over the 64 MiB the device tool carries"
  echo "ready: run(command: \"bash bench/gpu-check.sh device\", carry: [\".gpucheck\", \".gl\"], timeout_s: 540)"
}

# Unpacks Node and Dawn from the pack; prints the node binary's path.
unpack() {
  [ -f "$PACK/node.xz" ] || die "no $PACK/node.xz: run 'bash bench/gpu-check.sh prepare' first"
  local work=${TMPDIR:-/tmp}/vmapc-gpu-check
  mkdir -p "$work"
  [ -x "$work/node" ] && [ "$work/node" -nt "$PACK/node.xz" ] || { unxz_to "$PACK/node.xz" "$work/node"; chmod +x "$work/node"; }
  local dawn="$PACK/node_modules/webgpu/dist/linux-x64/dawn.node"
  [ -f "$dawn" ] && [ "$dawn" -nt "$PACK/dawn.node.xz" ] || unxz_to "$PACK/dawn.node.xz" "$dawn"
  echo "$work/node"
}

# step NAME SECONDS COMMAND...: runs one step under a time limit, its output into the log; a failure does not stop the rest.
step() {
  local name=$1 limit=$2; shift 2
  echo "== $name" | tee -a "$LOG"
  local t0=$SECONDS rc=0
  timeout "$limit" "$@" 2>&1 | tee -a "$LOG" || rc=${PIPESTATUS[0]}
  echo "-- $name: exit $rc after $((SECONDS - t0)) s" | tee -a "$LOG"
}

run_steps() { # run_steps device|dry-run
  local node
  node=$(unpack)
  mkdir -p "$OUT"
  LOG="$OUT/gpu-check.log"
  : >"$LOG"
  echo "== $(date -u +%FT%TZ) $1 on $(uname -n), $("$node" --version)" | tee -a "$LOG"
  local js=$PACK/js refdir=$PACK/torch-reference
  if [ "$1" = device ]; then
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv 2>&1 | tee -a "$LOG"
    step "the real CUDA executor (run, runWith, readInput, IndexError)" 60 "$node" "$js/cuda-executor-check.mjs"
    step "torch-reference: CUDA exact, CUDA TF32, WebGPU (Dawn on Vulkan)" 180 "$node" "$js/reference-check.mjs" --dir "$refdir" --targets cuda:exact,cuda:tf32,webgpu:vulkan --json "$OUT/reference.json"
    step "batched GEMM throughput (CUDA exact and TF32)" 150 "$node" "$js/gemm-throughput.mjs" --target cuda --json "$OUT/gemm.json"
    step "ensemble vs loop on CUDA" 80 "$node" "$js/ensemble-vs-loop.mjs" --target cuda --json "$OUT/ensemble-cuda.json"
    step "ensemble vs loop on WebGPU (Vulkan)" 80 "$node" "$js/ensemble-vs-loop.mjs" --target webgpu --json "$OUT/ensemble-webgpu.json"
  else
    step "torch-reference on the CPU targets" 240 "$node" "$js/reference-check.mjs" --dir "$refdir" --targets cpu,reference --reps 1 --json "$OUT/reference.json"
    step "batched GEMM on the C backend" 120 "$node" "$js/gemm-throughput.mjs" --target cpu --sizes 2x64x64x64,4x128x256x128 --iters 3 --json "$OUT/gemm.json"
    step "ensemble vs loop on the C backend" 240 "$node" "$js/ensemble-vs-loop.mjs" --target cpu --members 1,8 --reps 1 --json "$OUT/ensemble-cpu.json"
  fi
  echo "== done; results in $OUT" | tee -a "$LOG"
}

case "$MODE" in
  prepare) prepare ;;
  dry-run) OUT=${OUT:-scratch/gpu-check-dry} run_steps dry-run ;;
  device)
    [ -n "${OUT:-}" ] || OUT=$PWD/gpu-check-out
    if ls .gl/*.deb >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
      for f in .gl/*.deb; do dpkg -x "$f" /; done
      ldconfig
    fi
    icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -f "$icd" ] && export VK_DRIVER_FILES=$icd __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
    OUT=$OUT run_steps device
    ;;
  *) die "usage: bash bench/gpu-check.sh prepare|dry-run|device" ;;
esac

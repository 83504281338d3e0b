// The system C compiler: finding it, probing what it supports, and building cached shared libraries.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { BackendError } from '../../ir/errors.js';

/** Options of the `cpu` target. */
export interface CpuOptions {
  /** The C compiler: a path or a name on PATH. Default: $VMAPC_CC, $CC, then cc, gcc, clang. */
  readonly cc?: string;
  /** Optimisation and target flags. Default: ['-O3', '-march=native']. -ffast-math is refused. */
  readonly flags?: readonly string[];
  /** Where compiled libraries and tuned tile sizes are kept. Default: see cacheDir(). */
  readonly cacheDir?: string;
  /** Threads per kernel. Default: every core. */
  readonly threads?: number;
  /** Measure tile sizes per GEMM shape (cached on disk). Default true; small GEMMs always use defaults. */
  readonly tune?: boolean;
  /** Use OpenMP when `cc -fopenmp` works (default); false runs tasks on vmapc's own pthread pool. */
  readonly openmp?: boolean;
}

export interface Toolchain {
  readonly cc: string;
  /** The compiler's first --version line. */
  readonly version: string;
  readonly flags: readonly string[];
  readonly openmp: boolean;
  /** Floats per vector register under these flags: 16 (AVX-512), 8 (AVX/AVX2), 4 otherwise. */
  readonly vlen: number;
  /** The ISA in words, e.g. 'AVX-512 + FMA'. */
  readonly isa: string;
  readonly cacheDir: string;
  /** The CPU model (from /proc/cpuinfo or os.cpus()). */
  readonly cpuModel: string;
}

const DEFAULT_FLAGS = ['-O3', '-march=native'];
const FORBIDDEN = /^-f(fast-math|unsafe-math-optimizations|finite-math-only|associative-math|reciprocal-math)$|^-Ofast$/;

/** The cache directory: the option, $VMAPC_CACHE_DIR, the nearest node_modules/.cache/vmapc, else $XDG_CACHE_HOME/vmapc. */
export function cacheDir(option?: string): string {
  if (option) return path.resolve(option);
  if (process.env['VMAPC_CACHE_DIR']) return path.resolve(process.env['VMAPC_CACHE_DIR']);
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'vmapc');
    if (path.dirname(dir) === dir) break;
  }
  const xdg = process.env['XDG_CACHE_HOME'] || (homedir() ? path.join(homedir(), '.cache') : tmpdir());
  return path.join(xdg, 'vmapc');
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

const probes = new Map<string, Toolchain>();

/** Finds and probes the compiler once per (compiler, flags, cache); throws a BackendError when there is none. */
export function findToolchain(options: CpuOptions = {}): Toolchain {
  const flags = [...(options.flags ?? DEFAULT_FLAGS)];
  const bad = flags.find((f) => FORBIDDEN.test(f));
  if (bad) throw new BackendError(`cpu: the flag ${bad} changes floating-point results; vmapc never compiles with it`);
  const candidates = options.cc ? [options.cc] : [process.env['VMAPC_CC'], process.env['CC'], 'cc', 'gcc', 'clang'].filter((c): c is string => !!c);
  const dir = cacheDir(options.cacheDir);
  const key = JSON.stringify([candidates, flags, dir, options.openmp]);
  const known = probes.get(key);
  if (known) return known;
  const tried: string[] = [];
  for (const cc of candidates) {
    const v = spawnSync(cc, ['--version'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) {
      tried.push(`${cc} (${v.error ? (v.error as NodeJS.ErrnoException).code ?? v.error.message : `exit ${v.status}`})`);
      continue;
    }
    const version = v.stdout.split('\n')[0]!.trim();
    const macros = spawnSync(cc, [...flags, '-dM', '-E', '-x', 'c', '-'], { input: '', encoding: 'utf8' });
    if (macros.status !== 0) throw new BackendError(`cpu: ${cc} rejects the flags ${flags.join(' ')}: ${macros.stderr.trim()}`);
    const has = (m: string): boolean => new RegExp(`^#define ${m} `, 'm').test(macros.stdout);
    const vlen = has('__AVX512F__') ? 16 : has('__AVX__') ? 8 : 4;
    const isa = [has('__AVX512F__') ? 'AVX-512' : has('__AVX2__') ? 'AVX2' : has('__AVX__') ? 'AVX' : has('__ARM_NEON') ? 'NEON' : has('__SSE2__') ? 'SSE2' : 'scalar', has('__FMA__') ? 'FMA' : ''].filter(Boolean).join(' + ');
    const omp = options.openmp === false ? undefined : spawnSync(cc, ['-fopenmp', '-x', 'c', '-', '-fsyntax-only'], { input: '#include <omp.h>\nint main(void) { return omp_get_max_threads(); }\n', encoding: 'utf8' });
    const tc: Toolchain = { cc, version, flags, openmp: omp?.status === 0, vlen, isa, cacheDir: dir, cpuModel: cpuModel() };
    probes.set(key, tc);
    return tc;
  }
  throw new BackendError(
    `cpu: no C compiler found (tried ${tried.join(', ')}). Install one (Debian/Ubuntu: apt-get install -y gcc), ` +
      "point { cpu: { cc } } or $VMAPC_CC at it, or compile for another target ('auto' picks one)",
  );
}

/** Every flag of a library build. */
export function buildFlags(tc: Toolchain): string[] {
  return [...tc.flags, '-std=gnu11', '-fPIC', '-shared', '-fvisibility=hidden', '-fno-math-errno', tc.openmp ? '-fopenmp' : '-pthread', '-w'];
}

export function hashOf(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 24);
}

export interface CompileFailure {
  /** 1-based line in the source. */
  readonly line: number;
  readonly message: string;
  /** The compiler's whole diagnostic output. */
  readonly log: string;
}

/**
 * Builds `source` into a shared library in the cache (key: source, compiler, flags) and returns its
 * path. On failure calls onError with the first error's line and message, which must throw.
 */
export function buildLibrary(tc: Toolchain, source: string, onError: (f: CompileFailure) => never): string {
  const flags = buildFlags(tc);
  const key = hashOf(source, tc.cc, tc.version, flags.join(' '));
  mkdirSync(tc.cacheDir, { recursive: true });
  const so = path.join(tc.cacheDir, `lib-${key}.so`);
  if (existsSync(so)) return so;
  // Unique names while building: processes compiling the same source at once never see a partial file.
  const tmp = `${so}.${process.pid}.${Date.now()}`;
  const src = `${tmp}.c`;
  writeFileSync(src, source);
  const r = spawnSync(tc.cc, [...flags, '-o', tmp, src, '-lm'], { encoding: 'utf8' });
  if (r.status !== 0 || r.error) {
    rmSync(tmp, { force: true });
    rmSync(src, { force: true });
    const log = r.error ? r.error.message : `${r.stderr}${r.stdout}`;
    const m = /:(\d+):(?:\d+:)? (?:fatal )?error: (.*)/.exec(log);
    onError({ line: m ? Number(m[1]) : 0, message: m ? m[2]!.trim() : log.trim().split('\n').slice(-3).join(' '), log });
  }
  renameSync(src, path.join(tc.cacheDir, `lib-${key}.c`)); // kept next to the library for reading
  renameSync(tmp, so); // atomic: concurrent builds of the same source agree
  return so;
}

/** Runs a small program (the tile search) built from `source` with the library flags; returns its stdout. */
export function runProgram(tc: Toolchain, source: string, env: Record<string, string> = {}): string {
  const flags = buildFlags(tc).filter((f) => f !== '-shared' && f !== '-fPIC');
  const key = hashOf(source, tc.cc, tc.version, flags.join(' '));
  mkdirSync(tc.cacheDir, { recursive: true });
  const exe = path.join(tc.cacheDir, `tune-${key}`);
  if (!existsSync(exe)) {
    const tmp = `${exe}.${process.pid}.${Date.now()}`;
    const src = `${tmp}.c`;
    writeFileSync(src, source);
    const r = spawnSync(tc.cc, [...flags, '-o', tmp, src, '-lm'], { encoding: 'utf8' });
    rmSync(src, { force: true });
    if (r.status !== 0) throw new BackendError(`cpu: the tile search program does not compile: ${r.stderr.split('\n').slice(0, 5).join('\n')}`);
    renameSync(tmp, exe);
  }
  return execFileSync(exe, [], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
}

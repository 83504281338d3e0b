// Finds and loads libcuda (the driver) and libnvrtc (the run-time compiler) with koffi; says where it looked when it cannot.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import koffi from 'koffi';
import { BackendError } from '../../ir/errors.js';

export type LibraryHandle = ReturnType<typeof koffi.load>;

export interface LoadedLibrary {
  readonly lib: LibraryHandle;
  /** The path (or soname) that loaded. */
  readonly path: string;
}

/** Environment variables the search reads (a file, or a folder holding the library). */
export const CUDA_ENV = { driver: 'VMAPC_CUDA_PATH', nvrtc: 'VMAPC_NVRTC_PATH' } as const;

const isWindows = process.platform === 'win32';

/** Version numbers in a library file name, for picking the newest (libnvrtc.so.13.0.88 > libnvrtc.so.12). */
function versionOf(file: string): number[] {
  return (file.match(/\d+/g) ?? []).map(Number);
}

function newerFirst(a: string, b: string): number {
  const va = versionOf(a), vb = versionOf(b);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const d = (vb[i] ?? -1) - (va[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** The files in `dir` whose names match `pattern`, newest version first. */
export function librariesIn(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir).filter((f) => pattern.test(f)).sort(newerFirst).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** An env var naming a file or a folder: the file, or the matching libraries in the folder. */
function fromEnv(name: string, pattern: RegExp): string[] {
  const v = process.env[name];
  if (!v) return [];
  return isDir(v) ? librariesIn(v, pattern) : [v];
}

/** Python package folders where pip puts NVIDIA's wheels: virtualenvs, the system's, the user's. */
export function sitePackages(): string[] {
  const roots = new Set<string>();
  for (const p of (process.env['PYTHONPATH'] ?? '').split(path.delimiter)) if (p) roots.add(p);
  const prefixes = [process.env['VIRTUAL_ENV'], process.env['CONDA_PREFIX'], '/usr', '/usr/local', path.join(os.homedir(), '.local')];
  // Virtual environments under /opt (/opt/<name>/.venv, /opt/<name>/venv) are common on GPU images.
  for (const name of safeList('/opt')) for (const v of ['.venv', 'venv', '']) prefixes.push(path.join('/opt', name, v));
  for (const prefix of prefixes) {
    if (!prefix) continue;
    const lib = path.join(prefix, 'lib');
    for (const py of safeList(lib).filter((d) => /^python3(\.\d+)?$/.test(d))) {
      for (const leaf of ['site-packages', 'dist-packages']) roots.add(path.join(lib, py, leaf));
    }
  }
  return [...roots].filter(isDir);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The site-packages of the `python3` on PATH, asked once, as a last resort (it may be outside the usual places). */
let pythonSites: string[] | undefined;
function pythonSitePackages(): string[] {
  if (pythonSites) return pythonSites;
  try {
    const out = execFileSync('python3', ['-c', 'import site, sys; print("\\n".join(site.getsitepackages() + [site.getusersitepackages()]))'], { timeout: 5000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    pythonSites = out.split('\n').map((s) => s.trim()).filter(isDir);
  } catch {
    pythonSites = [];
  }
  return pythonSites;
}

/** NVIDIA's wheel layouts: nvidia/cu13/lib (CUDA 13), nvidia/cuda_nvrtc/lib (CUDA 12 and 11). */
function wheelDirs(site: string): string[] {
  const nv = path.join(site, 'nvidia');
  const dirs = safeList(nv).filter((d) => /^cu\d+$/.test(d)).sort(newerFirst).map((d) => path.join(nv, d, 'lib'));
  dirs.push(path.join(nv, 'cuda_nvrtc', 'lib'));
  return dirs.filter(isDir);
}

const NVRTC_FILE = isWindows ? /^nvrtc64_\d+(_\d+)?\.dll$/ : /^libnvrtc\.so(\.\d+)*$/;
const DRIVER_FILE = isWindows ? /^nvcuda\.dll$/ : /^libcuda\.so(\.\d+)*$/;

function cudaHomes(): string[] {
  return [process.env['CUDA_PATH'], process.env['CUDA_HOME'], '/usr/local/cuda'].filter((p): p is string => !!p);
}

/** Where NVRTC is looked for, in order. */
export function nvrtcCandidates(): string[] {
  const out: string[] = [...fromEnv(CUDA_ENV.nvrtc, NVRTC_FILE)];
  for (const home of cudaHomes()) {
    for (const sub of isWindows ? ['bin'] : ['lib64', 'lib', 'targets/x86_64-linux/lib', 'targets/sbsa-linux/lib']) out.push(...librariesIn(path.join(home, sub), NVRTC_FILE));
  }
  if (!isWindows) {
    // The dynamic linker's own search (LD_LIBRARY_PATH, ld.so.cache), then the distributions' folders.
    out.push('libnvrtc.so', 'libnvrtc.so.13', 'libnvrtc.so.12', 'libnvrtc.so.11.2');
    for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/local/lib']) out.push(...librariesIn(dir, NVRTC_FILE));
  }
  for (const site of sitePackages()) for (const dir of wheelDirs(site)) out.push(...librariesIn(dir, NVRTC_FILE));
  return [...new Set(out)];
}

/** Where the driver library is looked for, in order (never CUDA's link-time stubs, which cannot run anything). */
export function driverCandidates(): string[] {
  const out: string[] = [...fromEnv(CUDA_ENV.driver, DRIVER_FILE)];
  if (isWindows) return [...out, 'nvcuda.dll'];
  out.push('libcuda.so.1', 'libcuda.so');
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/local/nvidia/lib64', '/usr/local/nvidia/lib', '/usr/lib/wsl/lib']) {
    out.push(...librariesIn(dir, DRIVER_FILE));
  }
  return [...new Set(out)].filter((p) => !p.includes(`${path.sep}stubs${path.sep}`));
}

/** Loads the first candidate that loads; the error lists every attempt. */
export function loadFirst(what: string, candidates: readonly string[], help: string): LoadedLibrary {
  const tried: string[] = [];
  for (const c of candidates) {
    if (path.isAbsolute(c) && !existsSync(c)) {
      tried.push(`${c} (no such file)`);
      continue;
    }
    try {
      preloadCompanions(c);
      return { lib: koffi.load(c), path: c };
    } catch (e) {
      tried.push(`${c} (${(e as Error).message.replace(/^Failed to load shared library: /, '')})`);
    }
  }
  throw new BackendError(`${what}. ${help}\n  tried: ${tried.length ? tried.join('\n         ') : 'nothing'}`);
}

/**
 * NVRTC opens its builtins library (libnvrtc-builtins) by name at run time; loading it first from the same
 * folder makes that work when the folder is on no search path (wheels, a toolkit unpacked anywhere).
 */
function preloadCompanions(lib: string): void {
  if (!path.isAbsolute(lib) || !/nvrtc/.test(path.basename(lib))) return;
  const builtins = isWindows ? /^nvrtc-builtins64_\d+\.dll$/ : /^libnvrtc-builtins\.so(\.\d+)*$/;
  for (const b of librariesIn(path.dirname(lib), builtins)) {
    try {
      koffi.load(b);
      return;
    } catch {
      // The next candidate, or NVRTC's own search.
    }
  }
}

let driver: LoadedLibrary | undefined;
let nvrtc: LoadedLibrary | undefined;

export function loadDriverLibrary(): LoadedLibrary {
  driver ??= loadFirst(
    'no CUDA driver found: libcuda could not be loaded',
    driverCandidates(),
    `Install the NVIDIA driver, or set ${CUDA_ENV.driver} to the driver library (libcuda.so.1).`,
  );
  return driver;
}

export function loadNvrtcLibrary(): LoadedLibrary {
  if (nvrtc) return nvrtc;
  const help = `Install the CUDA toolkit or the Python wheel (pip install nvidia-cuda-nvrtc), or set ${CUDA_ENV.nvrtc} to libnvrtc.so or its folder.`;
  try {
    nvrtc = loadFirst('NVRTC (the CUDA run-time compiler) was not found', nvrtcCandidates(), help);
  } catch (first) {
    const extra = pythonSitePackages().flatMap(wheelDirs).flatMap((d) => librariesIn(d, NVRTC_FILE));
    if (!extra.length) throw first;
    nvrtc = loadFirst('NVRTC (the CUDA run-time compiler) was not found', extra, help);
  }
  return nvrtc;
}

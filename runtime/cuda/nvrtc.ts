// NVRTC through koffi: compiles CUDA C to PTX (or a cubin) for a compute capability; errors carry the compiler's log.

import { BackendError } from '../../ir/errors.js';
import { loadNvrtcLibrary, type LibraryHandle } from './libraries.js';

function bind(lib: LibraryHandle) {
  const f = (proto: string) => lib.func(proto);
  return {
    nvrtcGetErrorString: f('const char *nvrtcGetErrorString(int result)'),
    nvrtcVersion: f('int nvrtcVersion(_Out_ int *major, _Out_ int *minor)'),
    nvrtcGetNumSupportedArchs: f('int nvrtcGetNumSupportedArchs(_Out_ int *count)'),
    nvrtcGetSupportedArchs: f('int nvrtcGetSupportedArchs(_Out_ int *archs)'),
    nvrtcCreateProgram: f('int nvrtcCreateProgram(_Out_ void **prog, const char *src, const char *name, int numHeaders, const char **headers, const char **names)'),
    nvrtcDestroyProgram: f('int nvrtcDestroyProgram(_Inout_ void **prog)'),
    nvrtcCompileProgram: f('int nvrtcCompileProgram(void *prog, int numOptions, const char **options)'),
    nvrtcGetProgramLogSize: f('int nvrtcGetProgramLogSize(void *prog, _Out_ size_t *size)'),
    nvrtcGetProgramLog: f('int nvrtcGetProgramLog(void *prog, _Out_ uint8_t *log)'),
    nvrtcGetPTXSize: f('int nvrtcGetPTXSize(void *prog, _Out_ size_t *size)'),
    nvrtcGetPTX: f('int nvrtcGetPTX(void *prog, _Out_ uint8_t *ptx)'),
    nvrtcGetCUBINSize: f('int nvrtcGetCUBINSize(void *prog, _Out_ size_t *size)'),
    nvrtcGetCUBIN: f('int nvrtcGetCUBIN(void *prog, _Out_ uint8_t *cubin)'),
  };
}

type Api = ReturnType<typeof bind>;

/** What NVRTC produces: PTX text (the driver compiles it when loading) or a cubin for one exact architecture. */
export type NvrtcOutput = 'ptx' | 'cubin';

export interface CompiledModule {
  /** PTX (NUL-terminated text) or cubin bytes, ready for cuModuleLoadData. */
  readonly image: Buffer;
  readonly output: NvrtcOutput;
  /** The architecture compiled for, e.g. 90. */
  readonly arch: number;
  /** NVRTC's warnings, if any. */
  readonly log: string;
}

export class Nvrtc {
  private constructor(private readonly api: Api, readonly libraryPath: string) {}

  private static instance: Nvrtc | undefined;

  static get(): Nvrtc {
    if (!Nvrtc.instance) {
      const { lib, path } = loadNvrtcLibrary();
      Nvrtc.instance = new Nvrtc(bind(lib), path);
    }
    return Nvrtc.instance;
  }

  private check(code: number, what: string): void {
    if (code === 0) return;
    const name = (this.api.nvrtcGetErrorString(code) as string | null) ?? `nvrtcResult ${code}`;
    throw new BackendError(`${what} failed: ${name}`);
  }

  version(): [number, number] {
    const major: [number] = [0], minor: [number] = [0];
    this.check(this.api.nvrtcVersion(major, minor), 'nvrtcVersion');
    return [major[0], minor[0]];
  }

  /** The virtual architectures this NVRTC can target (e.g. [50, ..., 90, 100, 120]). */
  supportedArchs(): number[] {
    const n: [number] = [0];
    this.check(this.api.nvrtcGetNumSupportedArchs(n), 'nvrtcGetNumSupportedArchs');
    const archs = new Int32Array(n[0]);
    this.check(this.api.nvrtcGetSupportedArchs(archs), 'nvrtcGetSupportedArchs');
    return [...archs];
  }

  /** The newest architecture NVRTC supports that the device can run (PTX is forward compatible). */
  archFor(computeCapability: number): number {
    const usable = this.supportedArchs().filter((a) => a <= computeCapability);
    if (!usable.length) throw new BackendError(`NVRTC ${this.version().join('.')} (${this.libraryPath}) cannot compile for compute capability ${computeCapability / 10}`);
    return Math.max(...usable);
  }

  /**
   * Compiles one translation unit. PTX (`compute_XY`) by default; a cubin (`sm_XY`) where the driver
   * is older than NVRTC and cannot load its PTX. A compile error carries NVRTC's log and the lines it names.
   */
  compile(source: string, name: string, computeCapability: number, output: NvrtcOutput = 'ptx'): CompiledModule {
    const arch = this.archFor(computeCapability);
    const prog: [unknown] = [null];
    this.check(this.api.nvrtcCreateProgram(prog, source, `${name}.cu`, 0, null, null), 'nvrtcCreateProgram');
    try {
      const options = [`--gpu-architecture=${output === 'ptx' ? 'compute' : 'sm'}_${arch}`, '--std=c++14', '--fmad=true'];
      const code = this.api.nvrtcCompileProgram(prog[0], options.length, options);
      const log = this.log(prog[0]);
      if (code !== 0) {
        const name2 = (this.api.nvrtcGetErrorString(code) as string | null) ?? `nvrtcResult ${code}`;
        throw new BackendError(`NVRTC could not compile ${name} for sm_${arch}: ${name2}\n${log.trim()}\n${quoteErrors(source, log)}`);
      }
      const size: [number] = [0];
      if (output === 'ptx') {
        this.check(this.api.nvrtcGetPTXSize(prog[0], size), 'nvrtcGetPTXSize');
        const image = Buffer.alloc(Number(size[0]));
        this.check(this.api.nvrtcGetPTX(prog[0], image), 'nvrtcGetPTX');
        return { image, output, arch, log };
      }
      this.check(this.api.nvrtcGetCUBINSize(prog[0], size), 'nvrtcGetCUBINSize');
      const image = Buffer.alloc(Number(size[0]));
      this.check(this.api.nvrtcGetCUBIN(prog[0], image), 'nvrtcGetCUBIN');
      return { image, output, arch, log };
    } finally {
      this.api.nvrtcDestroyProgram(prog);
    }
  }

  private log(prog: unknown): string {
    const size: [number] = [0];
    if (this.api.nvrtcGetProgramLogSize(prog, size) !== 0 || Number(size[0]) <= 1) return '';
    const buf = Buffer.alloc(Number(size[0]));
    if (this.api.nvrtcGetProgramLog(prog, buf) !== 0) return '';
    return buf.toString('utf8', 0, Math.max(0, buf.indexOf(0)));
  }
}

/** The source lines an NVRTC log points at (`name.cu(12): error: ...`), numbered. */
export function quoteErrors(source: string, log: string): string {
  const lines = source.split('\n');
  const wanted = [...new Set([...log.matchAll(/\((\d+)\): error/g)].map((m) => Number(m[1])))].slice(0, 3);
  return wanted.map((n) => `${n}: ${lines[n - 1] ?? ''}`).join('\n');
}

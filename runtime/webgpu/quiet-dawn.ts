// Dawn's own messages (no Vulkan, limits reduced, Mesa's XDG_RUNTIME_DIR) reach stderr only with VMAPC_DEBUG=webgpu.

/** The libc calls that point file descriptor 2 elsewhere and back. */
interface Fds {
  dup(fd: number): number;
  dup2(from: number, to: number): number;
  open(path: string, flags: number): number;
  close(fd: number): number;
}

/**
 * True when the user asked to see Dawn's messages: VMAPC_DEBUG names `webgpu` (a comma-separated
 * list), or is `1`, `all` or `*`.
 */
export function dawnMessagesWanted(): boolean {
  const v = typeof process === 'undefined' ? undefined : process.env?.['VMAPC_DEBUG'];
  if (!v) return false;
  return v.split(',').map((s) => s.trim().toLowerCase()).some((s) => s === 'webgpu' || s === '1' || s === 'all' || s === '*');
}

let fds: Promise<Fds | undefined> | undefined;

/** koffi, imported by a specifier that browser bundlers leave alone (only Node calls loadFds). */
const KOFFI = 'koffi';

/** libc's dup, dup2, open and close through koffi, or undefined where that is not possible (no koffi, Windows). */
function loadFds(): Promise<Fds | undefined> {
  fds ??= (async () => {
    if (typeof process === 'undefined' || process.platform === 'win32') return undefined;
    try {
      const koffi = ((await import(/* @vite-ignore */ /* webpackIgnore: true */ KOFFI)) as typeof import('koffi')).default;
      const self = koffi.load(null);
      const f = {
        dup: self.func('int dup(int)'),
        dup2: self.func('int dup2(int, int)'),
        open: self.func('int open(const char *, int)'),
        close: self.func('int close(int)'),
      };
      return { dup: (fd) => f.dup(fd) as number, dup2: (a, b) => f.dup2(a, b) as number, open: (p, fl) => f.open(p, fl) as number, close: (fd) => f.close(fd) as number };
    } catch {
      return undefined;
    }
  })();
  return fds;
}

/**
 * Calls `fn` (a synchronous call into Dawn, e.g. `create(flags)` or the call that starts
 * `requestAdapter`) with the process's stderr pointed at /dev/null, unless the user asked for Dawn's
 * messages. Dawn and the drivers under it write to file descriptor 2 directly, so only this silences
 * them; no JavaScript runs while fn does, so nothing else is lost. Where stderr cannot be redirected,
 * fn simply runs.
 */
export async function quietDawnCall<T>(fn: () => T): Promise<T> {
  const io = dawnMessagesWanted() ? undefined : await loadFds();
  if (!io) return fn();
  const saved = io.dup(2);
  const devnull = saved < 0 ? -1 : io.open('/dev/null', 1 /* O_WRONLY */);
  if (devnull < 0) {
    if (saved >= 0) io.close(saved);
    return fn();
  }
  io.dup2(devnull, 2);
  io.close(devnull);
  try {
    return fn();
  } finally {
    io.dup2(saved, 2);
    io.close(saved);
  }
}

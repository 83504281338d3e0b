// Dawn's (and Mesa's) own messages reach stderr only when VMAPC_DEBUG asks for them; vmapc's own output is untouched.

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dawnMessagesWanted } from '../../runtime/webgpu/quiet-dawn.js';
import { REPO, runProcess, tempDir } from '../package/helpers.js';

const dir = tempDir('vmapc-quiet-');
const TSX = path.join(REPO, 'node_modules/tsx/dist/cli.mjs');

/** A script that writes to file descriptor 2 from inside quietDawnCall (as Dawn's C++ does), then after it. */
const MARKER_SCRIPT = `
import { writeSync } from 'node:fs';
import { quietDawnCall } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'runtime/webgpu/quiet-dawn.ts')).href)};
const r = await quietDawnCall(() => { writeSync(2, 'inside-the-call\\n'); return 42; });
writeSync(2, 'after-the-call ' + r + '\\n');
`;

/** A script that finds a WebGPU adapter the way compile() does. */
const PROBE_SCRIPT = `
import { acquireWebGpu } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'runtime/webgpu/adapter.ts')).href)};
const gpu = await acquireWebGpu();
console.log('adapter: ' + gpu.description);
gpu.device.destroy();
`;

function script(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const run = (file: string, debug?: string) => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['VMAPC_DEBUG'];
  if (debug !== undefined) env['VMAPC_DEBUG'] = debug;
  return runProcess(process.execPath, [TSX, file], { baseEnv: env });
};

describe('Dawn messages', () => {
  it('VMAPC_DEBUG: webgpu (in a comma list), 1, all or * asks for them; anything else does not', () => {
    const wanted = (v: string | undefined): boolean => {
      const old = process.env['VMAPC_DEBUG'];
      if (v === undefined) delete process.env['VMAPC_DEBUG'];
      else process.env['VMAPC_DEBUG'] = v;
      try {
        return dawnMessagesWanted();
      } finally {
        if (old === undefined) delete process.env['VMAPC_DEBUG'];
        else process.env['VMAPC_DEBUG'] = old;
      }
    };
    expect([undefined, '', 'cuda', 'webgpux'].map(wanted)).toEqual([false, false, false, false]);
    expect(['webgpu', 'cpu, WebGPU', '1', 'all', '*'].map(wanted)).toEqual([true, true, true, true, true]);
  });

  it('what is written to stderr during a Dawn call is dropped, unless VMAPC_DEBUG=webgpu; stderr works again after it', async () => {
    const file = script('marker.mts', MARKER_SCRIPT);
    const quiet = await run(file);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('after-the-call 42\n');
    const loud = await run(file, 'webgpu');
    expect(loud.stderr).toBe('inside-the-call\nafter-the-call 42\n');
  });

  it('finding an adapter prints nothing on stderr', async () => {
    const r = await run(script('probe.mts', PROBE_SCRIPT));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^adapter: /);
    expect(r.stderr).toBe('');
  });
});

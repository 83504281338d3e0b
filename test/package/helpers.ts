// Helpers for package tests: temporary folders, packages built from the fixtures, and a fresh Node process that runs one.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { ModuleClass } from '../../compiler/package/members.js';
import { buildPackage, type BuildResult } from '../../compiler/package/build-package.js';
import type { InputDecl } from '../../compiler/package/trace-ensemble.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'vmapc-pkg-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface SmallBuild {
  readonly cls: ModuleClass;
  readonly module: string;
  readonly members: number;
  readonly inputs: readonly InputDecl[];
  readonly out: string;
  readonly seed?: number;
}

export function buildSmall(b: SmallBuild): Promise<BuildResult> {
  return buildPackage({ cls: b.cls, module: b.module, source: 'test/package/fixtures/models.ts', members: b.members, init: { kind: 'seed', seed: b.seed ?? 0 }, inputs: b.inputs, targets: ['webgpu'], out: b.out, verify: true });
}

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (no shell), collecting its output; the environment is baseEnv (default: this process's) plus env. */
export function runProcess(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; baseEnv?: NodeJS.ProcessEnv } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? REPO, env: { ...(options.baseEnv ?? process.env), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The vmapc command, as `npx vmapc` runs it. */
export function vmapc(args: readonly string[], cwd = REPO): Promise<ProcessResult> {
  return runProcess(process.execPath, [path.join(REPO, 'cli/vmapc.mjs'), ...args], { cwd });
}

/**
 * The modules runtime.js loads statically (itself and the chunks it imports, transitively): the bare
 * and node: specifiers among their imports. Both must be empty for a browser to load the package.
 */
export function staticImports(pkg: string, entry: string): { bare: string[]; node: string[] } {
  const seen = new Set<string>();
  const bare: string[] = [];
  const node: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(path.join(pkg, file), 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('node:')) node.push(`${file}: ${spec}`);
      else if (!spec.startsWith('.')) bare.push(`${file}: ${spec}`);
      else visit(path.posix.join(path.posix.dirname(file), spec));
    }
  };
  visit(entry);
  return { bare, node };
}


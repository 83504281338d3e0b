// Every name the package exports (and every layer, Tensor method and option under it) has a doc comment: typedoc's validation, as npm run docs runs it.

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Application, Logger, LogLevel, TypeDocReader, type ProjectReflection, type TypeDocOptions } from 'typedoc';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from './helpers.js';

/** A typedoc logger that keeps the warnings and errors instead of printing them. */
class Collect extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    if (level >= LogLevel.Warn) this.messages.push(message);
  }
}

/** Converts and validates with these options (the type check is tsc's job in npm test): the project and what typedoc said. */
async function validate(options: TypeDocOptions, readConfig: boolean): Promise<{ project: ProjectReflection | undefined; messages: string[] }> {
  const app = await Application.bootstrapWithPlugins({ ...options, skipErrorChecking: true }, readConfig ? [new TypeDocReader()] : []);
  const logger = new Collect();
  app.logger = logger;
  const project = await app.convert();
  if (project) app.validate(project);
  return { project, messages: logger.messages };
}

describe('the API reference', () => {
  it('typedoc finds no export, layer, Tensor method or option without a doc comment (typedoc.json, as npm run docs)', async () => {
    // typedoc.json's paths are relative to it, so this does not depend on the working directory.
    const { project, messages } = await validate({ options: path.join(REPO, 'typedoc.json') }, true);
    expect(messages).toEqual([]);
    const names = new Set(Object.values(project!.reflections).map((r) => r.getFullName()));
    for (const n of ['Tensor.matmul', 'Tensor.logSoftmax', 'nn.Linear', 'nn.ModuleDict.get', 'nn.Sequential', 'F.crossEntropy', 'where', 'cat', 'stack', 'compile', 'optim.adam']) expect(names, n).toContain(n);
  }, 120_000);

  it('the same validation fails on an export without a doc comment', async () => {
    const dir = tempDir('vmapc-docs-');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'entry.ts'), '/** Documented. */\nexport const documented = 1;\nexport function bare(x: number): number {\n  return x;\n}\n');
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', types: [] }, include: ['src'] }));
    const { messages } = await validate({ entryPoints: [path.join(dir, 'src', 'entry.ts')], tsconfig: path.join(dir, 'tsconfig.json'), validation: { notDocumented: true }, readme: 'none' }, false);
    expect(messages.join('\n')).toMatch(/bare .*does not have any documentation/);
    expect(messages.join('\n')).not.toMatch(/documented .*does not have any documentation/);
  }, 60_000);
});

// The vmapc command line: build, inspect, run and bench, with exit codes 0 (ok), 1 (error) and 2 (usage).

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { compilerVersion } from '../compiler/package/version.js';
import type { BenchFlags } from './commands/bench.js';
import type { BuildFlags } from './commands/build.js';
import type { InspectFlags } from './commands/inspect.js';
import type { RunFlags } from './commands/run.js';
import { EXIT, UsageError } from './usage.js';

export interface CliIO {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** Whether stderr is a terminal (live progress lines). */
  readonly isTTY: boolean;
}

export const processIO: CliIO = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  isTTY: !!process.stderr.isTTY,
};

function int(min: number): (v: string) => number {
  return (v) => {
    if (!/^-?\d+$/.test(v.trim()) || Number(v) < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return Number(v);
  };
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function program(io: CliIO): Command {
  const p = new Command('vmapc')
    .description('Compile ensembles of nn.Module models (stack_module_state + vmap(functional_call)) into packages that run without the compiler.')
    .version(compilerVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)')
    .allowExcessArguments(false);

  p.command('build')
    .description('Build a package folder (manifest.json, weights.safetensors, kernels/, index.js, index.d.ts) for an ensemble of one model class.')
    .argument('<file>', 'the TypeScript file that exports the nn.Module subclass')
    .option('-m, --module <name>', 'the exported class to build (default: the only one the file exports)')
    .option('-n, --members <count>', 'ensemble size (default with --weights: one member per checkpoint)', int(1))
    .option('-i, --input <spec>', "an input of forward, repeatable: NAME=DTYPE[D0,...] shared by all members, or with an M dimension for one slice per member (x=f32[M,32,784])", collect, [])
    .option('-w, --weights <pattern>', "one PyTorch checkpoint per member, e.g. 'ckpt/member*.safetensors' (quoted; numbers sort numerically)")
    .option('--seed <n>', 'without --weights: member i is initialised from seed n+i', int(0), 0)
    .option('-t, --target <list>', 'comma-separated targets to build plans for; the loader tries them in this order', 'webgpu')
    .option('-o, --out <dir>', 'the package folder (default: dist/<module><members>); an earlier package there is replaced')
    .option('--args <json>', "constructor arguments as a JSON array, the same for every member, e.g. '[784, 10]'")
    .option('--chunk-size <n>', 'run the members in chunks of n (for stacked weights larger than one WebGPU binding, 128 MiB)', int(1))
    .option('--verify', 'check the IR after every pass')
    .option('-q, --quiet', 'no progress display')
    // Commands load on use: build and inspect bring the TypeScript compiler, run and bench only the runtime.
    .action(async (file: string, opts: BuildFlags) => (await import('./commands/build.js')).buildCommand(file, opts, io));

  p.command('inspect')
    .description('List the exported modules of a model file with their parameters and shapes, and any construct vmapc cannot trace; or describe a package folder.')
    .argument('<path>', 'a model file (.ts) or a package folder')
    .option('-m, --module <name>', 'only this module')
    .option('--args <json>', 'constructor arguments as a JSON array')
    .action(async (path: string, opts: InspectFlags) => (await import('./commands/inspect.js')).inspectCommand(path, opts, io));

  p.command('run')
    .description('Run a package on inputs from a .safetensors file (tensors named as the inputs) or a .npy file (one input), and write the outputs.')
    .argument('<package>', 'the package folder')
    .argument('<input>', 'a .safetensors or .npy file')
    .option('-o, --out <file>', 'where to write the outputs: .safetensors (by name) or .npy (one output); default: <input>.out.<ext>')
    .addOption(new Option('-t, --target <target>', 'the target to run on').default('auto'))
    .option('--seed <n>', 'seed for random ops', int(0))
    .action(async (pkg: string, input: string, opts: RunFlags) => (await import('./commands/run.js')).runCommand(pkg, input, opts, io));

  p.command('bench')
    .description('Time a package: load time, then runs on random inputs.')
    .argument('<package>', 'the package folder')
    .option('-r, --runs <n>', 'timed runs', int(1), 20)
    .option('--warmup <n>', 'untimed runs first', int(0), 3)
    .addOption(new Option('-t, --target <target>', 'the target to run on').default('auto'))
    .option('--json', 'print the numbers as JSON')
    .action(async (pkg: string, opts: BenchFlags) => (await import('./commands/bench.js')).benchCommand(pkg, opts, io));
  return p;
}

/** Runs the CLI on argv (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const p = program(io);
  const command = argv.find((a) => !a.startsWith('-')) ?? '';
  try {
    await p.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help, `help <command>` and --version exit 0; everything else commander rejects (no command included) is usage.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0)) return EXIT.ok;
      return EXIT.usage;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const who = `vmapc${command ? ` ${command}` : ''}`;
    if (err instanceof UsageError) {
      io.stderr(`${who}: ${err.message}\n(vmapc ${command || ''} --help lists every option)\n`);
      return EXIT.usage;
    }
    io.stderr(`${who}: ${err.name}: ${err.message}\n`);
    if (process.env['VMAPC_DEBUG'] && err.stack) io.stderr(`${err.stack}\n`);
    return EXIT.error;
  }
}

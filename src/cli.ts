import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { Context, type SignalName } from './app/context.js';
import { buildCommandTree } from './commands/build-program.js';
import { GLOBAL_OPTIONS } from './commands/global-options.js';
import { DESCRIPTION, GROUPS, LOADERS, loadSpecs } from './commands/catalog.js';
import { CONFIG_KEYS } from './commands/config-keys.js';
import { resolveInput } from './commands/resolve-input.js';
import type { CommandSpec } from './commands/spec.js';
import { type ConfigFlags, resolveConfig } from './core/config.js';
import { ExitCode, LoonError, ProblemFound, UsageError } from './core/errors.js';
import { maskUrlsIn } from './core/mask.js';
import { type Format, Output } from './core/output.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Options every command has (defined once on the program). */
interface GlobalOptions extends ConfigFlags {
  output?: Format;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

const PROGRAM_HELP = `
Examples:
  loonctl doctor                         check Redis, broker, database and today's counter
  loonctl serial next --count 3          reserve three ticket serials
  loonctl queue list                     Celery queues with ready and unacked counts
  loonctl lock run nightly -- ./job.sh   run a job on one host at a time
  loonctl config show                    effective settings and where they came from

Exit codes: 0 ok, 1 problem found, 2 usage, 3 not found, 65 bad data, 69 unavailable,
70 internal error, 74 cannot write output, 75 lock busy, 76 lock lost, 124 lock run --max-runtime,
130 interrupted.`;

/** Commander is about to print the top-level help of a program that holds only the commands a run named. */
class NeedsEveryCommand extends Error {}

/**
 * The commander program: every command, or with `argv` only the specs of the groups and top-level commands
 * it names (any word of it, so a global option's value never hides one); loading every spec costs more than
 * running a light command (start-up is benchmarked). Top-level commands it does not name are there by name
 * only, for "did you mean"; the top-level help lists them in full, so it needs the whole program.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const named = argv && new Set(argv.slice(2));
  const wanted = (name: string) => !named || named.has(name);
  const specs = await loadSpecs(wanted);
  const program = new Command('loonctl');
  // Settings first: commander copies them only into subcommands created afterwards with .command().
  program
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`loonctl: ${str.replace(/^error: /, '').trim()}\n`) })
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .description(DESCRIPTION)
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help');
  buildCommandTree(program, GLOBAL_OPTIONS, GROUPS, specs, runSpec);
  const absent = LOADERS.filter((l) => !wanted(l.name) && !GROUPS.some((g) => g.name === l.name));
  for (const l of absent) program.command(l.name, { hidden: !!l.hidden });
  if (absent.length)
    program.on('beforeHelp', () => {
      throw new NeedsEveryCommand();
    });
  program.addHelpText('after', PROGRAM_HELP);
  return program;
}

/**
 * The top-level help exactly as commander prints it to a pipe (80 columns, no colour): the source of
 * the generated `program-help.ts` that `--help` prints without loading commander.
 */
export async function programHelpText(): Promise<string> {
  let text = '';
  const program = (await buildProgram()).configureOutput({
    writeOut: (s) => (text += s),
    getOutHelpWidth: () => 80,
    getOutHasColors: () => false,
  });
  program.outputHelp();
  return text;
}

interface Running {
  ctx?: Context;
  out?: Output;
  interrupted?: number;
}
const running: Running = {};

/** Resolves a command's input, runs it in a fresh Context that is always closed, and renders its result. */
async function runSpec(spec: CommandSpec<never>, cmd: Command): Promise<void> {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const format: Format | undefined = opts.json ? 'json' : opts.output;
  const out = await Output.create({ format, color: opts.color, quiet: opts.quiet, verbose: opts.verbose });
  running.out = out;
  const config = resolveConfig(opts, process.env, CONFIG_KEYS);
  const given = {
    args: cmd.processedArgs,
    opts: cmd.opts(),
    fromCli: (k: string) => cmd.getOptionValueSource(k) === 'cli',
  };
  const input = resolveInput(spec.args ?? [], spec.options ?? [], given, process.env, config);
  if (spec.passThrough && !rawArgs(cmd).includes('--')) {
    throw new UsageError(
      `${spec.path.join(' ')} needs -- before the command`,
      `loonctl ${spec.path.join(' ')} NAME -- cmd args...`,
    );
  }
  const ctx = new Context(config, out);
  running.ctx = ctx;
  try {
    const result = await spec.run(ctx, input as never);
    if (result) {
      out.render(result);
      if (result.after) throw result.after;
    }
  } finally {
    await ctx.close();
  }
}

function rawArgs(cmd: Command): string[] {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  return (root as unknown as { rawArgs: string[] }).rawArgs;
}

/** Driver errors (Redis lost, NOPERM, OOM; a database connection reset) as typed errors; anything else as it is. */
async function classify(err: unknown): Promise<unknown> {
  if (err instanceof LoonError) return err;
  const [{ classifyRedisError }, { databaseFailure }, { interrupted }] = await Promise.all([
    import('./redis/errors.js'),
    import('./db/connect.js'),
    import('./redis/durability.js'),
  ]);
  const url = running.ctx?.config.databaseUrl.value ?? '';
  // Redis failing over or restarting mid-command: 69, and a rerun is safe (every step is atomic).
  const cut = interrupted(err, 'the command stopped part-way', 'Redis may be failing over or restarting: run it again');
  if (cut !== err) return cut;
  return classifyRedisError(err) ?? databaseFailure(err, url) ?? err;
}

/** The exit code for anything a command threw: typed errors carry theirs; anything else is a bug (70). */
export function exitCodeFor(err: unknown): number {
  return err instanceof LoonError ? err.exitCode : ExitCode.internal;
}

/** Prints one line for an error (stack only with --verbose) and returns its exit code. */
function report(err: unknown, verbose: boolean): number {
  const write = (s: string) => (running.out ? running.out.error(s) : process.stderr.write(`${s}\n`));
  if (err instanceof LoonError) {
    if (err.message && !(err instanceof ProblemFound && err.silent)) {
      write(`loonctl: ${maskUrlsIn(err.message)}${err.hint ? ` (${maskUrlsIn(err.hint)})` : ''}`);
      if (verbose && err.cause instanceof Error && err.cause.stack) write(maskUrlsIn(err.cause.stack));
    }
  } else {
    const e = err as Error;
    const hint = verbose ? 'stack below' : 'run with --verbose for the stack';
    write(`loonctl: internal error: ${maskUrlsIn(e?.message ?? String(err))} (${hint})`);
    if (verbose && e?.stack) write(maskUrlsIn(e.stack));
  }
  return exitCodeFor(err);
}

const SIGNAL_CODES: Record<SignalName, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

function installSignals(): void {
  for (const sig of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      const ctx = running.ctx;
      if (ctx?.signalHandler) return ctx.signalHandler(sig);
      if (running.interrupted) process.exit(running.interrupted); // second Ctrl-C: leave now
      running.interrupted = SIGNAL_CODES[sig];
      process.exitCode = running.interrupted;
      process.stderr.write('\nloonctl: interrupted\n');
      ctx?.abort();
      void ctx?.close();
      // Closing the connections ends the event loop; if something still holds it, do not hang.
      setTimeout(() => process.exit(running.interrupted), 2000).unref();
    });
  }
}

/** Parses and runs with the commands `argv` names; with all of them when it asks for the top-level help. */
async function parse(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (err) {
    if (!(err instanceof NeedsEveryCommand)) throw err;
    await (await buildProgram()).parseAsync(argv);
  }
}

/** Runs the CLI; sets process.exitCode and lets the event loop end (no process.exit on success). */
export async function run(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `loonctl ... | head -1`: the reader went away; stop quietly.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  installSignals();
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    await parse(argv);
  } catch (err) {
    if (running.interrupted) return;
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    process.exitCode = report(await classify(err), verbose);
  }
  if (running.interrupted) process.exitCode = running.interrupted;
}

import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { setRunner, type GlobalOptions } from './commands/action.js';
import { registerCompletion } from './commands/completion.js';
import { registerConfig } from './commands/config.js';
import { registerDoctor } from './commands/doctor.js';
import { registerLock } from './commands/lock.js';
import { registerQueue } from './commands/queue.js';
import { registerSerial } from './commands/serial.js';
import { resolveConfig } from './core/config.js';
import { Context, type SignalName } from './core/context.js';
import { ExitCode, LoonError, ProblemFound } from './core/errors.js';
import { maskUrlsIn } from './core/mask.js';
import { FORMATS, Output, type Format } from './core/output.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Builds the whole command tree. Also used by the completion generator. */
export function buildProgram(): Command {
  const program = new Command('loonctl');
  // Settings first: commander copies them only into subcommands created afterwards with .command().
  program
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(`loonctl: ${str.replace(/^error: /, '').trim()}\n`),
    })
    .showHelpAfterError("(add --help for usage)")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .description('Operate LoonFlow: ticket serials, Celery queues and locks in Redis, checked against the database.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--redis-url <url>', 'Redis for serial counters and locks (LOONCTL_REDIS_URL)')
    .option('--broker-url <url>', "Celery's broker Redis (LOONCTL_BROKER_URL, CELERY_BROKER_URL)")
    .option('--database-url <url>', 'postgres:// or mysql:// URL of the LoonFlow database (LOONCTL_DATABASE_URL)')
    .option('--sentinel-master <name>', 'master name for sentinel:// URLs')
    .option('--config <file>', 'JSON config file with profiles (LOONCTL_CONFIG)')
    .option('--profile <name>', 'profile from the config file (LOONCTL_PROFILE)')
    .option('--tz <zone>', "LoonFlow's time zone (default Asia/Shanghai)")
    .option('--timeout <duration>', 'connect timeout (default 5s)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS as string[]))
    .option('--json', 'same as -o json')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('-q, --quiet', 'print only data and errors')
    .option('-v, --verbose', 'more detail; stack traces on internal errors');

  registerSerial(program);
  registerQueue(program);
  registerLock(program);
  registerDoctor(program);
  registerConfig(program);
  registerCompletion(program);
  program.addHelpText(
    'after',
    `
Examples:
  loonctl doctor                         check Redis, broker, database and today's counter
  loonctl serial next --count 3          reserve three ticket serials
  loonctl queue list                     Celery queues with ready and unacked counts
  loonctl lock run nightly -- ./job.sh   run a job on one host at a time
  loonctl config show                    effective settings and where they came from

Exit codes: 0 ok, 1 problem found, 2 usage, 3 not found, 65 bad data, 69 unavailable,
70 internal error, 75 lock busy, 76 lock lost, 130 interrupted.`,
  );
  return program;
}

interface Running {
  ctx?: Context;
  out?: Output;
  interrupted?: number;
}
const running: Running = {};

async function runCommand(opts: GlobalOptions, fn: (ctx: Context) => Promise<void>): Promise<void> {
  const format: Format | undefined = opts.json ? 'json' : opts.output;
  const out = await Output.create({ format, color: opts.color, quiet: opts.quiet, verbose: opts.verbose });
  running.out = out;
  const config = resolveConfig(opts);
  const ctx = new Context(config, out);
  running.ctx = ctx;
  try {
    await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** The exit code for anything a command threw: typed errors carry theirs; anything else is a bug (70). */
export function exitCodeFor(err: unknown): number {
  return err instanceof LoonError ? err.exitCode : ExitCode.internal;
}

/** Prints one line for an error (stack only with --verbose) and returns its exit code. */
function report(err: unknown, verbose: boolean): number {
  const write = (s: string) => (running.out ? running.out.error(s) : process.stderr.write(s + '\n'));
  if (err instanceof LoonError) {
    if (err.message && !(err instanceof ProblemFound && err.silent)) {
      write(`loonctl: ${maskUrlsIn(err.message)}${err.hint ? ` (${maskUrlsIn(err.hint)})` : ''}`);
      if (verbose && err.cause instanceof Error && err.cause.stack) write(maskUrlsIn(err.cause.stack));
    }
  } else {
    const e = err as Error;
    write(`loonctl: internal error: ${maskUrlsIn(e?.message ?? String(err))} (${verbose ? 'stack below' : 'run with --verbose for the stack'})`);
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
      process.stderr.write(`\nloonctl: interrupted\n`);
      ctx?.abort();
      void ctx?.close();
      // Closing the connections ends the event loop; if something still holds it, do not hang.
      setTimeout(() => process.exit(running.interrupted), 2000).unref();
    });
  }
}

/** Runs the CLI; sets process.exitCode and lets the event loop end (no process.exit on success). */
export async function run(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `loonctl ... | head -1`: the reader went away; stop quietly.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  setRunner(runCommand);
  installSignals();
  const program = buildProgram();
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (running.interrupted) return;
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    process.exitCode = report(err, verbose);
  }
  if (running.interrupted) process.exitCode = running.interrupted;
}


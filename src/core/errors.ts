/**
 * Typed errors. Each carries the process exit code it maps to; `src/cli.ts` is the only place
 * that turns them into `process.exitCode`. Domain code throws these and never exits.
 */
export const ExitCode = {
  ok: 0,
  problem: 1,
  usage: 2,
  notFound: 3,
  dataError: 65,
  unavailable: 69,
  internal: 70,
  lockBusy: 75,
  lockLost: 76,
  /** An output file or stdout could not be written (ENOSPC, EIO): sysexits' EX_IOERR. */
  ioError: 74,
  /** `lock run --max-runtime` stopped the command, as `timeout` does. */
  timedOut: 124,
  interrupted: 130,
} as const;

export class LoonError extends Error {
  readonly exitCode: number;
  /** Shown in parentheses after the message: what the operator can do about it. */
  readonly hint?: string;
  constructor(message: string, exitCode: number, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flag value, missing argument, destructive command off a terminal without --yes. */
export class UsageError extends LoonError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** No such message, lock, counter, queue. */
export class NotFoundError extends LoonError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.notFound, hint);
  }
}

/** Input data that cannot be used: a malformed serial, a broken import line. */
export class DataError extends LoonError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.dataError, hint);
  }
}

/** Redis or the database is unreachable, refused us, or rejected the password. */
export class UnavailableError extends LoonError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.unavailable, hint, options);
  }
}

/**
 * The command ran and found a problem (doctor failing, audit duplicates, a counter behind).
 * Commands that already printed their report throw this with `silent` so only the code changes.
 */
export class ProblemFound extends LoonError {
  readonly silent: boolean;
  constructor(message: string, silent = false) {
    super(message, ExitCode.problem);
    this.silent = silent;
  }
}

export class LockBusyError extends LoonError {
  constructor(message: string, hint?: string, exitCode: number = ExitCode.lockBusy) {
    super(message, exitCode, hint);
  }
}

export class LockLostError extends LoonError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.lockLost, hint);
  }
}

export class TimedOutError extends LoonError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.timedOut, hint);
  }
}

export class InterruptedError extends LoonError {
  constructor() {
    super('interrupted', ExitCode.interrupted);
  }
}

/** Writing the output failed (disk full, /dev/full, I/O error): what was written so far is said. */
export class OutputError extends LoonError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.ioError, hint, options);
  }
}

/**
 * Adds what was done before an error to its message ("exported 3,266 message(s) before that"),
 * keeping its class and exit code. Returns the same error for chaining (`throw withSoFar(e, ...)`).
 */
export function withSoFar<T>(err: T, soFar: string): T {
  if (err instanceof LoonError && err.message && !err.message.includes(soFar)) err.message = `${err.message}; ${soFar}`;
  return err;
}

/** Ends the command with a given exit code and no message (e.g. `lock run` passing on the child's code). */
export class ExitWith extends LoonError {
  constructor(exitCode: number) {
    super('', exitCode);
  }
}

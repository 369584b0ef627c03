/** `unknown`: the check could not tell (no worker answered, no earlier observation); it does not fail doctor. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip' | 'unknown';

/** One line of the doctor's report. `data` carries machine-readable details for --json. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  data?: Record<string, unknown>;
}

export function check(name: string, status: CheckStatus, detail: string, data?: Record<string, unknown>): CheckResult {
  return data ? { name, status, detail, data } : { name, status, detail };
}

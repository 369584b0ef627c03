import { hideKnownSecrets, maskUrlsIn } from '../core/mask.js';

const HIDDEN = '****';
/** Flags whose value is a secret: --password, --db-pass, --token, --api-key, --auth, --secret... */
const SECRET_FLAG = /^--?[a-z0-9_-]*(pass|pwd|secret|token|auth|credential|api[-_]?key|private[-_]?key)[a-z0-9_-]*$/i;
/** Short flags that take a password in common tools: mysql -p, redis-cli -a. */
const SECRET_SHORT = /^-[pa]$/;
const SECRET_ENV = /^(?=[A-Za-z0-9_]*(?:PASS|PWD|SECRET|TOKEN|AUTH|KEY))[A-Za-z_][A-Za-z0-9_]*=/i;
/** A header or `key: value` / `key=value` text inside one argument (curl -H, -d, --data). */
const SECRET_NAMES = 'authorization|x-api-key|api[-_]?key|token|password|passwd|pwd|secret';
const SECRET_WORD = String.raw`\b(?:` + SECRET_NAMES + String.raw`)["']?\s*[:=]\s*`;
const SECRET_IN_TEXT = new RegExp(String.raw`^(.*?${SECRET_WORD})\S.*$`, 'i');
/** The same within a whole command line: the value runs to the next space (after a Bearer/Basic scheme). */
const SECRET_IN_LINE = new RegExp(String.raw`(${SECRET_WORD})(?:(?:bearer|basic)\s+)?[^\s,;}]+`, 'gi');
const MAX_LENGTH = 1000;

/**
 * What `lock run` stores in the lock's metadata about its command (readable by anyone who can read
 * Redis): the program name only, or with `record` the argument list with URL passwords, values of
 * password/token-like flags and secret-looking environment assignments replaced by `****`.
 */
export function commandForMetadata(argv: readonly string[], record = false): string {
  if (argv.length === 0) return '';
  const shown = record ? maskArgs(argv) : [hideKnownSecrets(maskUrlsIn(argv[0]))];
  const text = shown.map(quote).join(' ');
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}...` : text;
}

/** The same masking for a command line that is already one string (split on whitespace). */
export function maskCommandText(text: string): string {
  return maskArgs(text.replace(SECRET_IN_LINE, `$1${HIDDEN}`).split(/\s+/).filter(Boolean)).join(' ');
}

export function maskArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  let hideNext = false;
  for (const arg of argv) {
    if (hideNext && !arg.startsWith('--')) {
      out.push(HIDDEN);
      hideNext = false;
      continue;
    }
    hideNext = false;
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0 && SECRET_FLAG.test(arg.slice(0, eq))) out.push(`${arg.slice(0, eq)}=${HIDDEN}`);
    else if (SECRET_FLAG.test(arg) || SECRET_SHORT.test(arg)) {
      out.push(arg);
      hideNext = true;
    } else if (/^-p./.test(arg) && !arg.startsWith('--'))
      out.push(`-p${HIDDEN}`); // mysql -pSECRET
    else if (SECRET_ENV.test(arg)) out.push(`${arg.slice(0, arg.indexOf('='))}=${HIDDEN}`);
    else if (SECRET_IN_TEXT.test(arg)) out.push(arg.replace(SECRET_IN_TEXT, `$1${HIDDEN}`));
    else out.push(hideKnownSecrets(maskUrlsIn(arg)));
  }
  return out;
}

function quote(arg: string): string {
  return arg === '' || /[\s'"\\]/.test(arg) ? JSON.stringify(arg) : arg;
}

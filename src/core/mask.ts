/**
 * Hiding secrets in URLs (Redis, Sentinel lists, PostgreSQL, MySQL, unix sockets) on every channel.
 *
 * The masking is deliberately more suspicious than the URL parser: a password holding `@`, `/`, `?`,
 * `#` or `;` makes the WHATWG parser read the URL differently, or reject it, and a rejected URL is
 * still echoed in the "malformed URL" error. So the userinfo runs to the last `@` that the parser could
 * see as part of it, and every query parameter whose name looks secret is hidden too.
 */

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Query parameters holding a secret: `password`, `pass`, `pwd`, `sslpassword`, `token`, `api_key`, ... */
const SECRET_PARAM = /pass|pwd|secret|token|auth|credential|key/i;
const HIDDEN = '****';

/** Celery's `;`-joined Sentinel lists; a `;` not followed by another scheme belongs to a password. */
export function splitUrlList(text: string): string[] {
  return text.split(/;(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i);
}

/** Hides the password in anything URL-shaped, including Celery's `;`-joined sentinel lists. */
export function maskUrl(url: string): string {
  return splitUrlList(url).map(maskOne).join(';');
}

/** Masks every URL inside free text (driver errors sometimes echo the connection string), and known secrets. */
export function maskUrlsIn(text: string): string {
  const masked = text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (u) => maskUrl(u));
  return hideKnownSecrets(masked);
}

/** The secrets a URL carries as the parser reads them (decoded and raw): its password and secret query values. */
export function urlSecrets(url: string): string[] {
  const out = new Set<string>();
  for (const part of splitUrlList(url)) {
    const m = SCHEME.exec(part);
    if (!m) continue;
    const rest = part.slice(m[0].length);
    const at = userinfoEnd(part, rest);
    if (at >= 0) {
      const info = rest.slice(0, at);
      const colon = info.indexOf(':');
      if (colon >= 0) addSecret(out, info.slice(colon + 1));
      if (!looksLikeUser(colon >= 0 ? info.slice(0, colon) : info)) addSecret(out, info);
    }
    for (const [, key, value] of queryPairs(at >= 0 ? rest.slice(at + 1) : rest)) {
      if (SECRET_PARAM.test(safeDecode(key))) addSecret(out, value);
    }
  }
  return [...out];
}

const known = new Set<string>();
/** Secrets shorter than this are not hunted for in free text: hiding every "ab" would garble messages. */
const MIN_KNOWN_SECRET = 4;

/** Remembers the secrets of URLs in use, so they are hidden wherever they turn up (error text, stacks). */
export function rememberUrlSecrets(...urls: (string | undefined)[]): void {
  for (const u of urls) if (u) for (const s of urlSecrets(u)) if (s.length >= MIN_KNOWN_SECRET) known.add(s);
}

export function hideKnownSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret containing another is hidden whole.
  for (const s of [...known].sort((a, b) => b.length - a.length)) out = out.split(s).join(HIDDEN);
  return out;
}

function maskOne(part: string): string {
  const m = SCHEME.exec(part);
  if (!m) return part;
  const rest = part.slice(m[0].length);
  const at = userinfoEnd(part, rest);
  if (at < 0) return m[0] + maskQuery(rest);
  return `${m[0]}${maskUserinfo(rest.slice(0, at))}@${maskQuery(rest.slice(at + 1))}`;
}

/**
 * Index in `rest` (after `scheme://`) of the `@` ending the userinfo, or -1. Normally the last `@` before
 * the query or fragment; an `@` after a `?` or `#` counts too unless the parser accepts the URL and reads
 * that `@` as part of a `key=value` query parameter.
 */
function userinfoEnd(whole: string, rest: string): number {
  const stop = rest.search(/[?#]/);
  const before = stop === -1 ? rest : rest.slice(0, stop);
  const at = before.lastIndexOf('@');
  if (stop === -1 || rest.indexOf('@', stop) === -1) return at;
  const explained = rest
    .slice(stop + 1)
    .split(/[&;#?]/)
    .every((seg) => !seg.includes('@') || /^[^@]*=/.test(seg));
  return explained && parses(whole) ? at : rest.lastIndexOf('@');
}

function maskUserinfo(info: string): string {
  const colon = info.indexOf(':');
  if (colon === -1) return looksLikeUser(info) ? info : HIDDEN; // a user name alone is no secret
  const user = info.slice(0, colon);
  return `${looksLikeUser(user) ? user : HIDDEN}:${HIDDEN}`;
}

function looksLikeUser(s: string): boolean {
  return !/[/?#@;\s]/.test(s);
}

function maskQuery(tail: string): string {
  const q = tail.indexOf('?');
  if (q === -1) return tail;
  const query = tail
    .slice(q)
    .replace(/([?&;])([^=&;#]*)=([^&;#]*)/g, (all, sep: string, key: string) =>
      SECRET_PARAM.test(safeDecode(key)) ? `${sep}${key}=${HIDDEN}` : all,
    );
  return tail.slice(0, q) + query;
}

function queryPairs(tail: string): [string, string, string][] {
  const q = tail.indexOf('?');
  if (q === -1) return [];
  return [...tail.slice(q).matchAll(/[?&;]([^=&;#]*)=([^&;#]*)/g)].map((m) => [m[0], m[1], m[2]]);
}

function addSecret(out: Set<string>, raw: string): void {
  if (!raw) return;
  out.add(raw);
  out.add(safeDecode(raw));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

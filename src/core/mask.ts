/**
 * Hides the password in anything URL-shaped, including Celery's `;`-joined sentinel lists.
 * Used for every URL that reaches output, logs or error messages.
 */
export function maskUrl(url: string): string {
  return url
    .split(';')
    .map((part) => part.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
      const colon = auth.indexOf(':');
      if (colon === -1) return `${scheme}${auth}@`; // user only, no secret
      return `${scheme}${auth.slice(0, colon)}:****@`;
    }))
    .join(';');
}

/** Masks every URL inside free text (error messages from drivers sometimes echo the connection string). */
export function maskUrlsIn(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (u) => maskUrl(u));
}

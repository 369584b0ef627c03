import { encodeText, TEXT_CONTENT_TYPE } from './encode.js';
import type { MetricFamily } from './families.js';
import { encodeOpenMetrics, OPENMETRICS_CONTENT_TYPE } from './openmetrics.js';

export const EXPOSITION_FORMATS = ['prometheus', 'openmetrics'] as const;
export type ExpositionFormat = (typeof EXPOSITION_FORMATS)[number];

export function encodeAs(format: ExpositionFormat, families: readonly MetricFamily[]): string {
  return format === 'openmetrics' ? encodeOpenMetrics(families) : encodeText(families);
}

export function contentTypeOf(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
}

/**
 * The format a scrape's Accept header prefers: OpenMetrics when `application/openmetrics-text` (no
 * version, or 1.0.0) has a q above 0 and at least that of the best Prometheus text match; else
 * Prometheus 0.0.4, which is also the answer to no header or `*\/*`.
 */
export function negotiate(accept: string | undefined): ExpositionFormat {
  let om = 0;
  let text = 0;
  for (const range of (accept ?? '').split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const param = (k: string) => params.find((p) => p.startsWith(`${k}=`))?.slice(k.length + 1);
    const q = Number(param('q') ?? 1);
    if (!(q > 0)) continue;
    const version = param('version');
    if (type === 'application/openmetrics-text' && (version === undefined || version === '1.0.0')) om = Math.max(om, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return om > 0 && om >= text ? 'openmetrics' : 'prometheus';
}

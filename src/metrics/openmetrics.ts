import { escapeLabelValue, formatValue, labelText } from './encode.js';
import type { MetricFamily } from './families.js';

/** Content type of OpenMetrics 1.0.0 text, which Prometheus asks for first. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Units named in OpenMetrics' UNIT line when a family's name ends in them (UNIT must be a suffix of the name). */
const UNITS = ['seconds', 'bytes'];

/** A counter's family is named without `_total`; its samples keep it. */
export function familyName(f: MetricFamily): string {
  return f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
}

/**
 * OpenMetrics 1.0.0 text: HELP, TYPE and (when the name ends in a unit) UNIT before each family's
 * samples, no empty lines, `# EOF` last. Label values are escaped as in the Prometheus text; HELP also
 * escapes the double quote (OpenMetrics escapes HELP like a label value).
 */
export function encodeOpenMetrics(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    const name = familyName(f);
    out.push(`# HELP ${name} ${escapeLabelValue(f.help)}`, `# TYPE ${name} ${f.type}`);
    const unit = UNITS.find((u) => name.endsWith(`_${u}`));
    if (unit) out.push(`# UNIT ${name} ${unit}`);
    for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}

import { DataError } from '../../core/errors.js';
import { table } from '../../core/view.js';
import { defineCommand } from '../spec.js';

export const serialParse = defineCommand<{ sn: string[]; prefix?: string }>({
  path: ['serial', 'parse'],
  summary: 'split serials into prefix, zone, date and sequence; exit 65 if one is not a serial',
  args: [{ name: 'sn', description: 'serials', required: true, variadic: true }],
  options: [
    { name: 'prefix', type: 'string', placeholder: 'prefix', description: 'the expected prefix, when it contains _' },
  ],
  examples: ['loonctl serial parse loonflow_sh_202501010042', 'loonctl serial parse --json $(cat serials.txt)'],
  async run(_ctx, o) {
    const { parseSerial } = await import('../../serial/format.js');
    const rows = o.sn.map((sn) => ({ sn, parts: parseSerial(sn, o.prefix) }));
    const bad = rows.filter((r) => !r.parts);
    const view = table(rows, [
      { header: 'SERIAL', value: (r) => r.sn },
      { header: 'PREFIX', value: (r) => r.parts?.prefix ?? '' },
      { header: 'ZONE', value: (r) => r.parts?.zone ?? '' },
      { header: 'DATE', value: (r) => r.parts?.date ?? '' },
      { header: 'SEQ', value: (r) => r.parts?.seq ?? 'not a serial', tone: (r) => (r.parts ? undefined : 'fail') },
    ]);
    const json = rows.map((r) => (r.parts ? { sn: r.sn, ...r.parts } : { sn: r.sn, error: 'not a serial' }));
    const message = `not a serial: ${bad.map((r) => `'${r.sn}'`).join(', ')}`;
    return {
      views: [view],
      json,
      after: bad.length ? new DataError(message, 'expected prefix_[zone_]YYYYMMDDNNNN') : undefined,
    };
  },
});

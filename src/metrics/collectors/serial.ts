import { FamilySet } from '../families.js';
import type { SerialReading } from '../source.js';

const STATUSES = ['ok', 'missing', 'behind', 'ahead', 'invalid'];

/** Today's serial counter against the ticket table; without a database or serials, a gauge says it is absent. */
export function serialFamilies(reading: SerialReading | null): FamilySet {
  const set = new FamilySet();
  set
    .gauge(
      'loonctl_serial_check_available',
      "1 when today's serial counter was compared with the ticket table; 0 when no database is configured " +
        'or the LoonFlow line has no serials (3.x).',
    )
    .set({}, reading ? 1 : 0);
  if (!reading) return set;
  if (reading.counter !== null)
    set
      .gauge(
        'loonctl_serial_redis_sequence',
        'Last sequence handed out today: the day key in Redis (ticket_day_count_<date>).',
      )
      .set({}, reading.counter);
  set
    .gauge('loonctl_serial_database_max_sequence', "Highest sequence among today's serials in the ticket table.")
    .set({}, reading.maxSeq);
  set.gauge('loonctl_serial_tickets', 'Tickets created today (soft-deleted included).').set({}, reading.rows);
  const status = set.gauge(
    'loonctl_serial_state',
    'Counter vs database: behind (the next serial would repeat one in use), missing, ahead, invalid, ok; ' +
      '1 for the current one.',
  );
  for (const s of STATUSES) status.set({ status: s }, reading.status === s ? 1 : 0);
  return set;
}

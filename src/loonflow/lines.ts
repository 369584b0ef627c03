/** LoonFlow release lines and what each has (../shared/LOONFLOW.md section 1). */
export type LoonflowLine = '0.x' | '1.x' | '2.x' | '3.x';

export interface LineFacts {
  dialect: 'mysql' | 'postgres';
  ticketTable: 'ticket_ticketrecord' | 'ticket_record';
  /** Day counters and gen_ticket_sn exist (0.x-2.x); 3.x has no serials at all. */
  serials: boolean;
}

export const LINE_FACTS: Record<LoonflowLine, LineFacts> = {
  '0.x': { dialect: 'mysql', ticketTable: 'ticket_ticketrecord', serials: true },
  '1.x': { dialect: 'mysql', ticketTable: 'ticket_ticketrecord', serials: true },
  '2.x': { dialect: 'mysql', ticketTable: 'ticket_ticketrecord', serials: true },
  '3.x': { dialect: 'postgres', ticketTable: 'ticket_record', serials: false },
};

/** Which line loonctl faces and how it knows. */
export interface Deployment {
  line: LoonflowLine;
  /** `setting`, `environment`, `schema`, or `default` (nothing said otherwise: 2.x). */
  how: 'setting' | 'environment' | 'settings file' | 'schema' | 'default';
  detail: string;
}

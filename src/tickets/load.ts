import type { Redis } from 'ioredis';
import type { Census } from '../celery/control/census.js';
import type { Transport } from '../celery/transport.js';
import type { Database } from '../db/connect.js';
import { UsageError } from '../core/errors.js';
import { ticketMessages, type TicketMessage } from './broker-scan.js';
import { classifyTicket, STUCK, type ClassifiedStep } from './classify.js';
import type { TicketRecord } from './model.js';
import { readTickets2 } from './rows2.js';
import { readTickets3 } from './rows3.js';
import type { TicketLine } from './ticket-ref.js';

export interface TicketQuery {
  ids?: string[];
  workflow?: string;
  tenant?: string;
  sinceMs?: number;
}

/** Where the tickets and their messages are. `census`: what live workers hold (null: not asked). */
export interface TicketSources {
  db: Database;
  line: TicketLine;
  tz: string;
  broker: Redis;
  transport: Transport;
  census: Census | null;
  nowMs: number;
}

export function readTickets(s: Pick<TicketSources, 'db' | 'line' | 'tz'>, q: TicketQuery): Promise<TicketRecord[]> {
  if (s.line === '3.x') return readTickets3(s.db, s.tz, q);
  if (q.tenant !== undefined) throw new UsageError('--tenant is for LoonFlow 3.x; 2.x tickets have no tenant');
  return readTickets2(s.db, s.tz, q);
}

export interface TicketReport {
  ticket: TicketRecord;
  steps: ClassifiedStep[];
  /** Every LoonFlow task message about the ticket, its steps' and others (notices, action hooks). */
  messages: TicketMessage[];
}

/** Tickets with their steps classified against one read of the broker. */
export async function reportTickets(s: TicketSources, q: TicketQuery): Promise<TicketReport[]> {
  const tickets = await readTickets(s, q);
  if (tickets.length === 0) return [];
  const wanted = new Set(tickets.map((t) => t.key));
  const messages = await ticketMessages(s.broker, s.transport, s.line, wanted, s.census);
  return tickets.map((ticket) => ({
    ticket,
    steps: classifyTicket(ticket, messages, s.nowMs),
    messages: messages.filter((m) => m.ticketKey === ticket.key),
  }));
}

/** `ticket stuck`: ongoing tickets whose automated step is failed, lost, orphaned or duplicated. */
export async function stuckTickets(s: TicketSources, q: TicketQuery): Promise<TicketReport[]> {
  const all = await reportTickets(s, q);
  return all
    .map((r) => ({ ...r, steps: r.steps.filter((c) => STUCK.has(c.status)) }))
    .filter((r) => r.steps.length > 0);
}

import { describe, expect, it } from 'vitest';
import type { TicketMessage } from '../../src/tickets/broker-scan.js';
import { classifyStep, shellWord } from '../../src/tickets/classify.js';
import type { TicketRecord, TicketStep } from '../../src/tickets/model.js';
import { argKey, argsFromRepr, ticketKeyOf } from '../../src/tickets/ticket-ref.js';

describe('ticket references in task arguments', () => {
  it('compares ids as LoonFlow passes them: int or numeric text, UUIDs dashed, bare or upper case', () => {
    expect(argKey(4711)).toBe('4711');
    expect(argKey('4711')).toBe('4711');
    expect(argKey('0A1B2C3D-0000-4000-8000-000000000001')).toBe(argKey('0a1b2c3d000040008000000000000001'));
    expect(argKey(null)).toBeNull();
  });

  it('the ticket is the first argument on 2.x, the second (after the tenant) on 3.x; only tasks.*', () => {
    expect(ticketKeyOf('2.x', 'tasks.flow_hook_task', [4711], {})).toBe('4711');
    expect(ticketKeyOf('3.x', 'tasks.flow_hook_task', ['t', 'a1b2c3d4-0000-4000-8000-000000000001', 'n'], {})).toBe(
      'a1b2c3d4000040008000000000000001',
    );
    expect(ticketKeyOf('2.x', 'other.task', [4711], {})).toBeNull();
    expect(ticketKeyOf('2.x', 'tasks.flow_hook_task', [], { ticket_id: 7 })).toBe('7');
  });

  it("reads a worker's argsrepr (active with safe=True)", () => {
    expect(argsFromRepr('[4711, \'3\', 12, "admin_retry"]')).toEqual([4711, '3', 12, 'admin_retry']);
    expect(argsFromRepr('(4711,)')).toEqual([4711]);
    expect(argsFromRepr("[UUID('a1b2c3d4-0000-4000-8000-000000000001'), 'x, y']")).toEqual([
      'a1b2c3d4-0000-4000-8000-000000000001',
      'x, y',
    ]);
    expect(argsFromRepr('<object>')).toBeNull();
  });
});

const ticket = { id: '101', line: '2.x' } as TicketRecord;
const hook: TicketStep = {
  kind: 'hook',
  task: 'tasks.flow_hook_task',
  label: 'hook (state 20)',
  match: [{ index: 0, value: '101' }],
  outcome: 'none',
  args: [101],
};
const msg = (o: Partial<TicketMessage>): TicketMessage => ({
  ticketKey: '101',
  task: 'tasks.flow_hook_task',
  id: 'id-1',
  args: [101],
  kwargs: {},
  eta: null,
  where: 'ready',
  queue: 'loonflow',
  bucket: 0,
  position: 0,
  tag: null,
  since: null,
  holding: null,
  holder: null,
  ...o,
});

describe('step classification', () => {
  it('no message: failed, lost or waiting as the database says', () => {
    expect(classifyStep(ticket, { ...hook, outcome: 'failed' }, [], 0).status).toBe('failed');
    expect(classifyStep(ticket, hook, [], 0)).toMatchObject({ status: 'lost', fix: 'loonctl ticket retry 101' });
    expect(classifyStep(ticket, { ...hook, outcome: 'success' }, [], 0).status).toBe('waiting');
  });

  it('one message: queued, held, running or orphaned (a failed result with a pending retry is not stuck)', () => {
    const failed = { ...hook, outcome: 'failed' as const };
    expect(classifyStep(ticket, failed, [msg({})], 0).status).toBe('queued');
    expect(classifyStep(ticket, hook, [msg({ where: 'unacked', holding: 'held', holder: 'w1' })], 0).status).toBe(
      'held',
    );
    expect(classifyStep(ticket, hook, [msg({ where: 'running', holder: 'w1' })], 0).status).toBe('running');
    const o = classifyStep(ticket, hook, [msg({ where: 'unacked', holding: 'orphan' })], 0);
    expect(o).toMatchObject({ status: 'orphaned', fix: 'loonctl queue requeue --unacked --id id-1' });
  });

  it('two messages: duplicated; the one that runs first is kept, the other revoked', () => {
    const c = classifyStep(ticket, hook, [msg({ id: 'late', position: 5 }), msg({ id: 'next', position: 0 })], 0);
    expect(c).toMatchObject({ status: 'duplicated', fix: 'loonctl task revoke late --yes' });
  });

  it("another step's messages do not count", () => {
    expect(
      classifyStep(ticket, hook, [msg({ task: 'tasks.send_ticket_notice' }), msg({ args: [102] })], 0).status,
    ).toBe('lost');
  });

  it('quotes shell words only when needed', () => {
    expect(shellWord('4711')).toBe('4711');
    expect(shellWord(`[1,"it's"]`)).toBe(`'[1,"it'\\''s"]'`);
  });
});

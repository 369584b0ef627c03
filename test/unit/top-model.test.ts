import { describe, expect, it } from 'vitest';
import { initialState, onKey, withSnapshot, type TopState } from '../../src/top/model.js';
import { renderScreen } from '../../src/top/screen.js';
import { INFO, messageRow, queueRow, snapshot } from '../helpers/top.js';

const start = (o: Partial<Parameters<typeof initialState>[0]> = {}) =>
  withSnapshot(initialState({ readOnly: false, serials: false, columns: 100, rows: 30, ...o }), snapshot());
const press = (s: TopState, input: string, key = {}) => onKey(s, snapshot(), input, key);
const text = (s: TopState, snap = snapshot()) => renderScreen(s, snap, INFO).map((l) => l.text);

describe('top: keys and state', () => {
  it('selects the first queue, moves with j/k, opens its messages with Enter', () => {
    let s = start();
    expect(s.queue).toBe('loonflow');
    s = press(s, 'j').state;
    expect(s.queue).toBe('loonflow-slow');
    s = press(s, 'k').state;
    const r = press(s, '', { return: true });
    expect(r.state.tab).toBe('messages');
    expect(r.effect).toEqual({ type: 'refresh' });
  });

  it('a queue appearing above the selected one leaves the cursor on the selected queue', () => {
    let s = press(start(), 'j').state;
    expect(s).toMatchObject({ queue: 'loonflow-slow', cursor: { queues: 1 } });
    const grown = snapshot({ queues: [queueRow('a-new', 1), ...snapshot().queues] });
    s = withSnapshot(s, grown);
    expect(s).toMatchObject({ queue: 'loonflow-slow', cursor: { queues: 2 } });
    expect(text(s, grown).find((l) => l.startsWith('>'))).toMatch(/^> loonflow-slow /);
  });

  it('Serials: a line without serials shows the sentence saying so instead of rows', () => {
    const s = { ...start({ serials: true }), tab: 'serials' as const };
    const none = snapshot({ noSerials: 'LoonFlow 3.x has no ticket serials (ticket_record in postgres)' });
    const lines = text(s, none);
    expect(lines).toContain('  LoonFlow 3.x has no ticket serials (ticket_record in postgres)');
    expect(lines.join('\n')).not.toMatch(/COUNTER/);
    expect(lines.at(-1)).toBe('q quit  ←→ tab  ↑↓ select  r refresh');
  });

  it('/ edits the filter, Enter applies it and asks for a refresh, Esc clears it', () => {
    let s = press(start(), '/').state;
    for (const c of 'run') s = press(s, c).state;
    expect(s.input).toEqual({ kind: 'filter', text: 'run' });
    const applied = press(s, '', { return: true });
    expect(applied.state.filter).toBe('run');
    expect(applied.effect).toEqual({ type: 'refresh' });
    expect(press(applied.state, '', { escape: true }).state.filter).toBe('');
  });

  it('uppercase keys plan actions; lowercase never do; read-only refuses them', () => {
    const s = start();
    expect(press(s, 'R').effect).toEqual({ type: 'action', key: 'R' });
    expect(press(s, 'r').effect).toEqual({ type: 'refresh', fresh: true });
    expect(press(s, 'p').effect).toBeUndefined();
    const ro = press(start({ readOnly: true }), 'P');
    expect(ro.effect).toBeUndefined();
    expect(ro.state.note).toMatch(/read-only/);
  });

  it('M asks for a destination first, then plans the move with it', () => {
    let s = press(start(), 'M').state;
    expect(s.input?.kind).toBe('move');
    for (const c of 'dst') s = press(s, c).state;
    expect(press(s, '', { return: true }).effect).toEqual({ type: 'action', key: 'M', arg: 'dst' });
  });

  it('a pending confirmation runs only on y; any other key cancels', () => {
    const plan = { key: 'P', question: 'Delete 3 messages?', run: async () => 'done' };
    const s = { ...start(), confirm: plan };
    expect(press(s, 'y').effect).toEqual({ type: 'confirm' });
    const no = press(s, 'n');
    expect(no.effect).toBeUndefined();
    expect(no.state.confirm).toBeNull();
    expect(no.state.note).toMatch(/nothing changed/);
  });

  it('q and Ctrl-C quit', () => {
    expect(press(start(), 'q').effect).toEqual({ type: 'quit' });
    expect(press(start(), 'c', { ctrl: true }).effect).toEqual({ type: 'quit' });
  });
});

describe('top: the screen', () => {
  it('is rows-1 lines, none wider than the terminal, at 80x24 and 100x30', () => {
    for (const [columns, rows] of [
      [80, 24],
      [100, 30],
    ]) {
      for (const tab of ['queues', 'messages', 'unacked', 'workers', 'locks'] as const) {
        const lines = text({ ...start({ columns, rows }), tab });
        expect(lines).toHaveLength(rows - 1);
        for (const l of lines) expect([...l].length).toBeLessThanOrEqual(columns);
      }
    }
  });

  it('shows queue names and counts, orphans, hung tasks and the confirmation with its count', () => {
    const s = start();
    expect(text(s).join('\n')).toMatch(/loonflow-slow\s+12/);
    expect(text({ ...s, tab: 'unacked' }).join('\n')).toMatch(/orphan\s+tasks\.send_ticket_notice/);
    expect(text({ ...s, tab: 'workers' }).join('\n')).toMatch(/1h6m HUNG/);
    const plan = { key: 'R', question: "Requeue 1 orphaned message of 'loonflow'?", run: async () => '' };
    expect(text({ ...s, confirm: plan }).at(-1)).toBe("Requeue 1 orphaned message of 'loonflow'? [y/N]");
  });

  it('names queues that are not draining', () => {
    const snap = snapshot({ queues: [queueRow('loonflow', 5, { notDraining: 330 })] });
    expect(text(start(), snap)[2]).toMatch(/^not draining: loonflow 5m30s; /);
  });

  it('drops low-priority columns on a narrow terminal, keeps them on a wide one', () => {
    const snap = snapshot({ queues: [queueRow('loonflow', 5)] });
    const narrow = text({ ...start({ columns: 60 }) }, snap)[3];
    const wide = text({ ...start({ columns: 160 }) }, snap)[3];
    expect(narrow).toContain('QUEUE');
    expect(narrow).not.toContain('BUCKETS');
    expect(wide).toContain('BUCKETS');
    expect(wide).toContain('DEPTH');
  });

  it('the message detail says where it sits, with headers, args and kwargs', () => {
    const snap = snapshot();
    snap.messages!.rows = [messageRow(0, 'id-x', 'tasks.flow_hook_task', [42])];
    const lines = text({ ...start(), tab: 'messages', detail: true }, snap).join('\n');
    expect(lines).toMatch(/where: queue loonflow, bucket 0, position 0/);
    expect(lines).toMatch(/args: \[42\]/);
    expect(lines).toMatch(/kwargs: \{\}/);
    expect(lines).toMatch(/headers:/);
  });
});

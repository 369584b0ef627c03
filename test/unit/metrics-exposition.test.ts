import { describe, expect, it } from 'vitest';
import { shareBudget } from '../../src/metrics/collectors/backlog.js';
import { encodeText, escapeHelp, escapeLabelValue, formatValue } from '../../src/metrics/encode.js';
import { FamilySet } from '../../src/metrics/families.js';
import { parseListen } from '../../src/metrics/serve.js';
import { SharedCollection } from '../../src/metrics/shared.js';
import { parseExposition, promtoolCheck } from '../helpers/metrics.js';

describe('text exposition', () => {
  it('escapes exactly backslash, double quote and line feed in label values', () => {
    expect(escapeLabelValue('a"b\\c\nd\te{}=,')).toBe('a\\"b\\\\c\\nd\te{}=,');
    expect(escapeLabelValue('\\n')).toBe('\\\\n');
    expect(escapeHelp('x\\y\nz"')).toBe('x\\\\y\\nz"');
  });

  it('writes values as Prometheus parses them', () => {
    expect([NaN, Infinity, -Infinity, 0, -1.5, 1e21, 4070908800].map(formatValue)).toEqual([
      'NaN',
      '+Inf',
      '-Inf',
      '0',
      '-1.5',
      '1e+21',
      '4070908800',
    ]);
  });

  it('round-trips hostile label values, and promtool accepts the result', () => {
    const values = ['"', '\\', '\n', '\\"', 'a\\nb', '工单', '}', ' ', '', '#', 'x\r\ty'];
    const set = new FamilySet();
    const g = set.gauge('loonctl_test_messages', 'help with \\ and\nnewline');
    values.forEach((v, i) => g.set({ queue: v }, i));
    const text = encodeText(set.families);
    expect(parseExposition(text).map((s) => [s.labels.queue, s.value])).toEqual(values.map((v, i) => [v, i]));
    expect(promtoolCheck(text)).toEqual({ code: 0, output: '' });
  });

  it('refuses bad names, counters without _total and a family declared twice', () => {
    const set = new FamilySet();
    expect(() => set.gauge('bad-name', 'x')).toThrow();
    expect(() => set.counter('loonctl_things', 'x')).toThrow();
    set.gauge('loonctl_x', 'x');
    expect(() => set.gauge('loonctl_x', 'x')).toThrow();
    expect(() => set.gauge('loonctl_y', 'y').set({ 'bad-label': 'v' }, 1)).toThrow();
  });

  it('parses listen addresses', () => {
    expect(parseListen('127.0.0.1:9808')).toEqual({ host: '127.0.0.1', port: 9808 });
    expect(parseListen(':9808')).toEqual({ host: '0.0.0.0', port: 9808 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('host')).toBeNull();
    expect(parseListen('h:70000')).toBeNull();
  });
});

describe('read budget', () => {
  it('reads small queues whole and shares the rest equally, at least one message each', () => {
    expect(shareBudget([10, 5000, 20, 5000], 1000, 1000)).toEqual([10, 485, 20, 485]);
    expect(shareBudget([5000, 5000], 100_000, 1000)).toEqual([1000, 1000]);
    expect(shareBudget([300, 300], 10_000, 200)).toEqual([200, 200]);
    expect(shareBudget([9, 9, 9], 2, 1000)).toEqual([1, 1, 1]);
    expect(shareBudget([], 10, 10)).toEqual([]);
  });
});

describe('shared collection', () => {
  it('concurrent callers share one in-flight collection; the cache holds it for the ttl, then one more', async () => {
    let now = 0;
    let calls = 0;
    const pending: (() => void)[] = [];
    const shared = new SharedCollection(
      () => {
        calls++;
        return new Promise<number>((resolve) => pending.push(() => resolve(calls)));
      },
      1000,
      () => now,
    );
    const first = Array.from({ length: 20 }, () => shared.get());
    expect(calls).toBe(1);
    pending.shift()!();
    expect(await Promise.all(first)).toEqual(Array(20).fill(1));
    now = 999;
    expect(await shared.get()).toBe(1);
    expect(calls).toBe(1);
    now = 1000;
    const again = [shared.get(), shared.get()];
    expect(calls).toBe(2);
    pending.shift()!();
    expect(await Promise.all(again)).toEqual([2, 2]);
  });

  it('a failed collection is not kept', async () => {
    let calls = 0;
    const shared = new SharedCollection(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return calls;
    }, 60_000);
    await expect(shared.get()).rejects.toThrow('boom');
    expect(await shared.get()).toBe(2);
    expect(await shared.get()).toBe(2);
  });
});

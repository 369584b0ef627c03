// The Ink component of `loonctl top`, rendered by ink-testing-library: frames asserted on content.
import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionDeps } from '../../src/top/actions.js';
import { TopApp } from '../../src/top/app.js';
import { firstFrameText } from '../../src/top/first-frame.js';
import { initialState } from '../../src/top/model.js';
import type { Snapshot, ViewRequest } from '../../src/top/types.js';
import { waitFor } from '../helpers/celery.js';
import { INFO, snapshot } from '../helpers/top.js';

const ESC = '\x1b';
const views: ViewRequest[] = [];
let app: ReturnType<typeof render> | undefined;
afterEach(() => {
  app?.unmount();
  app = undefined;
  views.length = 0;
});

interface MountOptions {
  snap?: Snapshot;
  firstSnap?: Snapshot;
  readOnly?: boolean;
  actions?: ActionDeps | null;
  color?: boolean;
}

function mount(o: MountOptions = {}) {
  const source = {
    tick: async (v: ViewRequest) => {
      views.push(v);
      return o.snap ?? snapshot();
    },
  };
  const initial = initialState({ readOnly: !!o.readOnly, serials: false, columns: 100, rows: 24 });
  app = render(
    h(TopApp, {
      source,
      initial,
      info: INFO,
      intervalMs: 60_000,
      actions: o.actions ?? null,
      color: o.color ?? true,
      firstSnap: o.firstSnap,
    }),
  );
  return app;
}

// Frames come as React commits them: wait for the text (the bound only stops a hang).
const frame = async (a: ReturnType<typeof render>, text: string | RegExp) => {
  await waitFor(() => !!a.lastFrame()?.match(text), 5000, `a frame with ${String(text)}`);
  return a.lastFrame()!;
};
const type = async (a: ReturnType<typeof render>, ...keys: string[]) => {
  for (const k of keys) {
    a.stdin.write(k);
    await new Promise((r) => setImmediate(r));
  }
};

describe('top component (ink-testing-library)', () => {
  it('first frame: tabs, queues with counts, keys', async () => {
    const a = mount();
    const f = await frame(a, /loonflow-slow/);
    expect(f).toMatch(/\[1 Queues\]/);
    expect(f).toMatch(/loonflow\s+3/);
    expect(f).toMatch(/loonflow-slow\s+12/);
    expect(f).toMatch(/R requeue orphans/);
    for (const line of f.split('\n')) expect(line.replace(/\x1b\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(100);
  });

  it('a snapshot read while the UI loaded is the first frame, and no second read follows at once', () => {
    const a = mount({ firstSnap: snapshot() });
    expect(a.frames[0]).toMatch(/loonflow-slow\s+12/);
    expect(views).toEqual([]);
  });

  it('Enter opens the messages of the selected queue; the page asked for is the visible one', async () => {
    const a = mount();
    await frame(a, /loonflow-slow/);
    await type(a, '\r');
    const f = await frame(a, /\[2 Messages\]/);
    expect(f).toMatch(/tasks\.flow_hook_task\s+id-a/);
    expect(views.at(-1)).toMatchObject({ tab: 'messages', queue: 'loonflow', offset: 0, limit: 18 });
  });

  it('/ filter: typed text shows in the prompt and goes to the collector on Enter', async () => {
    const a = mount();
    await frame(a, /loonflow-slow/);
    await type(a, '/');
    await frame(a, /\/█/);
    await type(a, 'r', 'u', 'n');
    await frame(a, /\/run█/);
    await type(a, '\r');
    await waitFor(() => views.at(-1)?.filter === 'run', 5000, 'a refresh with the filter');
    expect(views.at(-1)).toMatchObject({ tab: 'messages', filter: 'run' });
  });

  it('r re-reads at once what is cached between refreshes (fresh); the timer and other keys do not', async () => {
    const a = mount();
    await frame(a, /loonflow-slow/);
    expect(views.map((v) => !!v.fresh)).toEqual([false]);
    await type(a, '2');
    await waitFor(() => views.length === 2, 5000, 'the refresh of the tab switch');
    await type(a, 'r');
    await waitFor(() => views.length === 3, 5000, 'the refresh of r');
    expect(views.map((v) => !!v.fresh)).toEqual([false, false, true]);
  });

  it('an uppercase action asks with its count; n cancels and nothing runs', async () => {
    const released: string[] = [];
    const actions = {
      releaseLock: async (name: string) => {
        released.push(name);
        return { deleted: true, holder: null };
      },
    } as unknown as ActionDeps;
    const a = mount({ actions });
    await frame(a, /loonflow-slow/);
    await type(a, '5');
    await frame(a, /\[5 Locks\]/);
    await type(a, 'D');
    await frame(a, /Force-release 1 lock 'nightly' held by host pid 1\? \[y\/N\]/);
    await type(a, 'n');
    await frame(a, /cancelled: nothing changed/);
    expect(released).toEqual([]);
    await type(a, 'D');
    await frame(a, /\[y\/N\]/);
    await type(a, 'y');
    await frame(a, /released nightly/);
    expect(released).toEqual(['nightly']);
  });

  it('--read-only: the footer says so and actions are refused', async () => {
    const a = mount({ readOnly: true });
    await frame(a, /READ-ONLY/);
    await type(a, 'P');
    await frame(a, /read-only: actions are disabled/);
  });

  it('Esc leaves the message detail; q ends the app', async () => {
    const a = mount();
    await frame(a, /loonflow-slow/);
    await type(a, '\r');
    await frame(a, /id-a/);
    await type(a, '\r');
    await frame(a, /message detail/);
    await type(a, ESC);
    await frame(a, /POS\s+B?\s*TASK/);
    await type(a, 'q');
    await waitFor(() => !a.lastFrame()?.includes('never'), 1000, 'exit');
  });

  it('monochrome: no colour escapes, the selected row still marked with >', async () => {
    const a = mount({ color: false, snap: snapshot() });
    const f = await frame(a, /loonflow-slow/);
    expect(f).not.toMatch(/\x1b\[3[0-9]m/);
    expect(f).toMatch(/^> loonflow /m);
  });
  it('keys typed together (while Ink loaded, or pasted) each count: "32" ends on the Messages tab', async () => {
    const a = mount();
    await frame(a, /loonflow-slow/);
    a.stdin.write('32');
    await frame(a, /\[2 Messages\]/);
  });

  it('the first frame painted before Ink loads is the text of the first frame Ink draws, colour on and off', async () => {
    for (const color of [false, true]) {
      const snap = snapshot();
      const a = mount({ firstSnap: snap, color });
      const inkFrame = await frame(a, /loonflow-slow/);
      const initial = initialState({ readOnly: false, serials: false, columns: 100, rows: 24 });
      const painted = firstFrameText(initial, snap, INFO, color);
      const plain = (t: string) => t.replace(/\x1b\[[0-9;]*m/g, '').replace(/ +$/gm, '');
      expect(plain(painted)).toBe(plain(inkFrame) + '\n');
      if (!color) expect(painted).not.toMatch(/\x1b\[(3[0-7]|2)m/);
      else expect(painted).toMatch(/\x1b\[[0-9;]*m/);
      a.unmount();
    }
  });
});

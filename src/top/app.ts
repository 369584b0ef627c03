import { Box, Text, useApp, useInput, useStdout } from './ui-vendor.js';
import { createElement as h, useCallback, useEffect, useRef, useState } from './ui-vendor.js';
import { planAction, type ActionDeps } from './actions.js';
import { keysIn, onKey, viewOf, withSnapshot, type Effect, type TopState } from './model.js';
import { styleOf } from './line-style.js';
import { renderScreen, type Line, type ScreenInfo } from './screen.js';
import type { Snapshot, ViewRequest } from './types.js';

export interface SnapshotSource {
  tick(view: ViewRequest): Promise<Snapshot>;
}

export interface TopAppProps {
  source: SnapshotSource;
  initial: TopState;
  info: ScreenInfo;
  intervalMs: number;
  /** Null with --read-only: no action can be planned. */
  actions: ActionDeps | null;
  color: boolean;
  /** A first snapshot read while the UI loaded: the first frame shows it, and the timer takes over. */
  firstSnap?: Snapshot | null;
}

function LineView({ line, color }: { line: Line; color: boolean }) {
  const s = styleOf(line, color);
  return h(
    Text,
    { wrap: 'truncate', inverse: s.inverse, bold: s.bold, dimColor: s.dim, color: s.color },
    line.text || ' ',
  );
}

/** The full-screen view: refreshes every interval (and at once when the selection needs a new page). */
export function TopApp(p: TopAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [state, setState] = useState(() => (p.firstSnap ? withSnapshot(p.initial, p.firstSnap) : p.initial));
  const [snap, setSnap] = useState<Snapshot | null>(p.firstSnap ?? null);
  const latest = useRef({ state, snap });
  latest.current = { state, snap };
  const running = useRef<{ busy: boolean; again: boolean; stopped: boolean; fresh: boolean }>({
    busy: false,
    again: false,
    stopped: false,
    fresh: false,
  });

  const refresh = useCallback(
    async (fresh = false) => {
      const r = running.current;
      r.fresh ||= fresh;
      if (r.busy) {
        r.again = true;
        return;
      }
      r.busy = true;
      try {
        do {
          r.again = false;
          const view = { ...viewOf(latest.current.state), fresh: r.fresh };
          r.fresh = false;
          const next = await p.source.tick(view);
          if (r.stopped) return;
          setSnap(next);
          setState((s) => withSnapshot(s, next));
        } while (r.again && !r.stopped);
      } catch (e) {
        setState((s) => ({ ...s, note: `refresh failed: ${(e as Error).message}` }));
      } finally {
        r.busy = false;
      }
    },
    [p.source],
  );

  useEffect(() => {
    if (!p.firstSnap) void refresh();
    const timer = setInterval(() => void refresh(), p.intervalMs);
    const r = running.current;
    return () => {
      r.stopped = true;
      clearInterval(timer);
    };
  }, [refresh, p.intervalMs, p.firstSnap]);

  useEffect(() => {
    const resized = () =>
      setState((s) => ({ ...s, columns: stdout.columns || s.columns, rows: stdout.rows || s.rows }));
    stdout.on('resize', resized);
    return () => void stdout.off('resize', resized);
  }, [stdout]);

  const apply = (effect: Effect | undefined) => {
    if (!effect) return;
    if (effect.type === 'quit') return exit();
    if (effect.type === 'refresh') return void refresh(effect.fresh);
    const { state: s, snap: sn } = latest.current;
    if (effect.type === 'action') {
      if (!p.actions) return setState((x) => ({ ...x, note: 'read-only: actions are disabled' }));
      const plan = planAction(effect.key, s, sn, p.actions, effect.arg);
      return setState((x) => (typeof plan === 'string' ? { ...x, note: plan } : { ...x, confirm: plan, note: null }));
    }
    const plan = s.confirm;
    if (!plan) return;
    plan
      .run()
      .then((note) => setState((x) => ({ ...x, busy: false, confirm: null, note })))
      .catch((e: Error) => setState((x) => ({ ...x, busy: false, confirm: null, note: `failed: ${e.message}` })))
      .finally(() => void refresh());
  };

  useInput((input, key) => {
    for (const k of keysIn(input, key)) {
      const r = onKey(latest.current.state, latest.current.snap, k, key);
      latest.current.state = r.state;
      setState(r.state);
      apply(r.effect);
    }
  });

  const lines = renderScreen(state, snap, p.info);
  return h(
    Box,
    { flexDirection: 'column', width: state.columns },
    ...lines.map((line, i) => h(LineView, { key: i, line, color: p.color })),
  );
}

/** A task as a worker describes it in `active`, `reserved` and `scheduled` replies (Celery's `Request.info()`). */
export interface WorkerTask {
  id: string | null;
  name: string | null;
  /** Lists and dicts on Celery 5; repr strings on Celery 4.1. */
  args: unknown;
  kwargs: unknown;
  hostname: string | null;
  /** Unix seconds the worker started it (worker clock), or null when not started. */
  timeStart: number | null;
  /** How long it has been running when the census started; null when not started. */
  runningS: number | null;
  acknowledged: boolean | null;
  queue: string | null;
  priority: number | null;
  redelivered: boolean | null;
  workerPid: number | null;
  /** For `scheduled`: when it is due (ISO-8601). */
  eta: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);

export function toWorkerTask(info: unknown, nowS: number, eta: string | null = null): WorkerTask {
  const i = isObject(info) ? info : {};
  const d = isObject(i.delivery_info) ? i.delivery_info : {};
  const timeStart = num(i.time_start);
  return {
    id: str(i.id),
    name: str(i.name) ?? str(i.type),
    args: i.args ?? null,
    kwargs: i.kwargs ?? null,
    hostname: str(i.hostname),
    timeStart,
    runningS: timeStart === null ? null : Math.max(0, nowS - timeStart),
    acknowledged: bool(i.acknowledged),
    queue: str(d.routing_key),
    priority: num(d.priority),
    redelivered: bool(d.redelivered),
    workerPid: num(i.worker_pid),
    eta,
  };
}

/** `active` / `reserved` results: a list of task infos; anything else yields null (unreadable). */
export function toTaskList(result: unknown, nowS: number): WorkerTask[] | null {
  return Array.isArray(result) ? result.map((t) => toWorkerTask(t, nowS)) : null;
}

/** `scheduled` results: `[{"eta", "priority", "request": <task info>}]`. */
export function toScheduledList(result: unknown, nowS: number): WorkerTask[] | null {
  if (!Array.isArray(result)) return null;
  return result.map((s) => {
    const o = isObject(s) ? s : {};
    return toWorkerTask(o.request, nowS, str(o.eta));
  });
}

/** A worker's `{"error": "..."}` reply, if that is what it is. */
export function replyError(result: unknown): string | null {
  return isObject(result) && typeof result.error === 'string' && Object.entries(result).length === 1
    ? result.error
    : null;
}

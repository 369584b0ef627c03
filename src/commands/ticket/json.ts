import type { TicketMessage } from '../../tickets/broker-scan.js';
import type { ClassifiedStep } from '../../tickets/classify.js';
import type { TicketRecord } from '../../tickets/model.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ageS = (ms: number | null, now: number) => (ms === null ? null : Math.max(0, Math.round((now - ms) / 1000)));

export function ticketJson(t: TicketRecord, nowMs: number): Record<string, unknown> {
  return {
    id: t.id,
    line: t.line,
    title: t.title,
    workflow_id: t.workflowId,
    tenant_id: t.tenantId,
    act_state: t.actState,
    ongoing: t.ongoing,
    state: t.state,
    participant_type: t.participantType,
    participant: t.participant,
    script_run_last_result: t.lastResult,
    hook_status: t.line === '3.x' ? t.hookStatus : undefined,
    created_at: iso(t.createdMs),
    modified_at: iso(t.modifiedMs),
    age_seconds: ageS(t.createdMs, nowMs),
    modified_age_seconds: ageS(t.modifiedMs, nowMs),
  };
}

export function messageJson(m: TicketMessage): Record<string, unknown> {
  return {
    task: m.task,
    id: m.id,
    args: m.args,
    kwargs: m.kwargs,
    where: m.where,
    queue: m.queue,
    bucket: m.bucket,
    position: m.position,
    tag: m.tag,
    since: m.since === null ? null : new Date(m.since * 1000).toISOString(),
    eta: m.eta,
    holding: m.holding,
    holder: m.holder,
  };
}

export function stepJson(c: ClassifiedStep): Record<string, unknown> {
  return {
    step: c.step.label,
    kind: c.step.kind,
    task: c.step.task,
    status: c.status,
    why: c.why,
    fix: c.fix,
    message_ids: c.messages.map((m) => m.id),
    due_at: c.step.dueMs === undefined ? undefined : iso(c.step.dueMs),
  };
}

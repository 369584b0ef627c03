import type { TicketLine } from './ticket-ref.js';

/**
 * One automated step a ticket waits on, as its row says: LoonFlow 2.x's script (participant type 6) or hook
 * (10) state and each timer transition out of its state; LoonFlow 3.x's active hook node.
 */
export interface TicketStep {
  kind: 'hook' | 'script' | 'timer';
  /** The task LoonFlow sends for it. */
  task: string;
  /** Readable name: `hook (state 12)`, `timer transition 7 (600s)`, `hook node 5f0c...`. */
  label: string;
  /** Argument positions and their comparable values (argKey) that make a message this step's. */
  match: { index: number; value: string }[];
  /**
   * What the database says of the last run: `failed` (2.x script_run_last_result = 0, 3.x hook_status
   * failed), `success` (3.x success; 2.x a hook logged success and waits for its callback), `none`.
   */
  outcome: 'failed' | 'success' | 'none';
  /** The arguments LoonFlow's own retry (or the step's start, for timers) sends. */
  args: unknown[];
  /** Timers: the transition's timer in seconds and when it is due (ms), from when the ticket last changed. */
  timerS?: number;
  dueMs?: number;
  /** 3.x: the workflow node id of the hook node. */
  nodeId?: string;
  stateId?: string;
  transitionId?: string;
}

/** A ticket's row, in the terms both lines share. */
export interface TicketRecord {
  line: TicketLine;
  id: string;
  /** Comparable key (argKey of the id). */
  key: string;
  title: string;
  workflowId: string;
  tenantId: string | null;
  /** 2.x act_state_id (1 ongoing) / 3.x act_state (on_going). */
  actState: string;
  ongoing: boolean;
  /** 2.x state_id; 3.x the active node ids, comma-separated. */
  state: string;
  /** 2.x participant_type_id; 3.x assignee types of the active nodes. */
  participantType: string;
  participant: string;
  /** 2.x script_run_last_result. */
  lastResult: boolean | null;
  /** 3.x hook_status of each active hook node (null: never ran). */
  hookStatus: (string | null)[];
  deleted: boolean;
  createdMs: number | null;
  modifiedMs: number | null;
  steps: TicketStep[];
}

export const PARTICIPANT_SCRIPT = 6;
export const PARTICIPANT_HOOK = 10;
/** 2.x TRANSITION_INTERVENE_TYPE_HOOK: the flow log a hook writes when its call succeeded. */
export const INTERVENE_HOOK = 9;

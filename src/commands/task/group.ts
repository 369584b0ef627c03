import type { GroupSpec } from '../spec.js';

export const taskGroup: GroupSpec = {
  name: 'task',
  summary: 'Celery tasks: send one as apply_async would, revoke by id (broadcast to live workers, removed from Redis)',
  examples: [
    'loonctl task send tasks.flow_hook_task --args "[4711]"',
    'loonctl task revoke 6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10 --backup revoked.jsonl --yes',
  ],
};

import type { GroupSpec } from '../spec.js';

export const taskGroup: GroupSpec = {
  name: 'task',
  summary: 'Celery tasks by id: revoke (broadcast to live workers and removed from Redis)',
  examples: ['loonctl task revoke 6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10 --backup revoked.jsonl --yes'],
};

import type { GroupSpec } from '../spec.js';

export const ticketGroup: GroupSpec = {
  name: 'ticket',
  summary: "LoonFlow tickets and their tasks: trace a ticket's messages, find stuck ones, retry as LoonFlow does",
  examples: ['loonctl ticket stuck', 'loonctl ticket trace 4711', 'loonctl ticket retry 4711 --dry-run'],
};

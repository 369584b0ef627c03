// A LoonFlow 3.x PostgreSQL schema, written from ../shared/LOONFLOW.md (not copied): `ticket_record` with
// UUID ids, tenants and timestamptz; no `sn`, no `is_deleted`, no serial counter anywhere.
import { pgQuery } from './db.js';

export const TENANT = '3f2b8c1d-9e0a-4b7c-8d6e-5f4a3b2c1d0e';

export async function createLoonflow3Schema(url: string): Promise<void> {
  await pgQuery(
    url,
    `create table ticket_record (
       id uuid primary key,
       tenant_id uuid not null,
       title varchar(500) not null default '',
       workflow_id uuid,
       act_state varchar(50) not null default 'ongoing',
       creator_id uuid,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now()
     )`,
  );
  await pgQuery(url, 'create index idx_ticket_record_tenant on ticket_record (tenant_id, created_at)');
  await pgQuery(
    url,
    `insert into ticket_record (id, tenant_id, title, created_at) values
       ('a1b2c3d4-0000-4000-8000-000000000001', $1, 'first', now() - interval '1 day'),
       ('a1b2c3d4-0000-4000-8000-000000000002', $1, 'second', now())`,
    [TENANT],
  );
}

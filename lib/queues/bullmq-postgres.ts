import { createRequire } from 'node:module';
import type { BackendFactory } from 'bullmq';

// BullMQ's ESM build of its PostgreSQL backend has imports that Node does not resolve, so the
// CommonJS build is loaded instead. bullmq publishes no "exports" map, which allows the deep path.
const require = createRequire(import.meta.url);

/** BullMQ's factory of PostgreSQL-backed queues and workers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const createPostgresBackend = (require('bullmq/dist/cjs/postgres') as { createPostgresBackend: BackendFactory<any, any> }).createPostgresBackend;

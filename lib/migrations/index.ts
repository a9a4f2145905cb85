import { CreateScaiSendTables1764806400000 } from './postgres/1764806400000-create-scaisend-tables.js';

/** PostgreSQL migrations of the module's tables, oldest first; add them to the host's DataSource. */
export const SCAISEND_MIGRATIONS = [CreateScaiSendTables1764806400000];

import { CreateScaiSendTables1764806400000 } from './postgres/1764806400000-create-scaisend-tables.js';
import { AddBatches1764849600000 } from './postgres/1764849600000-add-batches.js';
import { TemplatesEngine1764892800000 } from './postgres/1764892800000-templates-engine.js';

/** PostgreSQL migrations of the module's tables, oldest first; add them to the host's DataSource. */
export const SCAISEND_MIGRATIONS = [CreateScaiSendTables1764806400000, AddBatches1764849600000, TemplatesEngine1764892800000];

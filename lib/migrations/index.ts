import { CreateScaiSendTables1764806400000 } from './postgres/1764806400000-create-scaisend-tables.js';
import { AddBatches1764849600000 } from './postgres/1764849600000-add-batches.js';
import { TemplatesEngine1764892800000 } from './postgres/1764892800000-templates-engine.js';
import { SuppressionGroups1764936000000 } from './postgres/1764936000000-suppression-groups.js';
import { DkimRotation1764957600000 } from './postgres/1764957600000-dkim-rotation.js';
import { StatsShards1764964800000 } from './postgres/1764964800000-stats-shards.js';
import { Tracking1764979200000 } from './postgres/1764979200000-tracking.js';
import { ThrottleState1765000000000 } from './postgres/1765000000000-throttle-state.js';
import { Inbound1765008000000 } from './postgres/1765008000000-inbound.js';
import { HeldAttempts1765016000000 } from './postgres/1765016000000-held-attempts.js';
import { RateLimits1765024000000 } from './postgres/1765024000000-rate-limits.js';

/** PostgreSQL migrations of the module's tables, oldest first; add them to the host's DataSource. */
export const SCAISEND_MIGRATIONS = [
  CreateScaiSendTables1764806400000,
  AddBatches1764849600000,
  TemplatesEngine1764892800000,
  SuppressionGroups1764936000000,
  DkimRotation1764957600000,
  StatsShards1764964800000,
  Tracking1764979200000,
  ThrottleState1765000000000,
  Inbound1765008000000,
  HeldAttempts1765016000000,
  RateLimits1765024000000,
];

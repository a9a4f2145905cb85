import { Column, ColumnOptions } from 'typeorm';

/** Column type of every timestamp; PostgreSQL keeps the UTC offset with `timestamptz`. */
export const TIMESTAMP_TYPE = 'timestamptz';

/** Declares a timestamp column. */
export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: TIMESTAMP_TYPE, ...options });
}

/** Declares a JSON column stored as text, so every database driver can store it. */
export function JsonColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'simple-json', ...options });
}

/** Declares the tenant id column of every tenant-owned table. */
export function TenantColumn(): PropertyDecorator {
  return Column({ name: 'tenant_id', type: 'varchar', length: 255 });
}

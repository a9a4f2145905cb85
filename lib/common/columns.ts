import { Column, ColumnOptions } from 'typeorm';

/** Column type of every timestamp; PostgreSQL keeps the UTC offset with `timestamptz`. */
export const TIMESTAMP_TYPE = 'timestamptz';

/** A timestamp column. */
export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: TIMESTAMP_TYPE, ...options });
}

/** A JSON value stored as text, so every database driver can hold it. */
export function JsonColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'simple-json', ...options });
}

/** The tenant id column every tenant-owned table carries. */
export function TenantColumn(): PropertyDecorator {
  return Column({ name: 'tenant_id', type: 'varchar', length: 255 });
}

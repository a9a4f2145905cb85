import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns.js';

/** A tenant's tracking defaults; a tenant without a row uses `DEFAULT_TENANT_TRACKING`. */
@Entity('scaisend_tracking_settings')
export class TrackingSettingsEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 255 })
  tenantId!: string;

  @Column({ name: 'open_tracking_enabled', type: 'boolean' })
  openTrackingEnabled!: boolean;

  @Column({ name: 'click_tracking_enabled', type: 'boolean' })
  clickTrackingEnabled!: boolean;

  @Column({ name: 'click_tracking_enable_text', type: 'boolean' })
  clickTrackingEnableText!: boolean;

  @Column({ name: 'subscription_tracking_enabled', type: 'boolean' })
  subscriptionTrackingEnabled!: boolean;

  @Column({ name: 'ganalytics_enabled', type: 'boolean' })
  ganalyticsEnabled!: boolean;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

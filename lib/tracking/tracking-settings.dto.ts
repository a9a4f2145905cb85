import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** Body of `PUT /api/admin/tenants/{id}/tracking`: the defaults to change; the others stay as they are. */
export class UpdateTrackingSettingsRequestDto {
  @ApiPropertyOptional({ description: 'Add the open pixel to HTML messages', example: true })
  @IsOptional()
  @IsBoolean()
  open_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Rewrite http(s) links of HTML parts to count clicks', example: true })
  @IsOptional()
  @IsBoolean()
  click_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Also rewrite the links of text parts', example: false })
  @IsOptional()
  @IsBoolean()
  click_tracking_enable_text?: boolean;

  @ApiPropertyOptional({ description: 'Append an unsubscribe footer and List-Unsubscribe headers', example: false })
  @IsOptional()
  @IsBoolean()
  subscription_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Add the request\'s utm_* parameters to links of HTML parts', example: false })
  @IsOptional()
  @IsBoolean()
  ganalytics_enabled?: boolean;
}

/** A tenant's tracking defaults; a message's `tracking_settings` override them. */
export class TrackingSettingsResponseDto {
  @ApiProperty({ description: 'Add the open pixel to HTML messages', example: true })
  open_tracking_enabled!: boolean;

  @ApiProperty({ description: 'Rewrite http(s) links of HTML parts to count clicks', example: true })
  click_tracking_enabled!: boolean;

  @ApiProperty({ description: 'Also rewrite the links of text parts', example: false })
  click_tracking_enable_text!: boolean;

  @ApiProperty({ description: 'Append an unsubscribe footer and List-Unsubscribe headers', example: false })
  subscription_tracking_enabled!: boolean;

  @ApiProperty({ description: 'Add the request\'s utm_* parameters to links of HTML parts', example: false })
  ganalytics_enabled!: boolean;
}

import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ScaiSendModuleOptions } from './scaisend-options.interface.js';

export const {
  ConfigurableModuleClass: ScaiSendConfigurableModule,
  MODULE_OPTIONS_TOKEN: SCAISEND_MODULE_OPTIONS,
  OPTIONS_TYPE: SCAISEND_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SCAISEND_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ScaiSendModuleOptions>().setClassMethodName('forRoot').build();

/** The validated options with defaults applied. */
export const RESOLVED_OPTIONS = Symbol('SCAISEND_RESOLVED_OPTIONS');

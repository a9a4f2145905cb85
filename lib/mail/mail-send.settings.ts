import { childPath, isJsonObject, ownValue } from './mail-send.checks.js';
import type { FieldErrorList } from './mail-send.errors.js';

export const MAX_GROUPS_TO_DISPLAY = 25;

/** Expected JSON type of each known parameter of one setting object. */
type SettingShape = Readonly<Record<string, 'boolean' | 'string'>>;

const TOGGLE: SettingShape = { enable: 'boolean' };

/** Known `mail_settings` keys. The validator ignores other keys. */
const MAIL_SETTING_SHAPES: Readonly<Record<string, SettingShape>> = {
  sandbox_mode: TOGGLE,
  bypass_list_management: TOGGLE,
  bypass_bounce_management: TOGGLE,
  bypass_spam_management: TOGGLE,
  bypass_unsubscribe_management: TOGGLE,
  footer: { enable: 'boolean', text: 'string', html: 'string' },
};

/** Known `tracking_settings` keys. The validator ignores other keys. */
const TRACKING_SETTING_SHAPES: Readonly<Record<string, SettingShape>> = {
  click_tracking: { enable: 'boolean', enable_text: 'boolean' },
  open_tracking: { enable: 'boolean', substitution_tag: 'string' },
  subscription_tracking: { enable: 'boolean', text: 'string', html: 'string', substitution_tag: 'string' },
  ganalytics: {
    enable: 'boolean',
    utm_source: 'string',
    utm_medium: 'string',
    utm_term: 'string',
    utm_content: 'string',
    utm_campaign: 'string',
  },
};

/** Checks `mail_settings`: each known setting an object whose known parameters have the right type. */
export function checkMailSettings(value: unknown, errors: FieldErrorList): void {
  checkSettings(value, 'mail_settings', MAIL_SETTING_SHAPES, errors);
}

/** Checks `tracking_settings`: each known setting an object whose known parameters have the right type. */
export function checkTrackingSettings(value: unknown, errors: FieldErrorList): void {
  checkSettings(value, 'tracking_settings', TRACKING_SETTING_SHAPES, errors);
}

function checkSettings(
  value: unknown,
  field: string,
  shapes: Readonly<Record<string, SettingShape>>,
  errors: FieldErrorList,
): void {
  if (value === undefined) {
    return;
  }

  if (!isJsonObject(value)) {
    errors.add(field, `The ${field} parameter must be an object.`);
    return;
  }

  for (const [key, shape] of Object.entries(shapes)) {
    const setting = ownValue(value, key);
    if (setting !== undefined) {
      checkSetting(setting, childPath(field, key), shape, errors);
    }
  }
}

function checkSetting(setting: unknown, field: string, shape: SettingShape, errors: FieldErrorList): void {
  if (!isJsonObject(setting)) {
    errors.add(field, `The ${field} parameter must be an object.`);
    return;
  }

  for (const [name, expectedType] of Object.entries(shape)) {
    const parameter = ownValue(setting, name);
    if (parameter !== undefined && typeof parameter !== expectedType) {
      const parameterField = childPath(field, name);
      errors.add(parameterField, `The ${parameterField} parameter must be a ${expectedType}.`);
    }
  }
}

/** Checks `asm`: an integer `group_id` and at most {@link MAX_GROUPS_TO_DISPLAY} integer `groups_to_display`. */
export function checkAsm(value: unknown, errors: FieldErrorList): void {
  if (value === undefined) {
    return;
  }

  if (!isJsonObject(value)) {
    errors.add('asm', 'The asm parameter must be an object with a group_id parameter.');
    return;
  }

  if (!Number.isInteger(ownValue(value, 'group_id'))) {
    errors.add('asm.group_id', 'The asm group_id parameter is required and must be an integer.');
  }

  checkGroupsToDisplay(ownValue(value, 'groups_to_display'), errors);
}

function checkGroupsToDisplay(value: unknown, errors: FieldErrorList): void {
  const field = 'asm.groups_to_display';

  if (value === undefined) {
    return;
  }

  if (!Array.isArray(value)) {
    errors.add(field, 'The asm groups_to_display parameter must be an array of integers.');
    return;
  }

  if (value.length > MAX_GROUPS_TO_DISPLAY) {
    errors.add(field, `The asm groups_to_display array may contain at most ${MAX_GROUPS_TO_DISPLAY} group ids.`);
  }

  value.forEach((groupId: unknown, index) => {
    if (!Number.isInteger(groupId)) {
      errors.add(childPath(field, index), 'Each asm groups_to_display item must be an integer group id.');
    }
  });
}

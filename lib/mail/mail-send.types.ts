/**
 * Body of `POST /v3/mail/send`, with SendGrid v3 field names and shapes, as
 * `validateMailSend` returns it.
 */

/** A sender or recipient address. */
export interface EmailAddress {
  email: string;
  /** Display name, without CR or LF. */
  name?: string;
}

/** One message of a send, with its recipients and per-message overrides. */
export interface Personalization {
  /** 1 to 1000 recipients. */
  to: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
  /** Overrides the top-level subject. */
  subject?: string;
  headers?: Record<string, string>;
  /** Legacy `-key-` replacements, at most 10,000 bytes of keys and values in total. */
  substitutions?: Record<string, string>;
  /** Handlebars data of a dynamic template. */
  dynamic_template_data?: Record<string, unknown>;
  /** Merged over the top-level `custom_args`, and these values win. */
  custom_args?: Record<string, string>;
  /** Unix seconds. Overrides the top-level `send_at`. */
  send_at?: number;
}

/** One body part, such as `text/plain` or `text/html`. */
export interface Content {
  type: string;
  value: string;
}

/** Presentation of an attachment: a separate file, or inline in the HTML body. */
export type AttachmentDisposition = 'attachment' | 'inline';

/** A file attached to every message of the send. */
export interface Attachment {
  /** File data in strict base64 (RFC 4648, padded, no line breaks). */
  content: string;
  /** 1 to 255 characters. */
  filename: string;
  /** MIME type of the file. */
  type?: string;
  /** `attachment` after validation when the request omits it. */
  disposition?: AttachmentDisposition;
  /** Content-ID that HTML parts reference as `cid:`. Required for inline attachments. */
  content_id?: string;
}

/** Unsubscribe group of the send. */
export interface Asm {
  group_id: number;
  /** Groups listed on the unsubscribe page, at most 25. */
  groups_to_display?: number[];
}

/** A mail setting that is only switched on or off. */
export interface ToggleSetting {
  enable?: boolean;
}

/** Footer appended to every message. */
export interface FooterSetting extends ToggleSetting {
  text?: string;
  html?: string;
}

/** Per-send switches. The validator ignores other keys. */
export interface MailSettings {
  sandbox_mode?: ToggleSetting;
  bypass_list_management?: ToggleSetting;
  bypass_bounce_management?: ToggleSetting;
  bypass_spam_management?: ToggleSetting;
  bypass_unsubscribe_management?: ToggleSetting;
  footer?: FooterSetting;
}

/** Click tracking. `enable_text` also rewrites links of the text part. */
export interface ClickTrackingSetting {
  enable?: boolean;
  enable_text?: boolean;
}

/** Open tracking. `substitution_tag` marks where the pixel goes. */
export interface OpenTrackingSetting {
  enable?: boolean;
  substitution_tag?: string;
}

/** Unsubscribe link appended to, or substituted into, every message. */
export interface SubscriptionTrackingSetting {
  enable?: boolean;
  text?: string;
  html?: string;
  substitution_tag?: string;
}

/** Google Analytics parameters added to tracked links. */
export interface GanalyticsSetting {
  enable?: boolean;
  utm_source?: string;
  utm_medium?: string;
  utm_term?: string;
  utm_content?: string;
  utm_campaign?: string;
}

/** Per-send tracking options, merged over the tenant defaults. */
export interface TrackingSettings {
  click_tracking?: ClickTrackingSetting;
  open_tracking?: OpenTrackingSetting;
  subscription_tracking?: SubscriptionTrackingSetting;
  ganalytics?: GanalyticsSetting;
}

/** The accepted body of `POST /v3/mail/send`. */
export interface MailSendRequest {
  /** 1 to 1000, and each one becomes one message. */
  personalizations: Personalization[];
  from: EmailAddress;
  reply_to?: EmailAddress;
  reply_to_list?: EmailAddress[];
  subject?: string;
  /** Required without `template_id`. With one, only an empty array is allowed. */
  content?: Content[];
  /** Dynamic template id, starting with `d-`. */
  template_id?: string;
  /** At most 10. */
  attachments?: Attachment[];
  headers?: Record<string, string>;
  /** At most 10 unique strings of 1 to 255 characters. */
  categories?: string[];
  custom_args?: Record<string, string>;
  /** Unix seconds. */
  send_at?: number;
  batch_id?: string;
  asm?: Asm;
  /** 2 to 64 characters, recorded only. */
  ip_pool_name?: string;
  mail_settings?: MailSettings;
  tracking_settings?: TrackingSettings;
}

/** One problem in a request, in the shape of SendGrid's `errors` array items. */
export interface FieldError {
  message: string;
  /** Dotted path of the offending value, such as `personalizations.0.to.1.email`, or null for the whole body. */
  field: string | null;
  /** Link to documentation about the error, or null. */
  help: string | null;
}

import type { ReplyReason } from '../delivery/reply-classifier.js';

/** One recipient named by a bounce or complaint report. */
export interface InboundRecipient {
  /** Recipient address in lower case. */
  email: string;
  /** RFC 3463 enhanced status code, such as `5.1.1`, or null when the report gives none. */
  status: string | null;
  /**
   * `hard` for an address that does not exist, `block` for a refusal on policy, reputation,
   * content or authentication, `soft` for everything else that is not the address's fault,
   * `complaint` for a feedback report.
   */
  category: 'hard' | 'soft' | 'block' | 'complaint';
  /** Reason of the failure as the reply classifier names it (`mailbox_unknown`, `policy`, …), or null for a complaint. */
  reason: ReplyReason | null;
  /** DSN `Action` in lower case (`failed`, `delayed`), or null for reports without one. */
  action: string | null;
  /** Reply or error text of the receiving side, without its `smtp;` type prefix. */
  diagnostic: string | null;
  /** Host that gave the reply, when the report names it. */
  remoteMta: string | null;
}

/** How to find the message that a report is about. */
export interface InboundReferences {
  /** Token of a `bounces+<token>@<domain>` envelope recipient of the report. */
  verpToken: string | null;
  /** `X-ScaiSend-Message-Id` of the returned original message. */
  scaisendMessageId: string | null;
  /** `Message-ID` values of the returned original message, without angle brackets. */
  messageIds: string[];
}

/** Content of a message received at the bounce address: the recipients it reports and the message it is about. */
export interface InboundReport {
  /** `dsn` for delivery status notifications, standard or not, `arf` for feedback reports. */
  kind: 'dsn' | 'arf' | 'auto_reply' | 'other';
  /** One entry per failed recipient, in report order. It is empty for anything that is not a failure. */
  recipients: InboundRecipient[];
  /** Recipients of a delay notification (`Action: delayed`), always with category `soft`. */
  delayed: InboundRecipient[];
  /** ARF `Feedback-Type` (`abuse`, `fraud`, …) of a complaint, else null. */
  feedbackType: string | null;
  references: InboundReferences;
}

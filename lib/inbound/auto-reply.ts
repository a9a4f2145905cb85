/** Header access of a parsed message: the first (topmost) value of a header, or undefined. */
export type HeaderLookup = (name: string) => string | undefined;

/** Subjects of vacation and out-of-office replies in the languages mail clients ship with. */
const AUTO_REPLY_SUBJECT =
  /^(auto(matic|matische)? ?(reply|response|antwort)|autoreply|auto-reply|out of (the )?office|ooo\b|away from|on vacation|vacation|abwesenheit|abwesenheitsnotiz|réponse automatique|reponse automatique|absence|respuesta automática|risposta automatica|automatisch antwoord|afwezig|fuori sede|自動応答|自动回复)/i;

/** Subjects that mark a report of a delivery problem, which many MTAs also send as auto-generated. */
const BOUNCE_SUBJECT =
  /undeliver|undelivered|not delivered|delivery (status|failure|failed|has failed|notification|problem)|returned mail|returned to sender|failure notice|mail delivery failed|mail system error|could not (be )?deliver|non.?delivery|delivery report|zustellung|unzustellbar|non remis|no entregado|消息投递失败|エラー/i;

/**
 * True for vacation and out-of-office replies (RFC 3834): `Auto-Submitted: auto-replied`, the
 * `X-Autoreply`/`X-Autorespond` headers, `Precedence: auto_reply`, or an auto-reply subject.
 * `Auto-Submitted: auto-generated` alone decides nothing, because DSNs carry it too.
 */
export function isAutoReply(header: HeaderLookup, subject: string): boolean {
  const autoSubmitted = header('auto-submitted')?.toLowerCase() ?? '';
  if (autoSubmitted.startsWith('auto-replied')) return true;
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined || header('x-autoresponder') !== undefined) return true;
  if (/^auto.?reply$/i.test(header('precedence')?.trim() ?? '')) return true;

  return AUTO_REPLY_SUBJECT.test(subject.trim()) && !BOUNCE_SUBJECT.test(subject);
}

/** True when the subject names a delivery problem. */
export function hasBounceSubject(subject: string): boolean {
  return BOUNCE_SUBJECT.test(subject);
}

/** True for the subject of a message forwarded by hand: `Fwd:`, `Fw:`, `WG:`, `TR:` or `RV:`. */
export function isForward(subject: string): boolean {
  return /^\s*(fwd?|wg|tr|rv|fw)\s*:/i.test(subject);
}

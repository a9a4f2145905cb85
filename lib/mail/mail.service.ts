import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { SendException } from '../common/errors.js';
import { domainOf } from '../common/email-address.js';
import { createId } from '../common/ids.js';
import type { Principal } from '../common/principal.js';
import { DomainService } from '../domains/domain.service.js';
import { MessageRecipientEntity } from '../messages/message-recipient.entity.js';
import { MessageStatusChangeEntity } from '../messages/message-status-change.entity.js';
import { MessageEntity } from '../messages/message.entity.js';
import { CLOCK } from '../module/tokens.js';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';
import { StatsCounter } from '../stats/stats-counter.js';
import type { TemplateVersionEntity } from '../templates/template-version.entity.js';
import { TemplateRenderError, TemplateService, TemplateUnusableError } from '../templates/template.service.js';
import type { MailSendRequest, Personalization } from './mail-send.types.js';
import { validateMailSend } from './mail-send.validator.js';
import { BatchService } from './batch.service.js';
import { composeContent } from './message-content.js';

/** `send_at` may be at most this far ahead, as in SendGrid. */
const MAX_SCHEDULE_AHEAD_SECONDS = 72 * 3600;

export type SendResponse = { message_id: string } | { message_ids: string[] };

/**
 * The request path of `POST /v3/mail/send`: validate, render templates (so a render error is a
 * 400 now, not a failure later), store every message in one transaction, enqueue them in bulk.
 * Nothing here signs or talks SMTP.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplateService,
    private readonly domains: DomainService,
    private readonly stats: StatsCounter,
    private readonly queues: ScaiSendQueues,
    private readonly batches: BatchService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async send(principal: Principal, body: unknown): Promise<SendResponse> {
    const validation = validateMailSend(body);
    if (!validation.ok) throw new SendException(HttpStatus.BAD_REQUEST, validation.errors);
    const request = validation.value;
    const now = this.clock.now();

    const sandbox = principal.environment === 'test' || request.mail_settings?.sandbox_mode?.enable === true;
    this.checkSchedule(principal, request, now);
    const [version] = await Promise.all([
      request.template_id ? this.activeVersion(principal.tenantId, request.template_id) : null,
      sandbox ? undefined : this.checkSenderDomain(principal.tenantId, request.from.email),
      request.batch_id ? this.checkBatch(principal.tenantId, request.batch_id) : undefined,
    ]);

    const messages = request.personalizations.map((personalization, index) => this.buildMessage(principal, request, personalization, index, version, sandbox, now));
    await this.store(messages, now);
    await this.enqueue(messages, now);

    this.logger.debug(`Accepted ${messages.length} messages for tenant ${principal.tenantId}`);
    const ids = messages.map((message) => message.id);
    return ids.length === 1 ? { message_id: ids[0] as string } : { message_ids: ids };
  }

  private checkSchedule(principal: Principal, request: MailSendRequest, now: Date): void {
    const nowSeconds = now.getTime() / 1000;
    const sendTimes = [request.send_at, ...request.personalizations.map((personalization) => personalization.send_at)];
    const latest = Math.max(...sendTimes.map((value) => value ?? 0));
    if (latest > nowSeconds + MAX_SCHEDULE_AHEAD_SECONDS) {
      throw new SendException(HttpStatus.BAD_REQUEST, [{ message: 'The send_at parameter cannot be more than 72 hours in the future.', field: 'send_at', help: null }]);
    }
    if ((latest > nowSeconds || request.batch_id) && !principal.permissions.includes('mail.schedule')) {
      throw new SendException(HttpStatus.FORBIDDEN, [{ message: 'Missing required scope: mail.schedule', field: null, help: null }]);
    }
  }

  private async activeVersion(tenantId: string, templateId: string): Promise<TemplateVersionEntity> {
    try {
      return await this.templates.activeVersion(tenantId, templateId);
    } catch (error) {
      if (!(error instanceof TemplateUnusableError)) throw error;
      throw new SendException(HttpStatus.BAD_REQUEST, [{ message: error.message, field: 'template_id', help: null }]);
    }
  }

  private async checkBatch(tenantId: string, batchId: string): Promise<void> {
    const state = await this.batches.findState(tenantId, batchId);
    if (state === null) throw new SendException(HttpStatus.BAD_REQUEST, [{ message: `The batch_id ${batchId} does not exist. Create one with POST /v3/mail/batch.`, field: 'batch_id', help: null }]);
    if (state === 'cancel') throw new SendException(HttpStatus.BAD_REQUEST, [{ message: `The batch ${batchId} is cancelled.`, field: 'batch_id', help: null }]);
  }

  private async checkSenderDomain(tenantId: string, fromEmail: string): Promise<void> {
    if (await this.domains.findVerified(tenantId, domainOf(fromEmail))) return;
    throw new SendException(HttpStatus.FORBIDDEN, [{ message: 'Sender domain not verified', field: 'from.email', help: null }]);
  }

  private buildMessage(
    principal: Principal,
    request: MailSendRequest,
    personalization: Personalization,
    index: number,
    version: TemplateVersionEntity | null,
    sandbox: boolean,
    now: Date,
  ): MessageEntity {
    const rendered = version ? this.render(request, version, personalization, index) : null;
    const content = composeContent(request, personalization, rendered, version !== null && version.engine !== 'legacy');
    const sendAtSeconds = personalization.send_at ?? request.send_at;
    const sendAt = sendAtSeconds !== undefined && sendAtSeconds * 1000 > now.getTime() ? new Date(sendAtSeconds * 1000) : null;

    return this.dataSource.manager.create(MessageEntity, {
      id: createId('msg'),
      tenantId: principal.tenantId,
      apiKeyId: principal.apiKeyId ?? null,
      status: 'queued',
      sandbox,
      fromEmail: request.from.email,
      fromName: request.from.name ?? null,
      replyTo: request.reply_to ? [request.reply_to] : (request.reply_to_list ?? []),
      subject: content.subject,
      to: personalization.to,
      cc: personalization.cc ?? [],
      bcc: personalization.bcc ?? [],
      templateId: request.template_id ?? null,
      content: { ...content, attachments: request.attachments ?? [] },
      headers: { ...request.headers, ...personalization.headers },
      categories: request.categories ?? [],
      customArgs: { ...request.custom_args, ...personalization.custom_args },
      batchId: request.batch_id ?? null,
      asm: request.asm ?? null,
      ipPoolName: request.ip_pool_name ?? null,
      sendAt,
      mailSettings: request.mail_settings ?? {},
      trackingSettings: request.tracking_settings ?? {},
      outgoingHeaders: null,
      mime: null,
      errorMessage: null,
      attempts: 0,
      leaseTakenAt: null,
      nextAttemptAt: sendAt ?? now,
      deliveredAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  private render(request: MailSendRequest, version: TemplateVersionEntity, personalization: Personalization, index: number) {
    const templateId = request.template_id as string;
    const content = request.content ?? [];
    if (version.engine !== 'legacy' && content.length > 0) {
      throw new SendException(HttpStatus.BAD_REQUEST, [
        { message: 'The content parameter cannot be used with a dynamic template, because the template supplies the content.', field: 'content', help: null },
      ]);
    }

    try {
      // A legacy template wraps the request's own subject and content in <%subject%> and <%body%>.
      return this.templates.render(version, personalization.dynamic_template_data ?? {}, {
        subject: personalization.subject ?? request.subject ?? null,
        html: content.find((part) => part.type === 'text/html')?.value ?? null,
        text: content.find((part) => part.type === 'text/plain')?.value ?? null,
      });
    } catch (error) {
      if (!(error instanceof TemplateRenderError)) throw error;
      throw new SendException(HttpStatus.BAD_REQUEST, [
        { message: `The template ${templateId} failed to render: ${error.message}`, field: `personalizations.${index}.dynamic_template_data`, help: null },
      ]);
    }
  }

  /** Writes every message, its recipients, its first status and the request counters at once. */
  private async store(messages: MessageEntity[], now: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(MessageEntity, messages);
      const recipients = messages.map((message) => recipientRows(message));
      await manager.insert(MessageRecipientEntity, recipients.flat());
      await manager.insert(
        MessageStatusChangeEntity,
        messages.map((message) => ({ messageId: message.id, tenantId: message.tenantId, status: message.status, changedAt: now })),
      );
      await this.stats.increment(
        manager,
        messages.map((message, index) => ({ tenantId: message.tenantId, at: now, metric: 'requests' as const, categories: message.categories, count: recipients[index]?.length ?? 0 })),
      );
    });
  }

  /**
   * Adds one job per message, its id the message id. When enqueueing fails the messages are still
   * stored as `queued`, and the recovery sweep enqueues them, so the 202 still holds.
   */
  private async enqueue(messages: MessageEntity[], now: Date): Promise<void> {
    try {
      await this.queues.addSends(messages.map((message) => ({ ...message, delayMs: message.sendAt ? message.sendAt.getTime() - now.getTime() : 0 })));
    } catch (error) {
      this.logger.error(`Enqueueing ${messages.length} stored messages failed; the recovery sweep retries them: ${(error as Error).message}`);
    }
  }
}

/** Builds one row per distinct address, so an address in both to and cc is sent once. */
export function recipientRows(message: MessageEntity): MessageRecipientEntity[] {
  const rows = new Map<string, MessageRecipientEntity>();
  for (const kind of ['to', 'cc', 'bcc'] as const) {
    for (const address of message[kind]) {
      const email = address.email.toLowerCase();
      if (!rows.has(email)) rows.set(email, { messageId: message.id, email, tenantId: message.tenantId, kind, state: 'pending' });
    }
  }
  return [...rows.values()];
}

import { Inject, Injectable } from '@nestjs/common';
import { Eta } from 'eta/core';
import type { TemplateFunction } from 'eta/core';

/** Injection token of the unsubscribe page's eta template; a host provides its own to restyle the page. */
export const UNSUBSCRIBE_PAGE_TEMPLATE = Symbol('SCAISEND_UNSUBSCRIBE_PAGE_TEMPLATE');

/** One unsubscribe group as the page shows it. */
export interface UnsubscribePageGroup {
  id: number;
  name: string;
  description: string;
  /** Whether the recipient left this group. */
  unsubscribed: boolean;
}

/** The data an unsubscribe page template reads as `it`. */
export interface UnsubscribePageView {
  /** Address of the recipient. */
  email: string;
  /** URL the page's forms post to. */
  actionUrl: string;
  /** Outcome of the action just taken, or null on a plain visit. */
  notice: string | null;
  unsubscribedAll: boolean;
  groups: UnsubscribePageGroup[];
}

/**
 * Renders the unsubscribe page from an eta template given by the host, which is trusted code:
 * unlike message templates it is not sandboxed. Interpolations are HTML-escaped.
 */
@Injectable()
export class UnsubscribePageRenderer {
  private readonly eta = new Eta({ autoEscape: true, useWith: false });
  private readonly template: TemplateFunction;

  constructor(@Inject(UNSUBSCRIBE_PAGE_TEMPLATE) source: string) {
    this.template = this.eta.compile(source);
  }

  render(view: UnsubscribePageView): string {
    return this.eta.render(this.template, view);
  }
}

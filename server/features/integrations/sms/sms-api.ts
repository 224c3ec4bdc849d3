/** The SMS gateway as HallQ sees it (contract v2): POST {SMS_URL}/messages {to, template, params, key} → 2xx. */
import type { SmsTemplate } from '../../../core/event-bus.js';
import { callOutside, type OutsideOutcome, type OutsideTarget } from '../outside-call.js';

export interface SmsMessage {
  to: string;
  template: SmsTemplate;
  params: Record<string, string | number>;
  /** Unique per message: the gateway recognises a retry by it. */
  key: string;
}

export class SmsGateway {
  constructor(private readonly target: OutsideTarget) {}

  send(message: SmsMessage): Promise<OutsideOutcome> {
    return callOutside(this.target, 'POST', '/messages', message);
  }
}

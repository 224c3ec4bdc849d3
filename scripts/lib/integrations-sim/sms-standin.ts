/**
 * A stand-in for the SMS gateway (contract v2): takes `POST /messages {to, template, params, key}` and keeps what it
 * was sent. Its msw handlers serve the tests and `npm run integrations:sim` alike.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';

export interface SimSms {
  to: string;
  template: string;
  params: Record<string, string | number>;
  key: string;
}

/** How the stand-in misbehaves: up, unreachable, failing (503), or refusing every message (400). */
export type SmsMode = 'up' | 'unreachable' | 'error-5xx' | 'refuse-4xx';

export class SmsStandIn {
  mode: SmsMode = 'up';
  /** Every message accepted, in arrival order (a resent key appears again: the tests count them). */
  readonly received: SimSms[] = [];
  /** Called with each message accepted (the sim prints it). */
  onMessage: (m: SimSms) => void = () => {};

  constructor(
    /** Where the stand-in answers (the sim sets it once its server listens). */
    public baseUrl: string,
    readonly token = 'sms-token',
  ) {}

  handlers(): HttpHandler[] {
    return [
      http.post(`${this.baseUrl.replace(/\/+$/, '')}/messages`, async ({ request }) => {
        if (this.mode === 'unreachable') return HttpResponse.error();
        if (this.mode === 'error-5xx') return HttpResponse.json({ message: 'busy' }, { status: 503 });
        if (request.headers.get('authorization') !== `Bearer ${this.token}`)
          return HttpResponse.json({ message: 'bad token' }, { status: 401 });
        if (this.mode === 'refuse-4xx') return HttpResponse.json({ message: 'number blocked' }, { status: 400 });
        const m = (await request.json()) as SimSms;
        this.received.push(m);
        this.onMessage(m);
        return HttpResponse.json({ accepted: true }, { status: 202 });
      }),
    ];
  }
}

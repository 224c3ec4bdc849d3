/**
 * A stand-in for the province's appointment platform (contract v2): a log of booking versions read through an opaque
 * cursor, and the events HallQ sends back. Its msw handlers serve the tests and `npm run integrations:sim` alike.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';

export interface SimBooking {
  bookingId: string;
  code: string;
  serviceCode: string;
  slotStart: string;
  slotEnd: string;
  idNumber: string;
  name?: string;
  phone?: string;
  status: 'booked' | 'cancelled';
  updatedAt: string;
}

/** How the stand-in misbehaves: up, or one of the failures the adapter must live through. */
export type PlatformMode = 'up' | 'unreachable' | 'error-5xx' | 'token-expired' | 'malformed' | 'slow';

export class PlatformStandIn {
  mode: PlatformMode = 'up';
  pageSize = 50;
  /** How long a `slow` answer takes (ms): longer than the adapter waits. */
  slowMs = 2000;
  /** Every version of every booking, in the order the platform recorded them: the cursor is a place in it. */
  readonly versions: Array<SimBooking | Record<string, unknown>> = [];
  /** What HallQ told the platform, in arrival order. */
  readonly events: Array<{ bookingId: string; type: string; at: string }> = [];
  /** Called with each event HallQ sends (the sim prints it). */
  onEvent: (e: { bookingId: string; type: string; at: string }) => void = () => {};
  /** Pages asked for, with the cursor sent. */
  readonly requests: Array<string | null> = [];

  constructor(
    /** Where the stand-in answers (the sim sets it once its server listens). */
    public baseUrl: string,
    readonly token = 'platform-token',
    private readonly clock: () => number = Date.now,
  ) {}

  /** Records a booking (or a new version of one); fills in `status` and `updatedAt`. */
  put(b: Omit<SimBooking, 'status' | 'updatedAt'> & Partial<SimBooking>): SimBooking {
    const version: SimBooking = { status: 'booked', ...b, updatedAt: b.updatedAt ?? this.stamp() };
    this.versions.push(version);
    return version;
  }

  cancel(bookingId: string): void {
    const last = [...this.versions].reverse().find((v) => v.bookingId === bookingId) as SimBooking;
    this.versions.push({ ...last, status: 'cancelled', updatedAt: this.stamp() });
  }

  /** A record that is not a valid booking (the adapter must skip it and go on). */
  putRaw(record: Record<string, unknown>): void {
    this.versions.push(record);
  }

  private stamp(): string {
    // Strictly increasing even when the clock stands still: each version is newer than the one before.
    const last = this.versions.length ? Date.parse(String(this.versions.at(-1)!.updatedAt)) || 0 : 0;
    return new Date(Math.max(this.clock(), last + 1)).toISOString();
  }

  handlers(): HttpHandler[] {
    const base = this.baseUrl.replace(/\/+$/, '');
    return [
      http.get(`${base}/halls/:hallId/bookings`, async ({ request }) => {
        const failure = await this.failure(request);
        if (failure) return failure;
        const since = new URL(request.url).searchParams.get('since');
        this.requests.push(since);
        const from = since === null ? 0 : Number(since);
        const page = this.versions.slice(from, from + this.pageSize);
        return HttpResponse.json({ bookings: page, cursor: String(from + page.length) });
      }),
      http.post(`${base}/halls/:hallId/bookings/:bookingId/events`, async ({ request, params }) => {
        const failure = await this.failure(request);
        if (failure) return failure;
        const body = (await request.json()) as { type: string; at: string };
        const event = { bookingId: String(params.bookingId), type: body.type, at: body.at };
        this.events.push(event);
        this.onEvent(event);
        return new HttpResponse(null, { status: 204 });
      }),
    ];
  }

  private async failure(request: Request): Promise<Response | undefined> {
    switch (this.mode) {
      case 'unreachable':
        return HttpResponse.error();
      case 'error-5xx':
        return HttpResponse.json({ message: 'maintenance' }, { status: 503 });
      case 'malformed':
        return new HttpResponse('{"bookings": [', { status: 200, headers: { 'content-type': 'application/json' } });
      case 'slow':
        await delay(this.slowMs);
        break;
      case 'token-expired':
        return HttpResponse.json({ message: 'token expired' }, { status: 401 });
    }
    if (request.headers.get('authorization') !== `Bearer ${this.token}`)
      return HttpResponse.json({ message: 'bad token' }, { status: 401 });
    return undefined;
  }
}

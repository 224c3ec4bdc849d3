/** What the load run's clients saw: answers by status, every 5xx, requests without an answer, tickets acknowledged. */
import type { Api, ApiResponse } from '../lib/hall-process.js';

export interface AcknowledgedTicket {
  id: string;
  number: string;
}

export class Tally {
  readonly byStatus = new Map<number, number>();
  readonly serverErrors: string[] = [];
  /** Requests that got no HTTP answer at all (refused, reset, timed out). */
  noAnswer = 0;
  readonly noAnswerSamples: string[] = [];
  readonly tickets: AcknowledgedTicket[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly api: Api) {}

  get requests(): number {
    let n = 0;
    for (const c of this.byStatus.values()) n += c;
    return n + this.noAnswer;
  }

  /** Counts one happening of the hall day (e.g. "recall"), for the report. */
  count(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  get happenings(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Calls the API and records the answer; undefined when there was none. */
  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<ApiResponse<T> | undefined> {
    try {
      const res = await this.api<T>(method, path, body, token);
      this.byStatus.set(res.status, (this.byStatus.get(res.status) ?? 0) + 1);
      if (res.status >= 500 && this.serverErrors.length < 50)
        this.serverErrors.push(`${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      else if (res.status >= 500) this.serverErrors.push('…');
      return res;
    } catch (err) {
      this.noAnswer++;
      if (this.noAnswerSamples.length < 10) this.noAnswerSamples.push(`${method} ${path}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Number of answers with a status in [from, to). */
  statusBetween(from: number, to: number): number {
    let n = 0;
    for (const [s, c] of this.byStatus) if (s >= from && s < to) n += c;
    return n;
  }
}

/** The pre-review's result to the applicant: a `sms.request` (template `prereview-result`) when a phone was given. */
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { PREREVIEW_RESULT_TEXT } from '../../domain/sms-wording.js';

export class PrereviewSms implements Feature {
  readonly name = 'prereview-sms';
  private off: (() => void) | undefined;

  constructor(private readonly hall: HallService) {}

  start(): void {
    this.off = this.hall.bus.on('prereview.answered', (c) => {
      const r = this.hall.state.prereviews.get(c.event.data.id);
      if (!r?.phoneSealed) return;
      // The outbox reads the sealed phone by the pre-review's id; the key makes a resend recognisable.
      this.hall.bus.emit('sms.request', {
        to: { prereviewId: r.id },
        template: 'prereview-result',
        params: {
          reference: r.reference,
          result: c.event.data.result,
          resultText: PREREVIEW_RESULT_TEXT[c.event.data.result],
        },
        key: `prereview-result:${r.id}`,
      });
    });
  }

  stop(): void {
    this.off?.();
  }
}

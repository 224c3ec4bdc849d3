/** Demo bookings for the platform stand-in: a citizen books a slot later today every so often, now and then cancels. */
import { checkChar } from '../../../protocol/id-number.js';
import type { PlatformStandIn } from './platform-standin.js';

const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄涛'];
const TEN_MINUTES = 10 * 60_000;

export function feedBookings(platform: PlatformStandIn, serviceCodes: string[], everyMs: number): () => void {
  let n = 0;
  const book = () => {
    n++;
    const birth = `19${60 + (n % 40)}0${(n % 9) + 1}1${(n % 9) + 1}`;
    const first17 = `440402${birth}${String(n % 1000).padStart(3, '0')}`;
    const start = Math.ceil((Date.now() + 30 * 60_000) / TEN_MINUTES) * TEN_MINUTES + (n % 6) * TEN_MINUTES;
    platform.put({
      bookingId: `sim-${Date.now().toString(36)}-${n}`,
      code: String(8_000_000_000 + n),
      serviceCode: serviceCodes[n % serviceCodes.length],
      slotStart: new Date(start).toISOString(),
      slotEnd: new Date(start + 20 * 60_000).toISOString(),
      idNumber: first17 + checkChar(first17),
      name: NAMES[n % NAMES.length],
      phone: `1380013${String(8000 + n).slice(-4)}`,
    });
    // Now and then someone cancels the booking before last.
    if (n % 5 === 0) {
      const earlier = platform.versions.at(-2) as { bookingId?: string } | undefined;
      if (earlier?.bookingId) platform.cancel(earlier.bookingId);
    }
  };
  for (let i = 0; i < 3; i++) book();
  const timer = setInterval(book, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

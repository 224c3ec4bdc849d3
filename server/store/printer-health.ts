/** Whether a printer can print now, from its last reported status and availability. */
import type { Device } from './accounts.js';

export function printerProblem(p: Device): string | null {
  if (!p.online) return 'offline';
  if (p.faulty) return 'not answering';
  const s = p.lastStatus as { paper?: string; cover?: string; error?: string | null } | undefined;
  if (s?.paper === 'out') return 'paper out';
  if (s?.cover === 'open') return 'cover open';
  if (s?.error) return s.error;
  return null;
}

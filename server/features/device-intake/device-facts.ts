/**
 * Which device reports are facts for the permanent, hash-chained log (and the live stream): a device going online or
 * offline, and a printer's fault appearing, changing or clearing (paper out, cover open, an error). Not facts: a
 * repeated or unchanged report, heartbeats, paper `low` ↔ `ok` — those only update the device's row, which
 * GET /devices and GET /alerts read.
 */
import type { Device } from '../../store/accounts.js';
import { printerProblem } from '../../store/printer-health.js';

/** True when the printer's fault differs between its last status and `status`. */
export function isStatusFact(device: Device, status: Record<string, unknown>): boolean {
  const fault = (lastStatus: Record<string, unknown> | undefined) =>
    printerProblem({ ...device, online: true, faulty: false, lastStatus });
  return fault(device.lastStatus) !== fault(status);
}

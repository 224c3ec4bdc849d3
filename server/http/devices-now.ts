/**
 * The registered devices with their online state as the hall sees it now: MQTT devices by their status, screens
 * (kiosks, boards, pads) by the live streams open with their token. `streams` says how many there are.
 */
import type { Device } from '../store/accounts.js';
import type { ApiDeps } from './deps.js';

export type DeviceNow = Device & { streams: number };

/** The kinds whose pages follow the hall over the live stream; a printer's token on a stream is no printer online. */
const SCREEN_KINDS: ReadonlySet<string> = new Set(['kiosk', 'display', 'pad']);

export function devicesNow(deps: ApiDeps, now = Date.now()): DeviceNow[] {
  return deps.accounts.listDevices().map((d) => {
    const screen = SCREEN_KINDS.has(d.kind) ? deps.screenPresence?.(d.id) : undefined;
    const streams = screen?.open ?? 0;
    if (streams > 0) return { ...d, online: true, lastSeen: now, streams };
    const lastSeen = Math.max(d.lastSeen ?? 0, screen?.lastSeen ?? 0) || undefined;
    return { ...d, lastSeen, streams };
  });
}

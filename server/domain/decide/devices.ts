/** Decisions about devices that the hall's screens must see: online/offline and reported status. */
import type { HallState } from '../types.js';
import type { DecideContext, Decision } from './context.js';

export interface DeviceStatusCommand {
  deviceId: string;
  kind: string;
  online: boolean;
  status?: Record<string, unknown>;
}

export function deviceStatus(ctx: DecideContext, _state: HallState, cmd: DeviceStatusCommand): Decision {
  return { events: [{ type: 'device.status', data: { ...cmd, at: ctx.now } }] };
}

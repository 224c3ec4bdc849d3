/** What every attack of the load run shares: its target (only ever 127.0.0.1), its size, and what it reports. */
import type { RegisteredDevice } from '../device-fleet.js';

export interface AttackTarget {
  host: string;
  /**
   * The address the attack's connections come from (127.x.y.z: all of 127/8 is this machine), so that each attack is
   * one stranger on the hall's Wi-Fi, apart from the hall's own screens and devices.
   */
  from: string;
  httpPort: number;
  mqttPort: number;
  hallId: string;
  /** A registered printer that the status flood publishes as. */
  flooder: RegisteredDevice;
}

export interface AttackBudget {
  /** How many connections or messages. */
  count: number;
  /** How long a connection is held, or the flood lasts, at most. */
  holdMs: number;
}

export interface AttackReport {
  name: string;
  /** Connections opened or messages sent. */
  attempts: number;
  /** Of those, how many the server ended or refused by itself before the attack let go. */
  endedByServer: number;
  ms: number;
  /** What the figures mean for this attack. */
  note: string;
}

export type Attack = (target: AttackTarget, budget: AttackBudget) => Promise<AttackReport>;

/** The attacks are for the hall's own test bench: refuse any target but this machine. */
export function assertLocal(target: AttackTarget): void {
  if (target.host !== '127.0.0.1') throw new Error(`attacks run only against 127.0.0.1, not ${target.host}`);
  if (!target.from.startsWith('127.'))
    throw new Error(`attacks come only from this machine (127.x.y.z), not ${target.from}`);
}

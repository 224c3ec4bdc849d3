/** What the server needs of its MQTT connection; a TCP client (hall-link.ts) or, with the embedded broker, in-process. */
export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface MqttLink {
  readonly connected: boolean;
  /** Since when the link has been down, and the broker's last refusal or error (undefined while up). */
  readonly down?: { since: number; error?: string };
  start(): Promise<void>;
  onMessage(handler: MessageHandler): void;
  /** Runs on every (re)connect: a place to republish retained state after a broker restart. */
  onConnect(handler: () => void): void;
  subscribe(filter: string): void;
  publish(topic: string, payload: string | Buffer, opts?: { qos?: 0 | 1; retain?: boolean }): void;
  stop(): Promise<void>;
}

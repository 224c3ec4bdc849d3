/** The server's own MQTT login (username `hallq-server`), its password made at first start and kept in DATA_DIR. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeDurably } from '../security/hall-secret.js';
import { join } from 'node:path';

export const SERVER_MQTT_USERNAME = 'hallq-server';
export const SERVER_SECRET_FILE = 'mqtt-server.secret';
const FILE = SERVER_SECRET_FILE;

export function serverMqttPassword(dataDir: string): string {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) writeDurably(dataDir, FILE, randomBytes(24).toString('base64url') + '\n');
  return readFileSync(path, 'utf8').trim();
}

/** A firmware bridge driving one fake TCP printer for a test hall, and a reader for the QR text in ESC/POS bytes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bridge } from '../../firmware-bridge/bridge.js';
import { parseBridgeConfig } from '../../firmware-bridge/config.js';
import { FakePrinter } from '../../firmware-bridge/sim/fake-printer.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import type { TestHall } from './test-hall.js';
import { until } from './until.js';

export interface PrinterBridge {
  bridge: Bridge;
  printer: FakePrinter;
  stop(): Promise<void>;
}

/** Registers printer `id` (with `extra`: kioskId or counterId), starts the bridge, waits until it reports paper ok. */
export async function startPrinterBridge(
  hall: TestHall,
  id: string,
  extra: Record<string, string>,
): Promise<PrinterBridge> {
  const printer = new FakePrinter();
  const stateDir = mkdtempSync(join(tmpdir(), 'hallq-bridge-'));
  await printer.start();
  const reg = await hall.device(id, 'printer', extra);
  const bridge = new Bridge(
    parseBridgeConfig({
      mqttUrl: hall.running.mqttUrl,
      hallId: 'yunfu-realestate',
      stateDir,
      logLevel: 'silent',
      reconnect: { minMs: 100, maxMs: 400 },
      devices: [
        {
          id,
          kind: 'printer',
          mqtt: reg.mqtt,
          transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
          statusIntervalSec: 0.1,
          statusTimeoutMs: 300,
        },
      ],
    }),
    { log: silentLogger },
  );
  await bridge.start();
  await until('printer online and ok', async () => {
    const d = (await hall.api('GET', '/api/v1/devices', undefined, hall.managerToken)).body.devices.find(
      (x: any) => x.id === id,
    );
    return d?.online && d.lastStatus?.paper === 'ok';
  });
  return {
    bridge,
    printer,
    async stop() {
      await bridge.stop();
      await printer.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The bytes of a GS ( k QR "store data" block: the encoded text. */
export function qrPayload(bytes: Buffer): string | undefined {
  for (let i = 0; i < bytes.length - 8; i++) {
    // GS ( k pL pH cn=49 fn=80 m=48 data…
    if (
      bytes[i] === 0x1d &&
      bytes[i + 1] === 0x28 &&
      bytes[i + 2] === 0x6b &&
      bytes[i + 5] === 0x31 &&
      bytes[i + 6] === 0x50
    ) {
      const len = bytes[i + 3] + bytes[i + 4] * 256 - 3;
      return bytes.subarray(i + 8, i + 8 + len).toString('utf8');
    }
  }
  return undefined;
}

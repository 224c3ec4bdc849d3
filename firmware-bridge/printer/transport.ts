// How bytes reach a printer: the PrinterTransport interface and its factory from config (tcp or a device file).
import type { PrinterTransportConfig } from '../config.js';
import { FilePrinterTransport } from './file-transport.js';
import { TcpPrinterTransport } from './tcp-transport.js';

export interface PrinterTransport {
  /** For logs: `tcp 192.168.1.50:9100`, `file /dev/usb/lp0`. */
  readonly description: string;
  /** Writes all of `data`; rejects if the printer cannot be reached or stops taking bytes (`write timeout`). */
  write(data: Uint8Array): Promise<void>;
  /** Sends `request` and resolves with the first byte received after it, or null after `timeoutMs`. */
  query(request: Uint8Array, timeoutMs: number): Promise<number | null>;
  close(): Promise<void>;
}

export function createPrinterTransport(config: PrinterTransportConfig): PrinterTransport {
  return config.type === 'tcp'
    ? new TcpPrinterTransport(config.host, config.port, config.connectTimeoutMs, config.writeTimeoutMs)
    : new FilePrinterTransport(config.path, config.writeTimeoutMs);
}

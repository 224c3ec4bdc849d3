/** The embedded broker alone on an ephemeral port, over a database of its own, for tests of its limits. */
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/mqtt/embedded-broker.js';
import { log } from '../../server/log.js';
import { Accounts } from '../../server/store/accounts.js';
import { openDb } from '../../server/store/db.js';

export interface TestBroker {
  broker: EmbeddedBroker;
  accounts: Accounts;
  stop(): Promise<void>;
}

export async function startTestBroker(hallId: string): Promise<TestBroker> {
  log.setLevel('silent');
  const dir = mkdtempSync(join(tmpdir(), `hallq-${hallId}-`));
  const db = openDb(dir);
  const accounts = new Accounts(db);
  const broker = await startEmbeddedBroker({
    port: 0,
    host: '127.0.0.1',
    hallId,
    accounts,
    serverPassword: 'server-secret-for-tests',
  });
  return {
    broker,
    accounts,
    async stop() {
      await broker.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A broker for the file's tests: started before them, stopped after (beforeAll/afterAll). */
export function brokerForTheseTests(hallId: string): { readonly broker: EmbeddedBroker } {
  let running: TestBroker | undefined;
  beforeAll(async () => {
    running = await startTestBroker(hallId);
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get broker() {
      return running!.broker;
    },
  };
}

/**
 * The command outbox alone, with a fake link and clock: a passing failure is an answer, a device busy until a command
 * expires is shown as faulty, its new calls never overtake the old, and one that answered once and then fell silent is
 * not taken for alive.
 */
import { describe, expect, it } from 'vitest';
import { topics } from '../../devices/protocol/mqtt-topics.js';
import type { MqttLink } from '../../server/mqtt/mqtt-link.js';
import { CommandOutbox } from '../../server/mqtt/command-outbox.js';
import { tempDbPerTest } from '../helpers/temp-db.js';

const tmp = tempDbPerTest('hallq-outbox-');
const t = topics('yunfu-realestate');

function outbox() {
  let now = 1_000_000;
  const sent: Array<{ id: string }> = [];
  const faulty: string[] = [];
  const refused: string[] = [];
  const link = {
    connected: true,
    onConnect: () => {},
    publish: (_topic: string, payload: string) => sent.push(JSON.parse(payload)),
  } as unknown as MqttLink;
  const box = new CommandOutbox(tmp.db, link, t, {
    retryMs: 1000,
    maxAttempts: 5,
    clock: () => now,
    onFaulty: (id) => faulty.push(id),
    onRefused: (_id, _name, _payload, error) => refused.push(error),
  });
  const tick = (ms = 1000) => {
    now += ms;
    (box as unknown as { tick(): void }).tick();
  };
  return { box, sent, faulty, refused, tick };
}

describe('CommandOutbox', () => {
  it('shows a device that stays busy (queue-full) until the command expires as faulty, not before', () => {
    const { box, sent, faulty, tick } = outbox();
    const id = box.send('spk-1', 'announce', { text: 'A001' }, 10_000);
    for (let i = 0; i < 9; i++) {
      box.ack('spk-1', id, false, 'queue-full');
      tick();
    }
    expect(sent.length).toBeGreaterThan(5); // asked more than the five tries of a silent device
    expect(faulty).toEqual([]);
    box.ack('spk-1', id, false, 'queue-full');
    tick(2000); // past its 10 s: expired, and the device shown
    expect(faulty).toEqual(['spk-1']);
    expect(box.pending('spk-1')).toBe(0);
  });

  it('never lets a new call overtake the calls a busy speaker had no room for', () => {
    const { box, sent, tick } = outbox();
    const first = box.send('spk-2', 'announce', { text: 'A001' }, 60_000);
    box.ack('spk-2', first, false, 'queue-full');
    sent.length = 0;
    const second = box.send('spk-2', 'announce', { text: 'A002' }, 60_000);
    expect(sent).toEqual([]); // not ahead of A001, which waits for its next try
    tick(500);
    expect(sent).toEqual([]);
    tick(500);
    expect(sent.map((c) => c.id)).toEqual([first, second]);
    box.ack('spk-2', first, true);
    box.ack('spk-2', second, true);
    tick();
    sent.length = 0;
    box.send('spk-2', 'announce', { text: 'A003' }, 60_000);
    expect(sent).toHaveLength(1); // no longer busy: sent at once
  });

  it('sends an urgent notice to a busy speaker at once, never held behind its calls', () => {
    const { box, sent, tick } = outbox();
    const call = box.send('spk-3', 'announce', { text: 'A001' }, 60_000);
    box.ack('spk-3', call, false, 'queue-full');
    tick(500);
    sent.length = 0;
    const notice = box.send('spk-3', 'announce', { text: '撤离', urgent: true }, 60_000, { urgent: true });
    expect(sent.map((c) => c.id)).toEqual([notice]); // not after the call waiting for its next try
    box.ack('spk-3', notice, false, 'queue-full');
    tick(500); // the call is asked again; the notice is not due yet
    box.ack('spk-3', call, false, 'queue-full');
    sent.length = 0;
    tick(500); // the notice is due, the older call in flight: a call would be held behind it, the notice is not
    expect(sent.map((c) => c.id)).toEqual([notice]);
  });

  it('takes a device that answered once and then fell silent for faulty, not for alive', () => {
    const { box, faulty, refused, tick } = outbox();
    const id = box.send('prn-1', 'print', { ticketId: 't1' }, 60_000);
    box.ack('prn-1', id, false, 'offline: ECONNREFUSED'); // one answer, then nothing
    for (let i = 0; i < 6; i++) tick();
    expect(faulty).toEqual(['prn-1']);
    expect(refused).toEqual(['no ack']);
  });

  it('refuses, without marking faulty, a command the device keeps answering it cannot do now', () => {
    const { box, faulty, refused, tick } = outbox();
    const id = box.send('prn-2', 'print', { ticketId: 't2' }, 60_000);
    for (let i = 0; i < 6; i++) {
      box.ack('prn-2', id, false, 'offline: ECONNREFUSED');
      tick();
    }
    expect(faulty).toEqual([]);
    expect(refused).toEqual(['offline: ECONNREFUSED']);
  });
});

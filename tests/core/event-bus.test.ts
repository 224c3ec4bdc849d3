/** The bus runs listeners in order, `first` ahead of the rest, and one failing listener does not stop the others. */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../server/core/event-bus.js';
import { log } from '../../server/log.js';

describe('EventBus', () => {
  it('runs listeners in the order added, a `first` listener before all of them', () => {
    log.setLevel('silent');
    const bus = new EventBus();
    const order: string[] = [];
    bus.on('committed', () => order.push('devices'));
    bus.on('committed', () => {
      order.push('failing');
      throw new Error('boom');
    });
    const off = bus.on('committed', () => order.push('jobs'));
    bus.on('committed', () => order.push('stream'), { first: true });
    bus.emit('committed', []);
    expect(order).toEqual(['stream', 'devices', 'failing', 'jobs']);
    off();
    order.length = 0;
    bus.emit('committed', []);
    expect(order).toEqual(['stream', 'devices', 'failing']);
  });

  it('lets a listener unsubscribe itself while the bus is emitting without skipping the next one', () => {
    const bus = new EventBus();
    const order: string[] = [];
    const off = bus.on('committed', () => {
      order.push('once');
      off();
    });
    bus.on('committed', () => order.push('next'));
    bus.emit('committed', []);
    bus.emit('committed', []);
    expect(order).toEqual(['once', 'next', 'next']);
  });
});

describe('EventBus, typed per event', () => {
  const committed = (type: string, seq: number) =>
    ({ seq, streamSeq: seq, at: 0, actor: 'system:test', event: { type, data: {} } }) as any;

  it('gives a per-type listener each committed event of its type, in order with the batch listeners', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('committed', (batch) => seen.push(`batch:${batch.length}`));
    bus.on('ticket.called', (c) => seen.push(`called:${c.seq}`));
    bus.on('committed', () => seen.push('after'));
    bus.emit('committed', [
      committed('ticket.issued', 1),
      committed('ticket.called', 2),
      committed('ticket.called', 3),
    ]);
    expect(seen).toEqual(['batch:3', 'called:2', 'called:3', 'after']);
  });

  it('carries other features’ reports by name, and nothing to a listener of another name', () => {
    log.setLevel('silent');
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('mqtt.message', ({ topic }) => seen.push(topic));
    bus.on('command.acked', ({ deviceId }) => seen.push(deviceId));
    bus.on('mqtt.message', () => {
      throw new Error('boom');
    });
    bus.on('mqtt.message', ({ payload }) => seen.push(payload.toString()));
    bus.emit('mqtt.message', { topic: 'hallq/x/devices/led-1/status', payload: Buffer.from('online') });
    expect(seen).toEqual(['hallq/x/devices/led-1/status', 'online']);
  });
});

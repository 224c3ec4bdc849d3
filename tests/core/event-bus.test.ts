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

/**
 * Each test site's link to the city, which the test can cut and restore: a network namespace on a veth pair when the
 * machine allows it (`ip netns`, as root), else a TCP relay on loopback whose connections the test drops.
 */
import { execFileSync } from 'node:child_process';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { randomInt } from 'node:crypto';

export interface SiteLink {
  /** How the site's process is started (a namespace's `ip netns exec`, or nothing). */
  launcher?: string[];
  /** The site's own address (where its HTTP is reached from the test). */
  host: string;
  /** The city servers as this site reaches them. */
  natsUrl: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  remove(): Promise<void>;
}

export interface SiteLinks {
  mode: 'netns' | 'loopback';
  /** Why the namespaces could not be used, in loopback mode. */
  reason?: string;
  make(index: number, natsPorts: number[]): Promise<SiteLink>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Namespaces if they can be made here, else loopback relays; `reason` says why. */
export function siteLinks(): SiteLinks {
  const tag = randomInt(0x1000, 0xffff).toString(16);
  const probe = `hq${tag}p`;
  if (process.env.HALLQ_TEST_NO_NETNS)
    return { mode: 'loopback', reason: 'HALLQ_TEST_NO_NETNS is set', make: (_i, ports) => loopbackLink(ports) };
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
  } catch (err) {
    const reason = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    return { mode: 'loopback', reason, make: (_i, ports) => loopbackLink(ports) };
  }
  const net = randomInt(100, 250);
  return { mode: 'netns', make: async (i, ports) => netnsLink(`hq${tag}${i}`, net, i, ports) };
}

/** A veth pair between the root namespace (`<prefix>.1`) and `ns` (`<prefix>.2`). */
function veth(ns: string, outside: string, inside: string, prefix: string): void {
  ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
  ip('link', 'set', inside, 'netns', ns);
  ip('addr', 'add', `${prefix}.1/30`, 'dev', outside);
  ip('link', 'set', outside, 'up');
  ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${prefix}.2/30`, 'dev', inside);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', inside, 'up');
}

/**
 * A site in its own namespace with two links, as a hall has: its LAN (staff, kiosks: here the test's HTTP calls)
 * and its uplink to the city (NATS). Cutting the link cuts the uplink only; the hall goes on serving its LAN.
 */
function netnsLink(name: string, net: number, i: number, natsPorts: number[]): SiteLink {
  const uplink = `${name}u`;
  ip('netns', 'add', name);
  ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  veth(name, uplink, `${name}v`, `10.${net}.${i}`);
  veth(name, `${name}l`, `${name}m`, `10.${net}.${100 + i}`);
  return {
    launcher: ['ip', 'netns', 'exec', name],
    host: `10.${net}.${100 + i}.2`,
    natsUrl: natsPorts.map((p) => `nats://10.${net}.${i}.1:${p}`).join(','),
    cut: async () => void ip('link', 'set', uplink, 'down'),
    restore: async () => void ip('link', 'set', uplink, 'up'),
    remove: async () => {
      for (const dev of [uplink, `${name}l`])
        try {
          ip('link', 'del', dev);
        } catch {
          /* gone with the namespace */
        }
      try {
        ip('netns', 'del', name);
      } catch {
        /* already removed */
      }
    },
  };
}

/** A relay per city server on 127.0.0.1: cut drops every connection and refuses new ones until restored. */
async function loopbackLink(natsPorts: number[]): Promise<SiteLink> {
  let up = true;
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const ports: number[] = [];
  for (const target of natsPorts) {
    const server = createServer((client) => {
      if (!up) return void client.destroy();
      const upstream = tcpConnect(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    ports.push((server.address() as { port: number }).port);
  }
  return {
    host: '127.0.0.1',
    natsUrl: ports.map((p) => `nats://127.0.0.1:${p}`).join(','),
    cut: async () => {
      up = false;
      for (const s of sockets) s.destroy();
    },
    restore: async () => {
      up = true;
    },
    remove: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

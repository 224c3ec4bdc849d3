/**
 * aedes counts a message delivered to a client only once the client's socket has taken it, and holds one of its 100
 * delivery slots until then: a client that stopped reading took every slot within ~100 messages, and delivery to
 * every other client (LED boards, speakers, pads) stopped until aedes' drain timeout (60 s) cut it. So the broker is
 * not told to wait while the connection is open: a socket's write always reports success, and a client holding more
 * unsent data than it may is cut instead, as the live stream drops a screen that stopped reading (a device
 * reconnects and gets the retained state). All clients' unsent data together has a budget too; over it, those
 * holding the most are cut first. What is counted is this process's own buffer (`writableLength`): the kernel's
 * socket buffers (a few MB on Linux) come before it. Once the peer has sent FIN, Node puts its own `write` back on
 * the socket; aedes closes the client on that same 'end', which releases anything waiting.
 */
import type { Socket } from 'node:net';

export const MQTT_UNSENT_LIMITS = {
  /** A client that has not logged in, or reads the public state anonymously: a board's state is a few KB. */
  anonymous: 256 * 1024,
  /** A device or the server's own login. */
  loggedIn: 1024 * 1024,
  /** All clients together (1,000 connections at most). */
  total: 32 * 1024 * 1024,
};

export type UnsentLimits = typeof MQTT_UNSENT_LIMITS;

export class UnsentBudget {
  /** Each watched socket's unsent bytes when last looked at: an upper bound, since it only shrinks until the next write. */
  private readonly unsent = new Map<Socket, number>();
  private readonly loggedIn = new WeakSet<Socket>();
  private total = 0;

  constructor(
    private readonly onCut: (socket: Socket, unsent: number, why: 'not reading' | 'over the budget') => void,
    private readonly limits: UnsentLimits = MQTT_UNSENT_LIMITS,
  ) {}

  /** Watches what `socket` has not sent yet; from now on its writes never ask aedes to wait. */
  watch(socket: Socket): void {
    this.unsent.set(socket, 0);
    socket.once('close', () => {
      this.total -= this.unsent.get(socket) ?? 0;
      this.unsent.delete(socket);
    });
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      if (socket.destroyed) return true;
      write(...args);
      const now = this.recount(socket);
      const limit = this.loggedIn.has(socket) ? this.limits.loggedIn : this.limits.anonymous;
      if (now > limit) this.cut(socket, now, 'not reading');
      else if (this.total > this.limits.total) this.shed();
      return true;
    }) as Socket['write'];
  }

  /** The client on `socket` logged in (a device, the server): it may hold more. */
  loginAccepted(socket: Socket): void {
    this.loggedIn.add(socket);
  }

  /** Unsent bytes of all watched sockets, as last looked at. */
  get totalUnsent(): number {
    return this.total;
  }

  private recount(socket: Socket): number {
    const now = socket.writableLength;
    this.total += now - (this.unsent.get(socket) ?? 0);
    this.unsent.set(socket, now);
    return now;
  }

  /** Looks at every socket again (the total is an upper bound), then cuts those holding the most until under. */
  private shed(): void {
    for (const socket of this.unsent.keys()) this.recount(socket);
    if (this.total <= this.limits.total) return;
    const mostFirst = [...this.unsent.entries()].sort((a, b) => b[1] - a[1]);
    for (const [socket, unsent] of mostFirst) {
      if (this.total <= this.limits.total || unsent === 0) break;
      this.cut(socket, unsent, 'over the budget');
    }
  }

  private cut(socket: Socket, unsent: number, why: 'not reading' | 'over the budget'): void {
    // Counted out now: 'close' comes later, and a shed must see the total fall as it cuts.
    this.total -= this.unsent.get(socket) ?? 0;
    this.unsent.delete(socket);
    socket.destroy();
    this.onCut(socket, unsent, why);
  }
}

/** Where the server's own processes (the bridge, simulators, local tools) connect from: trusted by the connection bounds. */
export const LOOPBACK_ADDRESSES: ReadonlySet<string> = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

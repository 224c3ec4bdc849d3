/**
 * The city's NATS account and users (docs/city.md, deploy/city/nats-city.conf): each site may publish only its own
 * two subjects and read only its own replies (`_INBOX_<site>.>`); the city process may use the JetStream API and ack. Plain-text passwords
 * here for tests; a deployment puts bcrypt hashes (`nats server passwd`) in the same places.
 */
import { CITY_DOWN_STREAM, citySubjects, siteConsumer, siteInboxPrefix } from '../../protocol/city.js';

export interface NatsUser {
  user: string;
  password: string;
}

const list = (subjects: string[]) => `[${subjects.map((s) => JSON.stringify(s)).join(', ')}]`;

export function cityAccountsConfig(city: NatsUser, sites: NatsUser[]): string {
  const siteUsers = sites.map((s) => {
    const own = citySubjects(s.user);
    const mine = `${CITY_DOWN_STREAM}.${siteConsumer(s.user)}`;
    // Its events and info; reading its own directives' consumer (info, pull, ack), never making or changing one.
    const publish = [
      own.events,
      own.info,
      `$JS.API.CONSUMER.INFO.${mine}`,
      `$JS.API.CONSUMER.MSG.NEXT.${mine}`,
      `$JS.ACK.${mine}.>`,
    ];
    return `      { user: ${JSON.stringify(s.user)}, password: ${JSON.stringify(s.password)}, permissions: {
          publish: { allow: ${list(publish)} }, subscribe: { allow: ${list([`${siteInboxPrefix(s.user)}.>`, 'city.summary'])} } } }`;
  });
  return `accounts {
  CITY: {
    jetstream: enabled
    users: [
      { user: ${JSON.stringify(city.user)}, password: ${JSON.stringify(city.password)}, permissions: {
          publish: { allow: ["$JS.API.>", "$JS.ACK.>", "city.down.>", "city.summary"] }, subscribe: { allow: ["_INBOX.>"] } } }
${siteUsers.join('\n')}
    ]
  }
}
`;
}

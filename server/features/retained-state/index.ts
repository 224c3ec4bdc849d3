/** The hall's state as retained MQTT topics: counters, latest calls, queues, the active playbook. */
export { hallStateTopics, StatePublisher } from './state-publisher.js';

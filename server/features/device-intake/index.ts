/** What devices say over MQTT, and the HTTP API's word on added and removed devices. */
export { DeviceIntake, type DeviceIntakeOptions } from './device-intake.js';

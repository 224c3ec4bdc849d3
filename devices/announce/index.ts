// Call and notice announcements for the hall's speakers.

export type { Announcement, SpeechLang } from './announcement.js';
export { speechLanguages, hallLanguageTag, MAX_PLAYS } from './announcement.js';
export { speakNumber } from './speak-number.js';
export { buildCallAnnouncements, type CallAnnouncementInput } from './call-announcements.js';
export { buildNoticeAnnouncements, type NoticeOptions } from './notice-announcements.js';
export { espeakArgs, HALL_SPEECH_RATE } from './espeak-args.js';

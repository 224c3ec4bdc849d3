/**
 * The SMS templates of contract v2, in Chinese, each signed with the hall's name (`params.hall`). The gateway holds
 * the registered templates and fills in `params`; this text is what is registered with it, and what the stand-in
 * shows when a message "leaves".
 */
import type { SmsTemplate } from '../../../core/event-bus.js';

export const SMS_TEMPLATES: Record<SmsTemplate, string> = {
  'turn-near': '【{hall}】您的{number}号前面还有{ahead}人，请尽快回到大厅留意叫号。',
  'appointment-reminder': '【{hall}】您已预约{date} {time}办理{service}，预约码{code}，请按时到大厅签到取号。',
  'slot-moved': '【{hall}】您的{number}号今日未能办理，已为您预约{date} {time}，预约码{code}，请按时到大厅签到取号。',
  'prereview-result': '【{hall}】您的网上预审{reference}结果：{resultText}。',
  'playbook-notify': '【{hall}】{text}',
};

/** The message as the citizen reads it. */
export function renderSms(template: SmsTemplate, params: Record<string, string | number>): string {
  return SMS_TEMPLATES[template].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

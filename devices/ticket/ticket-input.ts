// What the kiosk ticket shows: everything the renderers need, already resolved by the server.

export interface TicketPrintInput {
  hallName: string;
  hallNameEn?: string;
  /** The ticket number as called, e.g. 'A012'. */
  number: string;
  serviceName: string;
  serviceNameEn?: string;
  /** People ahead in the queue when the ticket was issued. */
  ahead: number;
  etaMinutes: number;
  /** ISO instant of issue. */
  issuedAt: string;
  /** IANA zone of the hall, e.g. 'Asia/Shanghai'; the ticket prints local time in it. */
  timezone: string;
  /** 一次性告知: every material the service needs, told once. */
  materials: string[];
  /** 承诺办结时限, in working days. */
  deadlineWorkdays?: number;
  verifyCode: string;
  /** Target of the QR code: the phone status page /t/<ticketId>. */
  statusUrl: string;
  /** Short mark such as '优先' or '预约'. */
  priorityLabel?: string;
  /** Appointment checked in after its window: queued as a normal ticket. */
  late?: boolean;
}

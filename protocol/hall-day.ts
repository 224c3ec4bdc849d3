/** Online pre-reviews (网上预审) and home visits (上门服务) as the HTTP API returns them to staff. */

export type PrereviewResult = 'approved' | 'rejected' | 'more-materials';

export interface PrereviewView {
  id: string;
  serviceId: string;
  /** The platform's id of the application. */
  reference: string;
  submittedAt: string;
  /** 24 hours after submission. */
  dueAt: string;
  minutesLeft: number;
  /** null once answered. */
  clock: 'ok' | 'due-soon' | 'overdue' | null;
  phoneMasked: string | null;
  result: PrereviewResult | null;
  answeredAt: string | null;
}

export type HomeVisitStatus = 'booked' | 'done' | 'cancelled';

export interface HomeVisitView {
  id: string;
  serviceId: string;
  /** YYYY-MM-DD in the hall's zone. */
  date: string;
  status: HomeVisitStatus;
  addressMasked: string;
  phoneMasked: string | null;
  bookedBy: string;
  /** The visiting staff member's user id and name; null: any staff. */
  assignedTo: string | null;
  assignedName: string | null;
}

/** GET /home-visits: the address and phone in clear only for the staff member who visits, else null. */
export interface HomeVisitListed extends HomeVisitView {
  address: string | null;
  phone: string | null;
}

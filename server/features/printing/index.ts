/** Tickets on paper: the kiosk's printer, or another healthy one, or the number on the kiosk's screen. */
export { TicketPrinting, type PrintDecision } from './printing.js';

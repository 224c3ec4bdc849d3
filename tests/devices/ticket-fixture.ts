// Test helper: a ticket of the reference hall's one-window service.

import { readFileSync } from 'node:fs';
import type { TicketPrintInput } from '../../devices/ticket/index.js';

interface HallFile {
  hall: { name: string; nameEn: string; timezone: string };
  services: { id: string; name: string; nameEn: string; materials: string[]; deadlineWorkdays?: number }[];
}

const hall = JSON.parse(
  readFileSync(new URL('../../config/halls/yunfu-realestate.json', import.meta.url), 'utf8'),
) as HallFile;
const oneWindow = hall.services.find((s) => s.id === 'one-window')!;

export function sampleTicket(overrides: Partial<TicketPrintInput> = {}): TicketPrintInput {
  return {
    hallName: hall.hall.name,
    hallNameEn: hall.hall.nameEn,
    number: 'A012',
    serviceName: oneWindow.name,
    serviceNameEn: oneWindow.nameEn,
    ahead: 7,
    etaMinutes: 35,
    issuedAt: '2025-03-03T01:05:09.000Z', // 09:05 in Yunfu
    timezone: hall.hall.timezone,
    materials: oneWindow.materials,
    deadlineWorkdays: oneWindow.deadlineWorkdays,
    verifyCode: '482916',
    statusUrl: 'http://192.168.1.10:8080/t/8f3a2c7e-5b1d-4e6a-9c0f-2d7b3e4a1f60',
    ...overrides,
  };
}

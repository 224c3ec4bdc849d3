// Writes docs/ticket-sample.svg: the reference hall's one-window ticket A012, as the kiosk previews it.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderTicketSvg, type TicketPrintInput } from '../devices/ticket/index.js';

interface HallFile {
  hall: { name: string; nameEn: string; timezone: string };
  services: { id: string; name: string; nameEn: string; materials: string[]; deadlineWorkdays?: number }[];
}

const root = new URL('../', import.meta.url);
const hall = JSON.parse(readFileSync(new URL('config/halls/yunfu-realestate.json', root), 'utf8')) as HallFile;
const service = hall.services.find((s) => s.id === 'one-window');
if (!service) throw new Error('reference hall has no one-window service');

const sample: TicketPrintInput = {
  hallName: hall.hall.name,
  hallNameEn: hall.hall.nameEn,
  number: 'A012',
  serviceName: service.name,
  serviceNameEn: service.nameEn,
  ahead: 7,
  etaMinutes: 35,
  issuedAt: '2025-03-03T01:05:00Z', // a fixed instant keeps the file stable between runs
  timezone: hall.hall.timezone,
  materials: service.materials,
  deadlineWorkdays: service.deadlineWorkdays,
  verifyCode: '482916',
  statusUrl: 'http://192.168.1.10:8080/t/8f3a2c7e-5b1d-4e6a-9c0f-2d7b3e4a1f60',
};

const out = new URL('docs/ticket-sample.svg', root);
mkdirSync(new URL('docs/', root), { recursive: true });
writeFileSync(out, renderTicketSvg(sample));
console.log(`wrote ${out.pathname}`);

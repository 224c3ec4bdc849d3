/**
 * Every event type is handled: the state-event table (which replay keeps) names exactly the keys of HallEventMap, and
 * none of the audit-only entries. tsc refuses a gap too (`satisfies` on the table, `never` in apply, the projection
 * and the stream mapping); this test says so in the test run, reading the declarations from the source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadHallFile } from '../../server/config/load-hall.js';
import { STATE_EVENTS, STATE_EVENT_TYPES, type HallEvent } from '../../server/domain/events.js';
import { apply, initialState } from '../../server/domain/state.js';

const SOURCE = join(import.meta.dirname, '../../server/domain/events.ts');

/** The property names of an interface declared in events.ts. */
function interfaceKeys(name: string): string[] {
  const file = ts.createSourceFile(SOURCE, readFileSync(SOURCE, 'utf8'), ts.ScriptTarget.ES2022, true);
  const decl = file.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!decl) throw new Error(`no interface ${name} in events.ts`);
  return decl.members.map((m) =>
    m.name && (ts.isStringLiteral(m.name) || ts.isIdentifier(m.name)) ? m.name.text : '?',
  );
}

describe('event types', () => {
  it('the state-event table lists every type of HallEventMap, and only those', () => {
    expect(Object.keys(STATE_EVENTS).sort()).toEqual(interfaceKeys('HallEventMap').sort());
    expect([...STATE_EVENT_TYPES].sort()).toEqual(Object.keys(STATE_EVENTS).sort());
  });

  it('no audit-only entry is taken for a state event', () => {
    const auditOnly = interfaceKeys('AuditOnlyMap');
    expect(auditOnly.length).toBeGreaterThan(0);
    expect(auditOnly.filter((t) => STATE_EVENT_TYPES.has(t))).toEqual([]);
  });

  it('apply refuses a type it does not know instead of ignoring it', () => {
    const hall = loadHallFile();
    const state = initialState(hall, '2026-11-23');
    expect(() => apply(hall, state, { type: 'ticket.teleported', data: {} } as unknown as HallEvent)).toThrow(
      /unhandled hall event ticket.teleported/,
    );
  });
});

import type { Actor } from '../actor.js';
import type { Page } from '../common.schema.js';
import type { Deps } from '../ports.js';
import { accessContext, mayOnCase } from './case.access.js';
import type { CaseNote, NoteCreateInput, NoteListQuery } from './case.schema.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ErrorCode } from '../../shared/errors.js';

/** Adds a note to a case. Notes are append-only: a correction is a new note. */
export async function addCaseNote(
  deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'policy'>,
  actor: Actor,
  caseId: string,
  input: NoteCreateInput,
): Promise<Result<CaseNote, ErrorCode>> {
  if (actor.kind !== 'user') return err('case.not_found');
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    if (!c || !(await mayOnCase(r, accessContext(deps), actor, 'case.note.create', c))) return err('case.not_found');
    const note: CaseNote = { id: deps.ids.next(), caseId, authorUserId: actor.userId, body: input.body, createdAt: deps.clock.now().toISOString() };
    await r.notes.insert(note);
    await r.audit.append(actor, { action: 'case_note.create', recordType: 'case', recordId: caseId, details: { noteId: note.id } });
    return ok(note);
  });
}

/** Lists a case's notes, newest first. Audited as a read of the case. */
export async function listCaseNotes(
  deps: Pick<Deps, 'uow' | 'clock' | 'policy'>,
  actor: Actor,
  caseId: string,
  query: NoteListQuery,
): Promise<Result<Page<CaseNote>, ErrorCode>> {
  return deps.uow.write(async (r) => {
    const c = await r.cases.findById(caseId);
    if (!c || !(await mayOnCase(r, accessContext(deps), actor, 'case.note.read', c))) return err('case.not_found');
    const page = await r.notes.listForCase(caseId, query);
    await r.audit.append(actor, { action: 'case_note.list', recordType: 'case', recordId: caseId, details: { ids: page.items.map((n) => n.id) } });
    return ok(page);
  });
}

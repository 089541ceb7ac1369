import type { PersonInput, Person, PersonPatch } from './person.schema.js';

/**
 * The searchable form of a name: Unicode-compatibility folded, accents stripped, lower case, one space between
 * parts. "  José  MARÍA " and "jose maria" meet. Transliteration of other scripts is the linkage module's job (#8).
 */
export function normaliseName(...parts: ReadonlyArray<string | null | undefined>): string {
  return parts
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .join(' ')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The words of a normalised name, each once: what the name's blind index holds and what a name query must match,
 * all of them, exactly. `nameTokens(normaliseName('María José', 'Ramírez'))` is `['maria', 'jose', 'ramirez']`.
 */
export function nameTokens(normalised: string): string[] {
  return [...new Set(normalised.split(' ').filter((t) => t.length > 0))];
}

export function newPerson(
  input: PersonInput,
  meta: { id: string; organisationId: string; registeredBy: string | null; now: string },
): Person {
  return {
    id: meta.id,
    organisationId: meta.organisationId,
    givenName: input.givenName,
    familyName: input.familyName ?? null,
    sex: input.sex,
    dateOfBirth: input.dateOfBirth ?? null,
    isDateOfBirthEstimated: input.isDateOfBirthEstimated,
    nationality: input.nationality ?? null,
    preferredLanguage: input.preferredLanguage ?? null,
    registeredBy: meta.registeredBy,
    createdAt: meta.now,
    updatedAt: meta.now,
    version: 1,
  };
}

export function applyPersonPatch(person: Person, patch: PersonPatch, now: string): Person {
  const { expectedVersion: _ignored, ...changes } = patch;
  return { ...person, ...changes, updatedAt: now, version: person.version + 1 };
}

/** The fields a patch changed, by name only: audit details never hold the values. */
export function changedFields(patch: Record<string, unknown>): string[] {
  return Object.keys(patch).filter((k) => k !== 'expectedVersion').sort();
}

import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { typesOfSector } from '../domain/orgs/org.schema.js';
import type { ScopeExpr } from '../domain/policy/scope.js';

type Condition = RawBuilder<unknown>;
type Scalar = string | number | boolean;

/** How one policy attribute of a resource reads in SQL. A missing entry fails closed (an exception, never a leak). */
export interface AttributeSql {
  readonly eq?: (value: Scalar) => Condition;
  readonly has?: () => Condition;
  readonly contains?: (value: string) => Condition;
}

export type AttributeMap = Readonly<Record<string, AttributeSql>>;

const TRUE = sql`1 = 1`;
const FALSE = sql`1 = 0`;

/** Compiles a policy scope to a SQL condition with bound parameters. */
export function scopeToSql(expr: ScopeExpr, attrs: AttributeMap): RawBuilder<SqlBool> {
  return compile(expr, attrs) as RawBuilder<SqlBool>;
}

function compile(expr: ScopeExpr, attrs: AttributeMap): Condition {
  switch (expr.op) {
    case 'const':
      return expr.value ? TRUE : FALSE;
    case 'and':
    case 'or':
      if (expr.args.length === 0) return expr.op === 'and' ? TRUE : FALSE;
      return sql`(${sql.join(expr.args.map((a) => compile(a, attrs)), expr.op === 'and' ? sql` and ` : sql` or `)})`;
    case 'not':
      return sql`(not ${compile(expr.arg, attrs)})`;
    case 'eq':
    case 'has':
    case 'contains': {
      const attr = attrs[expr.attr];
      const build = expr.op === 'eq' ? attr?.eq : expr.op === 'has' ? attr?.has : attr?.contains;
      if (!build) throw new Error(`the policy filters on ${expr.op} ${expr.attr}, which this list cannot express in SQL`);
      return expr.op === 'has' ? (build as () => Condition)() : (build as (v: Scalar) => Condition)(expr.value as Scalar);
    }
  }
}

/** `column = value`, for id and plain attributes. */
export const equalsColumn = (column: string): AttributeSql => ({ eq: (v) => sql`${sql.ref(column)} = ${v}` });

/** An optional entity attribute held in a nullable column. */
export const optionalColumn = (column: string): AttributeSql => ({
  eq: (v) => sql`${sql.ref(column)} = ${v}`,
  has: () => sql`${sql.ref(column)} is not null`,
});

/** An organisation's own sector and kind, from its type column. */
export function organisationTypeAttributes(typeColumn: string): AttributeMap {
  const typeIn = (types: readonly string[]) => (types.length === 0 ? FALSE : sql`${sql.ref(typeColumn)} in (${sql.join(types)})`);
  return { sector: { eq: (v) => typeIn(typesOfSector(String(v))) }, kind: { eq: (v) => typeIn([String(v)]) } };
}

/** The holder organisation's sector or kind, from the organisation id column. */
export function holderAttributes(orgIdColumn: string): AttributeMap {
  const orgsOfTypes = (types: readonly string[]) =>
    types.length === 0 ? FALSE : sql`${sql.ref(orgIdColumn)} in (select id from organisations where type in (${sql.join(types)}))`;
  return {
    organisation: equalsColumn(orgIdColumn),
    sector: { eq: (v) => orgsOfTypes(typesOfSector(String(v))) },
    kind: { eq: (v) => orgsOfTypes([String(v)]) },
  };
}

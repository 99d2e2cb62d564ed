import type { SourcePosition } from "../errors.js";
import type { Score } from "../score.js";

/** Resource roles, normalised: legacy Master/Slave load as Promoted/Unpromoted. */
export type Role = "Stopped" | "Started" | "Unpromoted" | "Promoted";

export type BooleanOp = "and" | "or";

/** A `<rule>`: a condition that may also carry a score (in location constraints). */
export interface Rule {
  readonly kind: "rule";
  id: string;
  booleanOp: BooleanOp;
  /** Present when the rule sets a literal score (location constraints). */
  score?: Score;
  /** Node attribute whose value is the score when the rule matches. */
  scoreAttribute?: string;
  role?: Role;
  expressions: Expression[];
  pos?: SourcePosition;
}

export type AttributeOperation = "lt" | "gt" | "lte" | "gte" | "eq" | "ne" | "defined" | "not_defined";
export type ComparisonType = "string" | "integer" | "number" | "version";

/** `<expression>`: compares a node attribute (or #uname, #id, #kind …). */
export interface AttributeExpression {
  readonly kind: "attribute";
  id: string;
  attribute: string;
  operation: AttributeOperation;
  value?: string;
  /** Absent means Pacemaker's default (number/integer for lt/gt/lte/gte, else string). */
  type?: ComparisonType;
  /** literal: `value` itself; param/meta: `value` names a resource parameter or meta-attribute. */
  valueSource: "literal" | "param" | "meta";
}

/** A calendar duration (ISO 8601 or a `<duration>` element); all fields may be 0. */
export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** An inclusive range for one date_spec field; a single value has low === high. */
export interface SpecRange {
  low: number;
  high: number;
}

export type DateSpecField =
  | "seconds" | "minutes" | "hours" | "monthdays" | "weekdays" | "yeardays" | "months"
  | "weeks" | "years" | "weekyears" | "moon";

/** `<date_spec>`: cron-like; each present field must match. */
export type DateSpec = Partial<Record<DateSpecField, SpecRange>>;

/** `<date_expression>`; instants are Unix seconds (UTC). */
export interface DateExpression {
  readonly kind: "date";
  id: string;
  operation: "in_range" | "gt" | "lt" | "date_spec";
  start?: number;
  end?: number;
  duration?: Duration;
  dateSpec?: DateSpec;
}

/** `<rsc_expression>` (rsc_defaults/op_defaults rules): matches the agent. */
export interface ResourceExpression {
  readonly kind: "resource";
  id: string;
  class?: string;
  provider?: string;
  type?: string;
}

/** `<op_expression>` (op_defaults rules): matches an operation name and interval. */
export interface OperationExpression {
  readonly kind: "operation";
  id: string;
  name: string;
  intervalMs?: number;
}

export type Expression = Rule | AttributeExpression | DateExpression | ResourceExpression | OperationExpression;

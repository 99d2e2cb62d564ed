// Public surface of the CIB layer: Pacemaker's Cluster Information Base.
export { type CibError, type SourcePosition, formatCibError } from "./core/errors.js";
export {
  type XmlElement, type XmlText, type XmlComment, type XmlNode, type XmlDocument, type WalkControl, type Located,
  createElement, createComment, createText, cloneElement, cloneNode, childElements, firstChild, textContent,
  walk, findById, indexIds, findAll, descend, removeElement,
} from "./core/xml/tree.js";
export { parseXml, XML_DEPTH_MAX } from "./core/xml/parse.js";
export { serializeXml, serializeDocument, escapeAttribute, escapeText, type SerializeOptions } from "./core/xml/serialize.js";
export {
  type Score, INFINITY_SCORE, MINUS_INFINITY_SCORE, ZERO_SCORE, toScore, addScores, isInfinite, parseScore, scoreOrLenient, formatScore,
} from "./core/score.js";
export type * from "./core/rules/types.js";
export { evaluateRule, evaluateExpression, evaluateDate, dateSpecMatches, ruleScore, compareValues, compareVersions, type RuleContext } from "./core/rules/evaluate.js";
export {
  parseIsoDateTime, parseIsoDuration, parseIntervalMs, addDuration, civilFromSeconds, daysFromCivil, type CivilTime,
} from "./core/rules/iso8601.js";
export type * from "./core/model/types.js";
export { loadCib } from "./core/model/load.js";
export { resolveNvSets, staticValue, type ResolveOptions } from "./core/model/nvsets.js";
export { flattenResources, resourcesById, primitives, nodeAttributes } from "./core/model/query.js";
export { parseRole, isTrue } from "./core/model/reader.js";
export { parseTransitionKey } from "./core/model/read-status.js";
export {
  type CibVersion, versionOf, setVersion, compareCibVersions, formatCibVersion, nextVersion, VERSION_ATTRIBUTES,
} from "./core/version.js";
export { type Patch, type PatchChange, type PatchError, diffCib, applyPatch } from "./core/patch.js";
export { patchToXml, patchFromXml } from "./core/patch-xml.js";
export { resolvePath, type Resolved } from "./core/xpath.js";
export { type StoreError, writeCibFile, readCibFile, cibDigest, CIB_FILE_NAME, SIGNATURE_FILE_NAME } from "./driver/store.js";
export type * from "./core/scheduler-view/types.js";
export { readSchedulerInput } from "./core/scheduler-view/read.js";
// The scheduler's view keeps the short names it was written with; the full
// model's types of the same names are exported with a Cib prefix.
export type {
  NvSet, Expression, DateSpec, Rule, ResourceSet, LocationConstraint, ColocationConstraint, OrderConstraint, TicketConstraint,
  Constraint, LrmResource,
} from "./core/scheduler-view/types.js";
export type {
  NvSet as CibNvSet, ResourceSet as CibResourceSet, LocationConstraint as CibLocationConstraint,
  ColocationConstraint as CibColocationConstraint, OrderConstraint as CibOrderConstraint, TicketConstraint as CibTicketConstraint,
  Constraint as CibConstraint, LrmResource as CibLrmResource,
} from "./core/model/types.js";
export type { Expression as CibExpression, DateSpec as CibDateSpec, Rule as CibRule } from "./core/rules/types.js";
export { createEmptyCib, CIB_VALIDATE_WITH, CIB_FEATURE_SET } from "./core/empty.js";
export {
  type SchemaCheck, validateWithPacemakerSchema, latestSchema, schemaFor, PACEMAKER_SCHEMA_DIRECTORY,
} from "./driver/schema.js";
export { CibReplica, type CibUpdate, type ReplicaEffect } from "./core/replica.js";
export { type CibMessage, encodeCibMessage, decodeCibMessage } from "./core/wire.js";

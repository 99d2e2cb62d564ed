// Public surface of the CIB layer: Pacemaker's Cluster Information Base.
export { type CibError, type SourcePosition, formatCibError } from "./core/errors.js";
export {
  type XmlElement, type XmlText, type XmlComment, type XmlNode, type XmlDocument, type WalkControl, type Located,
  createElement, createComment, createText, cloneElement, cloneNode, childElements, firstChild, textContent,
  walk, findById, indexIds, findAll, descend, removeElement,
} from "./core/xml/tree.js";
export { parseXml, XML_DEPTH_MAX } from "./core/xml/parse.js";
export { serializeXml, serializeDocument, escapeAttribute, escapeText, type SerializeOptions } from "./core/xml/serialize.js";
export type * from "./core/scheduler-view/types.js";
export { readSchedulerInput } from "./core/scheduler-view/read.js";

// Public surface of the crm shell: crmsh's configuration language over a CIB.
export { CrmShell, type ShellIo, type ShellOptions, type Level } from "./shell.js";
export { type CibStore, FileCibStore, MemoryCibStore, storeFromEnvironment } from "./driver/cib-store.js";
export { ConfigureSession } from "./core/session.js";
export { Configuration } from "./core/config.js";
export { showConfiguration } from "./core/show.js";
export { verifyConfiguration, type Problem, type AgentLookup, type AgentInfo } from "./core/verify.js";
export { applyStatement, parseObject } from "./core/statements.js";
export { tokenize, splitStatements, positionOf, LexError, type Token, type Statement } from "./core/lexer.js";
export { CrmSyntaxError, TokenStream } from "./core/parse/stream.js";
export { CrmError } from "./core/errors.js";

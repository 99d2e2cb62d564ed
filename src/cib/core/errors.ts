/** A position in a source text: 1-based line and column (UTF-16 code units). */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

/** An operating error in a CIB document, pointing at the place that caused it. */
export interface CibError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** `FILE:LINE:COL: message`, the one way CIB errors are shown. */
export function formatCibError(error: CibError): string {
  return `${error.file}:${error.line}:${error.col}: ${error.message}`;
}

export function cibError(file: string, at: SourcePosition | undefined, message: string): CibError {
  return { file, line: at?.line ?? 0, col: at?.col ?? 0, message };
}

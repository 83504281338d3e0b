// Quoting a generated source around a line, for compile errors that point into kernels.

/** Lines line-1 .. line+1 of `source` (1-based), each prefixed with its number. */
export function quoteSource(source: string, line: number): string {
  const lines = source.split('\n');
  return lines.slice(Math.max(0, line - 2), line + 1).map((l, i) => `${Math.max(1, line - 1) + i}: ${l}`).join('\n');
}

export const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[";\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(';')}\r\n`;

/** First line of a CSV file: a BOM so that spreadsheet software reads UTF-8, then the column names. */
export const csvHeader = (columns: string[]) => `\uFEFF${csvLine(columns)}`;

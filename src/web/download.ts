import type { FastifyReply } from 'fastify';
import { csvHeader, csvLine } from '../shared/csv.js';

/**
 * Sends a CSV file to download: a header line (with the BOM spreadsheets need to read UTF-8), then
 * a line per row, `;`-separated as French spreadsheets expect (shared/csv.ts).
 */
export function sendCsv(reply: FastifyReply, fileName: string, header: string[], rows: unknown[][]) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(csvHeader(header) + rows.map(csvLine).join(''));
}

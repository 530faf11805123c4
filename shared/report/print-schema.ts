/** Prints the report's JSON Schema: `npx tsx shared/report/print-schema.ts > report.schema.json`. */
import { reportJsonSchema } from './report-schema.ts';

process.stdout.write(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
